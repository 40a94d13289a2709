/**
 * @module core/app/cluster-trace-text
 * The text view of `kpath trace`: per branch its probability and random choices, then every
 * hop (namespace, devices, the packet as `tcpdump -e` prints it on the hop's device, then
 * netfilter's TRACE lines with the rule each points at, conntrack and NAT lines, the route,
 * ARP, the tunnel header and notes), the outcome in one sentence, and the reply walked back
 * the same way. Colours come from the injected palette (none when piped or under NO_COLOR).
 */
import { type ClusterState, findNetns } from '../model/cluster-state.js'
import type { NetnsState } from '../model/netns.js'
import { type Packet, PROTO, type TcpFlag, type TcpSeqInfo } from '../model/packet.js'
import { formatRuleSpec } from '../netfilter/iptables-save/index.js'
import type { ClusterBranch, Hop, HopPacket, Outcome, SegmentWalk, Walk } from '../walk/index.js'
import { replyTo } from '../walk/reply.js'
import type { ClusterTraceReport } from './cluster-trace.js'
import { type CaptureDevice, captureDevice } from './trace-capture.js'
import { resetKind, segmentKind, segmentTitle, tcpdumpNumbers } from './trace-tcp.js'
import { type Palette, PLAIN } from './trace-text.js'

/** tcpdump's letters for TCP flags, in its order (print-tcp.c's flag table); ACK is `.`. */
const TCPDUMP_FLAGS: readonly (readonly [TcpFlag, string])[] = [
  ['FIN', 'F'],
  ['SYN', 'S'],
  ['RST', 'R'],
  ['PSH', 'P'],
  ['ACK', '.'],
  ['URG', 'U'],
  ['ECE', 'E'],
  ['CWR', 'W'],
]

/** What the segment carries beyond the headers a hop keeps: flags, TCP numbers, ICMP type. */
export interface PacketKind {
  readonly tcpFlags?: readonly TcpFlag[]
  /** Absolute TCP numbers, when the trace plays a conversation (`--segment`). */
  readonly tcpSeq?: TcpSeqInfo
  /** The initial sequence numbers tcpdump subtracts from seq and ack (trace-tcp.ts). */
  readonly isn?: { readonly seq: number; readonly ack: number }
  readonly icmpType?: number
  readonly icmpCode?: number
}

/** tcpdump's words for the ICMP messages a trace meets (print-icmp.c). */
const ICMP_NAMES: Readonly<Record<string, string>> = {
  '0': 'echo reply',
  '3/0': 'net unreachable',
  '3/1': 'host unreachable',
  '3/3': 'port unreachable',
  '3/4': 'unreachable - need to frag',
  '3/13': 'unreachable - admin prohibited filter',
  '8': 'echo request',
  '11': 'time exceeded in-transit',
}

function icmpName(k: PacketKind): string {
  const type = k.icmpType ?? -1
  return ICMP_NAMES[`${type}/${k.icmpCode ?? 0}`] ?? ICMP_NAMES[String(type)] ?? `type ${type}`
}

function transport(p: HopPacket, k: PacketKind): string {
  if (p.proto === PROTO.tcp) {
    const f = TCPDUMP_FLAGS.filter(([n]) => k.tcpFlags?.includes(n)).map(([, l]) => l)
    return `Flags [${f.join('') || 'none'}]${tcpdumpNumbers(k)}`
  }
  if (p.proto === PROTO.udp) return 'UDP'
  if (p.proto === PROTO.icmp) return `ICMP ${icmpName(k)}`
  return `proto ${p.proto}`
}

/**
 * `IP 10.244.1.5.40000 > 10.96.0.10.80: Flags [S], ttl 64, length 60` (tcpdump -v's words);
 * with TCP numbers `Flags [P.], seq 1:1449, ack 1, win 502, ttl 64, length 1500`.
 */
export function tcpdumpLine(p: HopPacket, k: PacketKind): string {
  const end = (a: string, port?: number) => (port === undefined ? a : `${a}.${port}`)
  return `IP ${end(p.src, p.sport)} > ${end(p.dst, p.dport)}: ${transport(p, k)}, ttl ${p.ttl}, length ${p.length}`
}

/** The iptables rule a `TRACE: table:chain:rule:N` line points at, as iptables-save prints it. */
export function ruleText(n: NetnsState | undefined, line: string): string | undefined {
  const m = /^TRACE: ([a-z]+):(\S+):rule:(\d+)$/.exec(line)
  if (m === null || n === undefined) return undefined
  const chain = n.iptables.ipv4?.tables
    .find((t) => t.name === m[1])
    ?.chains.find((c) => c.name === m[2])
  const rule = chain?.rules[Number(m[3]) - 1]
  return rule === undefined ? undefined : `-A ${m[2]}${formatRuleSpec(rule)}`
}

