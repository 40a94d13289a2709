/**
 * @module core/app/cluster-trace
 * `kpath trace FILE... --from REF --to REF`: load and assemble the cluster, start a packet at a
 * socket in the `--from` namespace (its source chosen by routing, as connect() does), walk it
 * across every namespace (core/walk `traceCluster`) and hand back the branches. The text view
 * is cluster-trace-text.ts; `--json` prints the ClusterTrace (docs/TRACE-JSON.md).
 */
import { type AssembledCluster, assembleCluster } from '../cluster/index.js'
import { KpathError } from '../errors.js'
import { type LoadInput, loadCluster } from '../kube/load/index.js'
import type { Cluster } from '../kube/model.js'
import { findNetns } from '../model/cluster-state.js'
import { type Packet, PROTO } from '../model/packet.js'
import { seededRandom } from '../netfilter/engine/chooser.js'
import { lookupRoute } from '../route/index.js'
import { type ClusterTrace, type SegmentSpec, synSeq, traceCluster } from '../walk/index.js'
import { applyEdits, type WhatIfEdit } from '../whatif/index.js'
import { type Endpoint, type RefWorld, resolveRef, senderNetns } from './refs.js'

export type TraceProto = 'tcp' | 'udp' | 'icmp' | 'sctp'

export interface ClusterTraceOptions {
  readonly inputs: readonly LoadInput[]
  readonly from: string
  readonly to: string
  readonly port?: number
  readonly proto?: TraceProto
  /** Follow one branch drawn with this seed (weighted by probability) instead of all. */
  readonly sample?: number
  /** What-if edits (core/whatif): objects changed before rendering, kernels after assembly. */
  readonly edits?: readonly WhatIfEdit[]
  /** The packet's IP total length (default: a SYN, a small datagram or a ping); DF set. */
  readonly size?: number
  /** Keep each branch's conntrack tables (`kpath show … conntrack` after a trace). */
  readonly conntrack?: boolean
  /**
   * TCP segments after the handshake (`--segment`, core/walk segments.ts): the SYN and its
   * SYN/ACK then carry sequence numbers, so conntrack tracks the window.
   */
  readonly segments?: readonly SegmentSpec[]
  /** Told each stage as it starts, for a progress display (cli/progress.ts). */
  readonly progress?: (stage: string) => void
  /**
   * A cluster built already (core/dump: node dumps), used instead of loading `inputs`; what-if
   * edits are then applied while building it (`dumpWorld(dumps, inputs, edits)`), not here.
   */
  readonly world?: RefWorld & { readonly warnings: readonly string[] }
}

export interface ClusterTraceReport {
  readonly from: Endpoint
  readonly to: Endpoint
  /** The namespace whose socket sent the packet. */
  readonly netns: string
  readonly packet: Packet
  readonly trace: ClusterTrace
  readonly state: AssembledCluster
  /** The Kubernetes model the state was rendered from (after what-if object edits). */
  readonly cluster: Cluster
  readonly warnings: readonly string[]
}

/** The client's ephemeral port: a fixed stand-in for the kernel's random pick. */
export const CLIENT_PORT = 40000

/**
 * The source a socket gets: the given address for an IP reference, else the preferred source
 * of the output route to the destination (inet_select_addr via ip_route_connect).
 */
function sourceAddress(w: RefWorld, from: Endpoint, netns: string, dst: string): string {
  if (from.netns === undefined || from.label === from.addr) return from.addr
  const n = findNetns(w.state, netns)
  const r = n === undefined ? undefined : lookupRoute(n, { dst, input: false })
  return r?.src ?? from.addr
}

function destPort(to: Endpoint, o: ClusterTraceOptions, proto: TraceProto): number | undefined {
  if (proto === 'icmp') return undefined
  const port = o.port ?? to.port ?? to.containerPort
  if (port === undefined)
    throw new KpathError('KPATH_INVALID_ARGUMENT', `no destination port for ${to.label}`, {
      hint: 'give --port N',
    })
  return port
}

/**
 * A first packet as Linux sends it: a TCP SYN with options (60 bytes), a small UDP datagram,
 * or a ping (84 bytes); TTL 64 (net.ipv4.ip_default_ttl); DF on TCP and UDP, which sockets
 * set by default (IP_PMTUDISC_WANT).
 */
