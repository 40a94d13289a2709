/**
 * @module core/app/iptables-trace
 * `kpath iptables trace` as a library call: parse a node's iptables-save (plus optional ipsets
 * and conntrack table), walk one packet through its hooks and return every branch. Pure: it
 * takes texts, not file names, so the CLI, the tests and the browser share it.
 */
import { parseConntrackList } from '../conntrack/index.js'
import { KpathError } from '../errors.js'
import { parseIpsetSave } from '../ipset/index.js'
import { type Packet, PROTO, type ProtoName, type TcpFlag } from '../model/packet.js'
import { parseAddr } from '../net/ip.js'
import {
  createRuntime,
  rulesetWithCounters,
  type StartHook,
  staticEnv,
  type TraceMode,
  type TraceOutcome,
  tracePacket,
} from '../netfilter/engine/index.js'
import { parseIptablesSave } from '../netfilter/iptables-save/index.js'
import type { Ruleset } from '../netfilter/rule.js'

export interface TextInput {
  readonly text: string
  readonly file: string
}

export interface IptablesTraceOptions {
  readonly ruleset: TextInput
  readonly ipsets?: TextInput
  /**
   * A `conntrack -L` listing: its entries are honoured, so conntrack runs whatever the rules
   * say (a node with entries has conntrack's hooks registered: something took a reference).
   */
  readonly conntrack?: TextInput
  readonly proto: 'tcp' | 'udp' | 'icmp' | 'sctp'
  readonly src: string
  readonly dst: string
  readonly sport?: number
  readonly dport?: number
  readonly tcpFlags?: readonly TcpFlag[]
  readonly icmpType?: number
  readonly mark?: number
  readonly inIface?: string
  readonly outIface?: string
  readonly local?: readonly string[]
  /** `iface → addresses` for MASQUERADE/REDIRECT source selection. */
  readonly ifaceAddrs?: Readonly<Record<string, readonly string[]>>
  /** net.ipv4.conf.*.route_localnet=1: 127.0.0.0/8 may be routed off `lo` (staticEnv). */
  readonly routeLocalnet?: boolean
  readonly hook?: StartHook
  readonly mode?: TraceMode
}

export interface IptablesTraceReport {
  readonly packet: Packet
  readonly start: StartHook
  readonly outcomes: readonly TraceOutcome[]
  readonly ruleset: Ruleset
}

function invalid(message: string, hint?: string): KpathError {
  return new KpathError('KPATH_INVALID_ARGUMENT', message, hint === undefined ? {} : { hint })
}

export function buildPacket(o: IptablesTraceOptions): Packet {
  const src = parseAddr(o.src)
  const dst = parseAddr(o.dst)
  if (!src) throw invalid(`--src ${o.src} is not an IP address`)
  if (!dst) throw invalid(`--dst ${o.dst} is not an IP address`)
  if (src.family !== dst.family) throw invalid('--src and --dst are of different families')
  const family = src.family
  const proto: ProtoName = o.proto === 'icmp' && family === 6 ? 'icmpv6' : o.proto
  const ported = o.proto !== 'icmp'
  if (ported && o.dport === undefined) throw invalid(`--dport is required for ${o.proto}`)
  for (const [name, v] of [
    ['--sport', o.sport],
    ['--dport', o.dport],
  ] as const) {
    if (v !== undefined && (!Number.isInteger(v) || v < 0 || v > 65535))
      throw invalid(`${name} ${v} is not a port (0-65535)`)
  }
  return {
    family,
    src: o.src,
    dst: o.dst,
    proto: PROTO[proto],
    ...(ported ? { sport: o.sport ?? 40000, dport: o.dport } : {}),
    ...(o.proto === 'tcp' ? { tcpFlags: o.tcpFlags ?? ['SYN'] } : {}),
    ...(o.proto === 'icmp'
      ? { icmpType: o.icmpType ?? (family === 4 ? 8 : 128), icmpCode: 0, icmpId: 1 }
      : {}),
    ttl: 64,
    length: o.proto === 'tcp' ? (family === 4 ? 60 : 80) : family === 4 ? 84 : 104,
    mark: o.mark ?? 0,
    ...(o.inIface ? { inIface: o.inIface } : {}),
  }
}

export function traceIptables(o: IptablesTraceOptions): IptablesTraceReport {
  const packet = buildPacket(o)
  const ruleset = parseIptablesSave(o.ruleset.text, { family: packet.family, file: o.ruleset.file })
  const ipsets = o.ipsets ? parseIpsetSave(o.ipsets.text, { file: o.ipsets.file }) : []
  const conntrack = o.conntrack
    ? parseConntrackList(o.conntrack.text, { file: o.conntrack.file })
    : []
  // Without a listing conntrack runs only when a rule needs it (needs-conntrack.ts); with one,
  // its entries would otherwise be ignored when no rule takes a reference.
  const rt = createRuntime({
    ruleset,
    ipsets,
    conntrack,
    ...(o.conntrack ? { tracking: true } : {}),
  })
  const env = staticEnv({
    local: o.local ?? [],
    ...(o.ifaceAddrs ? { ifaceAddrs: o.ifaceAddrs } : {}),
    ...(o.outIface ? { outIface: o.outIface } : {}),
    ...(o.routeLocalnet ? { routeLocalnet: true } : {}),
  })
  const start = o.hook ?? 'prerouting'
  const outcomes = tracePacket(rt, env, packet, start, o.mode ?? { kind: 'enumerate' })
  return { packet, start, outcomes, ruleset }
}

/** The ruleset with counters after one branch's packet, for `iptables-save -c` output. */
export function countersAfter(report: IptablesTraceReport, branch = 0): Ruleset {
  const o = report.outcomes[branch]
  return o ? rulesetWithCounters(report.ruleset, o.runtime) : report.ruleset
}