function netfilterLine(line: string, n: NetnsState | undefined, c: Palette): string {
  const spec = ruleText(n, line)
  if (spec !== undefined) return `${line}  ${c.dim(spec)}`
  if (line.startsWith('nat(') || line.startsWith('br_netfilter')) return c.cyan(line)
  if (line.startsWith('verdict')) return c.red(line)
  return line.startsWith('TRACE') ? c.dim(line) : line
}

/** `[node-beta] ip, in cni0 (port veth1), out flannel.1`. */
export function hopHeader(h: Hop, c: Palette = PLAIN): string {
  const dev = [
    h.inIface ? `in ${h.inIface}${h.physIn ? ` (port ${h.physIn})` : ''}` : '',
    h.outIface ? `out ${h.outIface}${h.physOut ? ` (port ${h.physOut})` : ''}` : '',
  ].filter(Boolean)
  return c.bold(`[${h.netns}] ${h.kind}${dev.length > 0 ? `, ${dev.join(', ')}` : ''}`)
}

const NO_MAC = '00:00:00:00:00:00'

/** What the hop helpers read of a trace report: the namespaces. */
export interface OfState {
  readonly state: ClusterState
}

/**
 * The hop as `tcpdump -e` shows it on its device: `eth0 Out 0e:… > 2a:…, ethertype IPv4
 * (0x0800), length 74: IP 10.244.1.2.40000 > 10.244.0.2.8080: Flags [S], ttl 63, length 60`;
 * no link-layer part on raw-IP devices (tun, tunl0) or where the frame has no MACs yet.
 */
export function wireLine(h: Hop, k: PacketKind, d: CaptureDevice, c: Palette = PLAIN): string {
  const where = c.cyan(`${d.dev} ${d.dir}`)
  const pkt = tcpdumpLine(h.packet, k)
  if (!d.ethernet || (h.srcMac === undefined && h.dstMac === undefined)) return `${where} ${pkt}`
  const len = h.packet.length + 14
  const eth = `${h.srcMac ?? NO_MAC} > ${h.dstMac ?? NO_MAC}, ethertype IPv4 (0x0800), length ${len}`
  return `${where} ${c.dim(eth)}: ${pkt}`
}

/** What happened in the hop: netfilter (rules quoted), route, ARP, tunnel header, notes. */
export function hopDetails(h: Hop, r: OfState, c: Palette = PLAIN): string[] {
  const n = findNetns(r.state, h.netns)
  return [
    ...h.netfilter.map((l) => netfilterLine(l, n, c)),
    ...(h.route ? [`route: ${h.route}`] : []),
    ...(h.arp ? [`arp: ${h.arp}`] : []),
    ...(h.encap ? [`${h.kind}: ${h.encap}`] : []),
    ...h.notes.map((x) => `note: ${c.dim(x)}`),
  ]
}

/**
 * A packet received is printed before what the namespace did with it; a packet sent, after
 * (it leaves once netfilter, routing and ARP are done).
 */
function hopLines(h: Hop, k: PacketKind, r: ClusterTraceReport, c: Palette): string[] {
  const d = captureDevice(r.state, h)
  const wire = [`  ${wireLine(h, k, d, c)}`]
  const details = hopDetails(h, r, c).map((l) => `  ${l}`)
  const body = d.dir === 'Out' ? [...details, ...wire] : [...wire, ...details]
  return [hopHeader(h, c), ...body]
}

/** A namespace by what it stands for: `pod default/web-1`, `node beta`, `external host client`. */
export function whoIs(r: OfState, netns: string): string {
  const role = findNetns(r.state, netns)?.role
  if (role?.kind === 'pod') return `pod ${role.namespace}/${role.name}`
  if (role?.kind === 'node') return `node ${role.node}`
  if (role?.kind === 'external') return `external host ${role.name}`
  if (role?.kind === 'router') return `router ${role.name}`
  return netns
}

function portText(p: number | undefined): string {
  return p === undefined ? '' : ` port ${p}`
}