export function firstPacket(proto: TraceProto, src: string, dst: string, dport?: number): Packet {
  const base = { family: 4 as const, src, dst, ttl: 64, mark: 0 }
  if (proto === 'icmp')
    return { ...base, proto: PROTO.icmp, icmpType: 8, icmpCode: 0, icmpId: 1, length: 84 }
  const ports = { sport: CLIENT_PORT, ...(dport === undefined ? {} : { dport }) }
  if (proto === 'tcp')
    return { ...base, ...ports, proto: PROTO.tcp, tcpFlags: ['SYN'], length: 60, df: true }
  return { ...base, ...ports, proto: PROTO[proto], length: 40, df: true }
}

/** Segments need a TCP connection: the SYN gets Linux's sequence number and options. */
function withSegments(p: Packet, segments: readonly SegmentSpec[] | undefined): Packet {
  if (segments === undefined) return p
  if (p.proto !== PROTO.tcp)
    throw new KpathError('KPATH_INVALID_ARGUMENT', 'segments need a TCP connection', {
      hint: 'leave out --proto, or give --proto tcp, with --segment',
    })
  return { ...p, tcpSeq: synSeq() }
}

/** One branch drawn with the seed, each with its probability. */
function sampled(t: ClusterTrace, seed: number): ClusterTrace {
  const r = seededRandom(seed)()
  let acc = 0
  for (const b of t.branches) {
    acc += b.probability
    if (r < acc) return { branches: [b] }
  }
  return { branches: t.branches.slice(-1) }
}

function load(
  inputs: readonly LoadInput[],
  edits: readonly WhatIfEdit[] = [],
): RefWorld & { warnings: string[] } {
  const edited = applyEdits(inputs, edits)
  const cluster = loadCluster(edited.inputs)
  const state = edited.finish(assembleCluster(cluster))
  const warnings = [
    ...cluster.warnings.map((w) => w.message),
    ...state.unsupported.map((u) => u.message),
  ]
  return { cluster, state, warnings }
}

/**
 * @example
 * traceBetween({ inputs, from: 'pod/web-1', to: 'svc/default/web' })
 * // → { netns: 'pod-default-web-1', packet: SYN 10.244.0.2:40000 > 10.96.0.10:80, trace: { branches } }
 * @throws KpathError KPATH_INVALID_ARGUMENT for unknown references or a missing port
 */
export function traceBetween(o: ClusterTraceOptions): ClusterTraceReport {
  o.progress?.('loading and assembling the cluster')
  // A prebuilt world was built without these edits: applying none would be silent (dumpWorld
  // takes them, core/dump/world.ts).
  if (o.world !== undefined && (o.edits?.length ?? 0) > 0)
    throw new KpathError(
      'KPATH_INVALID_ARGUMENT',
      'what-if edits cannot apply to a cluster already built: apply them while building it',
      { hint: 'for node dumps: dumpWorld(dumps, inputs, edits)' },
    )
  const w = o.world ?? load(o.inputs, o.edits)
  const from = resolveRef(w, o.from)
  const to = resolveRef(w, o.to)
  const proto = o.proto ?? to.proto ?? 'tcp'
  const netns = senderNetns(w, from)
  const src = sourceAddress(w, from, netns, to.addr)
  const first = firstPacket(proto, src, to.addr, destPort(to, o, proto))
  // A full-sized segment or datagram: sockets set DF (IP_PMTUDISC_WANT), so does ping.
  const sized = o.size === undefined ? first : { ...first, length: o.size, df: true }
  const packet = withSegments(sized, o.segments)
  o.progress?.(`tracing across ${w.state.namespaces.length} namespaces`)
  const all = traceCluster(
    w.state,
    { netns, packet },
    {
      ...(o.conntrack ? { conntrack: true } : {}),
      ...(o.segments === undefined ? {} : { segments: o.segments }),
    },
  )
  const trace = o.sample === undefined ? all : sampled(all, o.sample)
  return {
    from,
    to,
    netns,
    packet,
    trace,
    state: w.state,
    cluster: w.cluster,
    warnings: w.warnings,
  }
}

/**
 * Every branch delivered, its reply delivered back to the client, and every segment after the
 * handshake (`--segment`) taken by a socket: a dropped segment, or one that only drew an RST,
 * is a connection that does not work.
 */
export function allDelivered(t: ClusterTrace): boolean {
  return (
    t.branches.length > 0 &&
    t.branches.every(
      (b) =>
        b.outcome.kind === 'delivered' &&
        b.reply?.outcome.kind === 'delivered' &&
        (b.segments ?? []).every((s) => s.outcome.kind === 'delivered'),
    )
  )
}
