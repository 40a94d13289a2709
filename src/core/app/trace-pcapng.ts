/**
 * @module core/app/trace-pcapng
 * `kpath trace --format pcapng`: every hop of every branch (request, reply, then with
 * `--segment` each segment after the handshake and the RST answering it) as one packet of a
 * pcapng capture with the walk's TCP numbers, on one interface per device the trace crossed (named `netns/dev`,
 * Ethernet or raw IP as the device carries; see trace-capture.ts). Packets carry real headers
 * with checksums; hops inside a tunnel carry the real encapsulation (VXLAN in UDP, flanneld's
 * UDP with the raw inner IP, IP-in-IP); the hop's netfilter rules, route and outcome go in the
 * packet comment. Payloads are zeros: kpath models headers, not data.
 */

import type { ClusterState } from '../model/cluster-state.js'
import { type Packet, PROTO } from '../model/packet.js'
import {
  type CapturedPacket,
  ethernet,
  type InterfaceInfo,
  ipPacket,
  LINKTYPE,
  type Transport,
  vxlanPayload,
  writePcapng,
} from '../pcapng/index.js'
import type { ClusterBranch, ClusterTrace, Hop, HopPacket, HopTunnel, Walk } from '../walk/index.js'
import { synAckSeq, synSeq } from '../walk/tcp-seq.js'
import {
  hopDetails,
  hopHeader,
  outcomeText,
  type PacketKind,
  replyKind,
} from './cluster-trace-text.js'
import { captureDevice } from './trace-capture.js'
import { resetKind, segmentKind, segmentTitle } from './trace-tcp.js'

const NO_MAC = '00:00:00:00:00:00'

/** What the capture is made of (a ClusterTraceReport is one). */
export interface TraceData {
  readonly state: ClusterState
  /** The packet the client sent (flags, ICMP type, DF). */
  readonly packet: Packet
  readonly trace: ClusterTrace
}
type FlowPacket = PacketKind & Partial<Pick<Packet, 'proto' | 'icmpId' | 'df'>>

/** What the innermost packet of a walk is: the request the client sent, or the answer. */
interface Flow {
  readonly packet: FlowPacket
  readonly reply: boolean
  /** For an ICMP error: the quoted packet as the server received it. */
  readonly quote?: Uint8Array
}

/**
 * The numbers of a TCP header: the walk's own (a conversation played with `--segment`), else
 * the handshake's (core/walk tcp-seq.ts: the SYN, its SYN/ACK, or tcp_v4_send_reset's answer
 * to the SYN: seq 0, ack = its seq + 1, window 0).
 */
function tcpNumbers(f: Flow): { seq: number; ack: number; window: number } {
  const own = f.packet.tcpSeq
  if (own !== undefined) return own
  const syn = synSeq()
  if (!f.reply) return syn
  if (f.packet.tcpFlags?.includes('RST')) return { seq: 0, ack: (syn.seq + 1) >>> 0, window: 0 }
  return synAckSeq(syn)
}

function tcpTransport(p: HopPacket, f: Flow): Transport {
  const { seq, ack, window } = tcpNumbers(f)
  const ends = { sport: p.sport ?? 0, dport: p.dport ?? 0 }
  return { kind: 'tcp', ...ends, seq, ack, flags: f.packet.tcpFlags ?? [], window }
}

/** The transport header of the flow's own packet (not of a tunnel around it). */
function flowTransport(p: HopPacket, f: Flow): Transport {
  if (p.proto === PROTO.tcp && (f.packet.proto ?? PROTO.tcp) === PROTO.tcp)
    return tcpTransport(p, f)
  if (p.proto === PROTO.udp) return { kind: 'udp', sport: p.sport ?? 0, dport: p.dport ?? 0 }
  if (p.proto === PROTO.icmp) {
    const type = f.packet.icmpType ?? 8
    const code = f.packet.icmpCode ?? 0
    // Echo: identifier and sequence 1; errors: 4 unused bytes, then the quoted packet.
    if (type === 0 || type === 8)
      return { kind: 'icmp', type, code, rest: ((f.packet.icmpId ?? 1) << 16) | 1 }
    const quote = f.quote?.slice(0, Math.max(0, p.length - 28))
    return { kind: 'icmp', type, code, rest: 0, ...(quote ? { payload: quote } : {}) }
  }
  return { kind: 'other' }
}

function tunnelTransport(p: HopPacket, t: HopTunnel, inner: Uint8Array): Transport {
  const ends = { sport: p.sport ?? 0, dport: p.dport ?? 0 }
  if (t.type === 'vxlan') {
    const frame = ethernet(t.innerSrcMac ?? NO_MAC, t.innerDstMac ?? NO_MAC, inner)
    // The vxlan driver leaves the outer UDP checksum 0 over IPv4 unless `udpcsum` is set.
    return { kind: 'udp', ...ends, checksum: false, payload: vxlanPayload(t.vni ?? 0, frame) }
  }
  if (t.type === 'udp') return { kind: 'udp', ...ends, payload: inner }
  return { kind: 'other', payload: inner }
}