export function outcomeText(o: Outcome, r: OfState): string {
  switch (o.kind) {
    case 'delivered': {
      const saw = `${o.serverSaw.src}${o.serverSaw.sport === undefined ? '' : `:${o.serverSaw.sport}`}`
      return `delivered to ${whoIs(r, o.netns)}${portText(o.port)}; it saw the packet from ${saw}; TTL ${o.ttlAtArrival} at arrival`
    }
    case 'refused':
      return `refused by ${whoIs(r, o.netns)}: nothing listens${o.port === undefined ? '' : ` on port ${o.port}`} (TTL ${o.ttlAtArrival} at arrival)`
    case 'dropped':
      return `dropped in ${whoIs(r, o.netns)} at ${o.where}: ${o.reason}`
    case 'left':
      return `left the modelled world from ${whoIs(r, o.netns)} by ${o.iface}`
  }
}

function walkLines(w: Walk, k: PacketKind, r: ClusterTraceReport, c: Palette): string[] {
  const ok = w.outcome.kind === 'delivered'
  const end = `=> ${outcomeText(w.outcome, r)}`
  return [...w.hops.flatMap((h) => hopLines(h, k, r, c)), ok ? c.green(end) : c.red(end)]
}

export function kindOf(p: PacketKind | undefined): PacketKind {
  return {
    ...(p?.tcpFlags ? { tcpFlags: p.tcpFlags } : {}),
    ...(p?.tcpSeq ? { tcpSeq: p.tcpSeq } : {}),
    ...(p?.icmpType === undefined ? {} : { icmpType: p.icmpType }),
    ...(p?.icmpCode === undefined ? {} : { icmpCode: p.icmpCode }),
  }
}

/**
 * The reply's packet: the server's answer to the request, or, for a dropped request, what the
 * dropping namespace sent back (an ICMP error, or REJECT's TCP reset).
 */
export function replyKind(request: Packet, b: ClusterBranch): PacketKind & { proto?: number } {
  const e = b.reply?.error
  if (e === undefined) return { ...kindOf(replyTo(request, b.outcome)) }
  if (e.packet.proto === PROTO.tcp) return { proto: PROTO.tcp, tcpFlags: ['RST', 'ACK'] }
  return {
    proto: e.packet.proto,
    ...(e.icmpType === undefined ? {} : { icmpType: e.icmpType }),
    ...(e.icmpCode === undefined ? {} : { icmpCode: e.icmpCode }),
  }
}

/** Why a branch has no reply walk. */
function noReply(b: ClusterBranch): string {
  if (b.outcome.kind === 'dropped' || b.outcome.kind === 'left')
    return 'no reply: the request never reached a socket'
  return 'no reply: the kernel sends none (a TCP RST is never answered, nor is an ICMP error)'
}

function replyHead(b: ClusterBranch, r: OfState): string {
  const e = b.reply?.error
  return e === undefined ? 'reply:' : `reply: ${e.text}, sent by ${whoIs(r, e.netns)}:`
}

/** A segment walk after the handshake, and the RST that answered it when no socket took it. */
function segmentLines(s: SegmentWalk, i: number, r: ClusterTraceReport, c: Palette): string[] {
  const reset = s.reset
  const rst = resetKind(s)
  const who = whoIs(r, reset?.hops[0]?.netns ?? '')
  return [
    `${segmentTitle(s, i)}:`,
    ...walkLines(s, segmentKind(s), r, c),
    ...(reset && rst ? [`reset: ${who} answers with an RST (no socket took the segment):`] : []),
    ...(reset && rst ? walkLines(reset, rst, r, c) : []),
  ]
}

function branchLines(b: ClusterBranch, i: number, r: ClusterTraceReport, c: Palette): string[] {
  const n = r.trace.branches.length
  const why = b.decisions.map((d) => `${d.label} ${d.taken ? 'matched' : 'not matched'}`)
  const head = `branch ${i + 1} of ${n}, probability ${b.probability.toFixed(6)}`
  return [
    '',
    c.bold(head),
    ...why.map((x) => `  choice: ${x}`),
    'request:',
    ...walkLines(b, kindOf(r.packet), r, c),
    b.reply ? replyHead(b, r) : c.yellow(noReply(b)),
    ...(b.reply ? walkLines(b.reply, replyKind(r.packet, b), r, c) : []),
    ...(b.segments ?? []).flatMap((s, j) => segmentLines(s, j, r, c)),
  ]
}

export function clusterTraceText(r: ClusterTraceReport, c: Palette = PLAIN): string {
  const p = r.packet
  const head = [
    c.bold(`trace ${r.from.label} -> ${r.to.label}, sent from ${r.netns}`),
    `  ${tcpdumpLine({ ...p }, kindOf(p))}`,
  ]
  const body = r.trace.branches.flatMap((b, i) => branchLines(b, i, r, c))
  return `${[...head, ...body].join('\n')}\n`
}
