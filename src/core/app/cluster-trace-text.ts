/**
 * @module core/app/cluster-trace-text
 * The text view of `kpath trace`: per branch its probability and random choices, then every
 * hop (namespace, devices, a tcpdump-like packet line, route, ARP, frame MACs, tunnel header,
 * netfilter's TRACE lines with the rule each points at, conntrack and NAT lines, notes), the
 * outcome in one sentence, and the reply walked back the same way.
 */
import { findNetns } from '../model/cluster-state.js'
import type { NetnsState } from '../model/netns.js'
import { type Packet, PROTO, type TcpFlag } from '../model/packet.js'
import { formatRuleSpec } from '../netfilter/iptables-save/index.js'
import type { ClusterBranch, Hop, HopPacket, Outcome, Walk } from '../walk/index.js'
import { replyTo } from '../walk/reply.js'
import type { ClusterTraceReport } from './cluster-trace.js'
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

/** What the segment carries beyond the headers a hop keeps: flags, ICMP type. */
export interface PacketKind {
  readonly tcpFlags?: readonly TcpFlag[]
  readonly icmpType?: number
}

const ICMP_NAMES: Readonly<Record<number, string>> = {
  0: 'echo reply',
  3: 'port unreachable',
  8: 'echo request',
}

function transport(p: HopPacket, k: PacketKind): string {
  if (p.proto === PROTO.tcp) {
    const f = TCPDUMP_FLAGS.filter(([n]) => k.tcpFlags?.includes(n)).map(([, l]) => l)
    return `Flags [${f.join('') || 'none'}]`
  }
  if (p.proto === PROTO.udp) return 'UDP'
  if (p.proto === PROTO.icmp) return `ICMP ${ICMP_NAMES[k.icmpType ?? -1] ?? `type ${k.icmpType}`}`
  return `proto ${p.proto}`
}

/** `IP 10.244.1.5.40000 > 10.96.0.10.80: Flags [S], ttl 64, length 60` (tcpdump -v's words). */
export function tcpdumpLine(p: HopPacket, k: PacketKind): string {
  const end = (a: string, port?: number) => (port === undefined ? a : `${a}.${port}`)
  return `IP ${end(p.src, p.sport)} > ${end(p.dst, p.dport)}: ${transport(p, k)}, ttl ${p.ttl}, length ${p.length}`
}

/** The iptables rule a `TRACE: table:chain:rule:N` line points at, as iptables-save prints it. */
function ruleText(n: NetnsState | undefined, line: string): string | undefined {
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

function hopHeader(h: Hop, c: Palette): string {
  const dev = [
    h.inIface ? `in ${h.inIface}${h.physIn ? ` (port ${h.physIn})` : ''}` : '',
    h.outIface ? `out ${h.outIface}${h.physOut ? ` (port ${h.physOut})` : ''}` : '',
  ].filter(Boolean)
  return c.bold(`[${h.netns}] ${h.kind}${dev.length > 0 ? `, ${dev.join(', ')}` : ''}`)
}

function hopLines(h: Hop, k: PacketKind, r: ClusterTraceReport, c: Palette): string[] {
  const n = findNetns(r.state, h.netns)
  return [
    hopHeader(h, c),
    `  ${tcpdumpLine(h.packet, k)}`,
    ...(h.srcMac || h.dstMac ? [`  ether ${h.srcMac ?? '?'} > ${h.dstMac ?? '?'}`] : []),
    ...h.netfilter.map((l) => `  ${netfilterLine(l, n, c)}`),
    ...(h.route ? [`  route: ${h.route}`] : []),
    ...(h.arp ? [`  arp: ${h.arp}`] : []),
    ...(h.encap ? [`  ${h.kind}: ${h.encap}`] : []),
    ...h.notes.map((x) => `  note: ${c.dim(x)}`),
  ]
}

/** A namespace by what it stands for: `pod default/web-1`, `node beta`, `external host client`. */
export function whoIs(r: ClusterTraceReport, netns: string): string {
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

export function outcomeText(o: Outcome, r: ClusterTraceReport): string {
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

function kindOf(p: Packet | undefined): PacketKind {
  return {
    ...(p?.tcpFlags ? { tcpFlags: p.tcpFlags } : {}),
    ...(p?.icmpType === undefined ? {} : { icmpType: p.icmpType }),
  }
}

/** Why a branch has no reply walk. */
function noReply(b: ClusterBranch): string {
  if (b.outcome.kind === 'dropped' || b.outcome.kind === 'left')
    return 'no reply: the request never reached a socket'
  return 'no reply: the kernel sends none (a TCP RST is never answered, nor is an ICMP error)'
}

function branchLines(b: ClusterBranch, i: number, r: ClusterTraceReport, c: Palette): string[] {
  const n = r.trace.branches.length
  const why = b.decisions.map((d) => `${d.label} ${d.taken ? 'matched' : 'not matched'}`)
  const head = `branch ${i + 1} of ${n}, probability ${b.probability.toFixed(6)}`
  const answer = replyTo(r.packet, b.outcome)
  return [
    '',
    c.bold(head),
    ...why.map((x) => `  choice: ${x}`),
    'request:',
    ...walkLines(b, kindOf(r.packet), r, c),
    b.reply ? 'reply:' : c.yellow(noReply(b)),
    ...(b.reply ? walkLines(b.reply, kindOf(answer), r, c) : []),
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