/** The IP packet of a hop; `layers` are the tunnels it is inside, outermost first. */
function ipBytes(p: HopPacket, layers: readonly HopTunnel[], f: Flow): Uint8Array {
  const top = layers.at(-1)
  const l4 =
    top === undefined
      ? flowTransport(p, f)
      : tunnelTransport(p, top, ipBytes(top.inner, layers.slice(0, -1), f))
  // Sockets set DF on TCP and UDP (IP_PMTUDISC_WANT), as does flanneld's; vxlan does not.
  const df = top === undefined ? f.packet.df === true : top.type === 'udp'
  return ipPacket({ ...p, df, l4 })
}

class CaptureBuilder {
  readonly interfaces: InterfaceInfo[] = []
  readonly packets: CapturedPacket[] = []
  private readonly index = new Map<string, number>()
  private clock: bigint

  constructor(
    readonly r: TraceData,
    start: bigint,
  ) {
    this.clock = start
  }

  private iface(h: Hop): { id: number; ethernet: boolean } {
    const d = captureDevice(this.r.state, h)
    const name = `${d.netns}/${d.dev}${d.dir === 'encap' ? ' (encap)' : ''}`
    let id = this.index.get(name)
    if (id === undefined) {
      id = this.interfaces.length
      this.index.set(name, id)
      const description =
        d.dir === 'encap' ? 'the outer packet as the tunnel hands it to IP' : undefined
      this.interfaces.push({
        linkType: d.ethernet ? LINKTYPE.ethernet : LINKTYPE.raw,
        name,
        ...(description ? { description } : {}),
      })
    }
    return { id, ethernet: d.ethernet }
  }

  walk(w: Walk, f: Flow, label: string): void {
    const layers: HopTunnel[] = []
    w.hops.forEach((h, i) => {
      if (h.kind === 'decap') layers.pop()
      if (h.kind === 'encap' && h.tunnel !== undefined) layers.push(h.tunnel)
      const ip = ipBytes(h.packet, layers, f)
      const at = this.iface(h)
      const data = at.ethernet ? ethernet(h.srcMac ?? NO_MAC, h.dstMac ?? NO_MAC, ip) : ip
      const last = i === w.hops.length - 1 ? [`=> ${outcomeText(w.outcome, this.r)}`] : []
      const comment = [
        `${label} hop ${i + 1}/${w.hops.length}: ${hopHeader(h)}`,
        ...hopDetails(h, this.r),
        ...last,
      ].join('\n')
      this.packets.push({ iface: at.id, timestamp: this.clock, data, comment })
      this.clock += 1000n
    })
  }
}

/** `--segment`: each segment's walk after the handshake, and the RST that answered it. */
function segmentsOf(cap: CaptureBuilder, b: ClusterBranch, name: string): void {
  b.segments?.forEach((s, j) => {
    const title = `${name} ${segmentTitle(s, j)}`
    cap.walk(s, { packet: segmentKind(s), reply: s.spec.from === 'server' }, title)
    const rst = resetKind(s)
    if (s.reset && rst)
      cap.walk(s.reset, { packet: rst, reply: s.spec.from === 'client' }, `${title}, RST`)
  })
}

function isEcho(p: Packet): boolean {
  return p.proto === PROTO.icmp && p.icmpType === 8
}

/** The packet the server received: the last hop of the request (for an ICMP error's quote). */
function received(b: ClusterBranch, f: Flow): Uint8Array | undefined {
  const last = b.hops.at(-1)
  return last === undefined ? undefined : ipBytes(last.packet, [], f)
}

export interface PcapngOptions {
  /** Timestamp of the first packet, microseconds since the epoch (default 0); 1 ms apart. */
  readonly start?: bigint
}

/**
 * @example
 * const bytes = tracePcapng(traceBetween({ inputs, from: 'pod/a', to: 'svc/default/web' }))
 * // SHB, an IDB per device crossed, an EPB per hop; open with `tshark -r`
 */
export function tracePcapng(r: TraceData, o: PcapngOptions = {}): Uint8Array {
  const cap = new CaptureBuilder(r, o.start ?? 0n)
  const n = r.trace.branches.length
  r.trace.branches.forEach((b, i) => {
    const name = `branch ${i + 1}/${n} (p=${b.probability.toFixed(6)})`
    const request: Flow = { packet: r.packet, reply: false }
    cap.walk(b, request, `${name} request`)
    if (b.reply === undefined) return
    const answer = {
      ...replyKind(r.packet, b),
      ...(isEcho(r.packet) ? { icmpId: r.packet.icmpId } : {}),
    }
    const quote = received(b, request)
    cap.walk(b.reply, { packet: answer, reply: true, ...(quote ? { quote } : {}) }, `${name} reply`)
    segmentsOf(cap, b, name)
  })
  return writePcapng({
    application: 'kpath trace',
    interfaces: cap.interfaces,
    packets: cap.packets,
  })
}

/** `tshark -d` options that decode the tunnels a trace used on non-standard ports. */
export function tsharkDecodeHints(r: TraceData): string[] {
  const hints = new Set<string>()
  for (const b of r.trace.branches)
    for (const h of [...b.hops, ...(b.reply?.hops ?? [])]) {
      const port = h.packet.dport
      if (h.tunnel?.type === 'vxlan' && port !== 4789) hints.add(`-d udp.port==${port},vxlan`)
      if (h.tunnel?.type === 'udp') hints.add(`-d udp.port==${port},ip`)
    }
  return [...hints]
}
