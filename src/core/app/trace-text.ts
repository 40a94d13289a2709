/**
 * @module core/app/trace-text
 * The text view of `kpath iptables trace`: per branch, its probability and the random choices
 * that lead to it, the TRACE lines interleaved with conntrack, NAT and routing steps, and the
 * outcome in one sentence. Colour is injected so the core stays free of terminal concerns.
 */
import { type Packet, protoName } from '../model/packet.js'
import { endpointText } from '../net/endpoint.js'
import { type TraceEvent, type TraceOutcome, traceLine } from '../netfilter/engine/index.js'
import { formatRuleSpec } from '../netfilter/iptables-save/index.js'
import type { Rule, Ruleset } from '../netfilter/rule.js'
import type { IptablesTraceReport } from './iptables-trace.js'

export interface Palette {
  readonly dim: (s: string) => string
  readonly bold: (s: string) => string
  readonly green: (s: string) => string
  readonly red: (s: string) => string
  readonly yellow: (s: string) => string
  readonly cyan: (s: string) => string
}

export const PLAIN: Palette = {
  dim: (s) => s,
  bold: (s) => s,
  green: (s) => s,
  red: (s) => s,
  yellow: (s) => s,
  cyan: (s) => s,
}

export function packetText(p: Packet): string {
  const proto = protoName(p.proto)
  const ends = `${endpointText(p.src, p.sport)} > ${endpointText(p.dst, p.dport)}`
  const flags = p.tcpFlags ? ` [${p.tcpFlags.join(',')}]` : ''
  const icmp = p.icmpType === undefined ? '' : ` type ${p.icmpType} code ${p.icmpCode ?? 0}`
  return `${proto} ${ends}${flags}${icmp} ttl ${p.ttl}${p.mark ? ` mark 0x${p.mark.toString(16)}` : ''}`
}

/** The rule a TRACE event points at; falling off a chain points past its last rule. */
function ruleAt(rs: Ruleset, e: TraceEvent): Rule | undefined {
  if (e.kind !== 'rule') return undefined
  const chain = rs.tables.find((t) => t.name === e.table)?.chains.find((c) => c.name === e.chain)
  return chain?.rules[e.num - 1]
}

function eventText(e: TraceEvent, rs: Ruleset, c: Palette): string {
  const line = traceLine(e)
  if (e.kind === 'rule') {
    const rule = ruleAt(rs, e)
    // The rule as iptables-save prints its line, as the cluster trace view quotes it.
    const spec = rule ? `  ${c.dim(`-A ${e.chain}${formatRuleSpec(rule)}`)}` : ''
    return `${e.type === 'rule' ? line : c.dim(line)}${spec}`
  }
  if (e.kind === 'nat') return c.cyan(line)
  if (e.kind === 'verdict') return c.red(line)
  return c.dim(line)
}

export function outcomeSentence(o: TraceOutcome): string {
  const r = o.result
  const out = packetText(r.packetOut)
  if (r.verdict === 'REJECT') {
    const resp = r.response ? ` and answered with ${packetText(r.response)}` : ''
    return `REJECT (${r.rejectWith}) in ${r.droppedAt?.table ?? '?'} ${r.droppedAt?.hook ?? '?'}${resp}`
  }
  if (r.verdict === 'DROP')
    return `DROP in ${r.droppedAt ? `${r.droppedAt.table} ${r.droppedAt.hook}` : 'routing'}`
  const nat = [
    r.dnat ? `DNAT to ${r.dnat}` : '',
    r.snat ? `${r.masquerade ? 'MASQUERADE' : 'SNAT'} to ${r.snat}` : '',
  ]
    .filter(Boolean)
    .join(', ')
  const where =
    r.disposition === 'local'
      ? 'delivered locally'
      : r.disposition === 'forward'
        ? `forwarded out ${r.packetOut.outIface}`
        : `sent out ${r.packetOut.outIface}`
  return `ACCEPT: ${where} as ${out}${nat ? ` (${nat})` : ''}`
}

function branchHeader(o: TraceOutcome, i: number, n: number, c: Palette): string {
  const p = o.probability
  const why = o.decisions.map((d) => `${d.label} ${d.taken ? 'matched' : 'not matched'}`).join('; ')
  return c.bold(`branch ${i + 1} of ${n}, probability ${p.toFixed(6)}${why ? `: ${why}` : ''}`)
}

export function traceText(r: IptablesTraceReport, c: Palette = PLAIN): string {
  const lines = [
    c.bold(
      `packet ${packetText(r.packet)}${r.packet.inIface ? ` in ${r.packet.inIface}` : ''}, from ${r.start === 'output' ? 'a local socket (OUTPUT)' : 'the wire (PREROUTING)'}`,
    ),
  ]
  const n = r.outcomes.length
  r.outcomes.forEach((o, i) => {
    lines.push('')
    if (n > 1) lines.push(branchHeader(o, i, n, c))
    for (const e of o.result.events) lines.push(`  ${eventText(e, r.ruleset, c)}`)
    const s = outcomeSentence(o)
    lines.push(o.result.verdict === 'ACCEPT' ? c.green(`=> ${s}`) : c.red(`=> ${s}`))
  })
  return `${lines.join('\n')}\n`
}
