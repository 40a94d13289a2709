/**
 * @module core/kube/proxy/iptables/sorted
 * The payload in the canonical order of kube-proxy's unit tests (`sortIPTablesRules` in
 * pkg/proxy/iptables/proxier_test.go), which is the form of the conformance data's
 * expected-restore-payload.txt. kube-proxy itself walks services in Go map order, so only the
 * order *across services* differs from a real sync; within a service nothing moves.
 *
 * The order: tables by name; in each, KUBE-NODEPORTS, KUBE-SERVICES, the other KUBE-* chains,
 * then the rest, each group by name; rules chain by chain, with KUBE-NODEPORTS and
 * KUBE-SERVICES rules stably sorted by comment (the "must be the last rule" rule kept last).
 */
import { KUBE_NODEPORTS, KUBE_SERVICES } from './names.js'
import type { RestorePayload, RestoreRule, RestoreTable } from './payload.js'

function chainRank(name: string): number {
  if (name === KUBE_NODEPORTS) return 0
  if (name === KUBE_SERVICES) return 1
  return name.startsWith('KUBE-') ? 2 : 3
}

/** Chains by rank, then by name (byte order, as Go's `<` on strings). */
function sortedChains(chains: readonly string[]): string[] {
  // Rank each name once rather than on every comparison.
  const keyed = chains.map((name) => ({ name, rank: chainRank(name) }))
  keyed.sort((a, b) => a.rank - b.rank || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
  return keyed.map((k) => k.name)
}

/** The comment's value (quotes removed), as the tests' dump parser reads it. */
function commentValue(raw: string): string {
  return raw.length >= 2 && raw.startsWith('"') && raw.endsWith('"') ? raw.slice(1, -1) : raw
}

const LAST_RULE_MARKER = 'must be the last rule'

/** KUBE-NODEPORTS and KUBE-SERVICES rules stably by comment, the "last rule" one(s) last. */
function sortedByComment(chain: string, rules: readonly RestoreRule[]): RestoreRule[] {
  const keyed = rules.map((rule) => {
    const comment = commentValue(rule.comment)
    const last = chain === KUBE_SERVICES && comment.includes(LAST_RULE_MARKER) ? 1 : 0
    return { rule, comment, last }
  })
  // Array.prototype.sort is stable, as Go's sort.SliceStable.
  keyed.sort(
    (a, b) => a.last - b.last || (a.comment < b.comment ? -1 : a.comment > b.comment ? 1 : 0),
  )
  return keyed.map((k) => k.rule)
}

function pushSortedTable(out: string[], name: string, t: RestoreTable): void {
  const chains = sortedChains(t.chains)
  out.push(`*${name}`)
  for (const c of chains) out.push(`:${c} - [0:0]`)
  const byName = new Map<string, RestoreRule[]>()
  for (const c of chains) byName.set(c, [])
  for (const r of t.rules) byName.get(r.chain)?.push(r)
  for (const chain of chains) {
    const rules = byName.get(chain) ?? []
    const ordered =
      chain === KUBE_NODEPORTS || chain === KUBE_SERVICES ? sortedByComment(chain, rules) : rules
    for (const r of ordered) out.push(r.line)
  }
  out.push('COMMIT')
}

/** The restore payload in the unit tests' sorted form (filter, then nat). */
export function sortedText(p: RestorePayload): string {
  const out: string[] = []
  pushSortedTable(out, 'filter', p.filter)
  pushSortedTable(out, 'nat', p.nat)
  out.push('')
  return out.join('\n')
}
