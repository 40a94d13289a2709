/**
 * @module core/testing/diff/case
 * One randomised differential case: what the router namespace holds (an iptables-restore
 * payload, routes, policy rules, sysctls) and the one packet the client sends it. Plain JSON,
 * so a failing case is written to a file as it is and replayed from it (or from its seed).
 */
import type { PolicyRule, Route } from '../../model/netns.js'
import { BUILTIN_CHAINS, type TableName } from '../../netfilter/rule.js'

/** The packet the client namespace sends (IPv4, hand-made, so every header field is chosen). */
export interface CasePacket {
  readonly src: string
  readonly dst: string
  /** 6 tcp, 17 udp, 1 icmp. */
  readonly proto: number
  readonly sport?: number
  readonly dport?: number
  readonly tcpFlags?: readonly ('SYN' | 'ACK' | 'FIN' | 'RST')[]
  readonly icmpType?: number
  readonly icmpCode?: number
  readonly icmpId?: number
  readonly ttl: number
  /** The IP id: how the observers recognise this case's packet. */
  readonly id: number
}

export interface DiffCase {
  /** The seed that generated the case (shrunk cases keep it, for the record). */
  readonly seed: number
  readonly kind: 'general' | 'kube-proxy'
  /** iptables-restore payload for the router; every table kpath loads is listed (see below). */
  readonly ruleset: string
  /** Routes and policy rules added to the router on top of the kernel's own. */
  readonly routes: readonly Route[]
  readonly rules: readonly PolicyRule[]
  /** The router's sysctls under test, applied with `sysctl -w` before the packet. */
  readonly sysctls: Readonly<Record<string, string>>
  readonly packet: CasePacket
  /**
   * Load the router's conntrack keeper (guard.ts `CT_KEEPER`) so that conntrack runs whatever
   * the ruleset holds; `false`: it runs only if the case's own rules need it. Absent: true.
   */
  readonly keepConntrack?: boolean
}

/** The tables each case's payload lists, so that `iptables-restore` flushes the last case's. */
export const CASE_TABLES: readonly TableName[] = ['raw', 'mangle', 'nat', 'filter']

/**
 * The payload with every table of {@link CASE_TABLES} present: a table the case does not use
 * is written empty (built-in chains, policy ACCEPT). iptables-restore only replaces the tables
 * it is given. An empty nat table does not make the kernel run conntrack (only rules that need
 * it do, nf_ct_netns_get; see guard.ts).
 */
export function completeTables(payload: string): string {
  const present = new Set(
    payload
      .split('\n')
      .filter((l) => l.startsWith('*'))
      .map((l) => l.slice(1).trim()),
  )
  const missing = CASE_TABLES.filter((t) => !present.has(t)).map((t) =>
    [`*${t}`, ...BUILTIN_CHAINS[t].map((c) => `:${c} ACCEPT [0:0]`), 'COMMIT'].join('\n'),
  )
  const body = payload.endsWith('\n') || payload === '' ? payload : `${payload}\n`
  return missing.length === 0 ? body : `${body}${missing.join('\n')}\n`
}

/** The `-A` lines of a payload, by index (what the minimiser removes one at a time). */
export function ruleLines(payload: string): number[] {
  const out: number[] = []
  payload.split('\n').forEach((l, i) => {
    if (l.startsWith('-A ')) out.push(i)
  })
  return out
}

/** The payload without line `index` (0-based). */
export function withoutLine(payload: string, index: number): string {
  return payload
    .split('\n')
    .filter((_, i) => i !== index)
    .join('\n')
}
