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
import { ruleLine } from './payload.js'

function chainRank(name: string): number {
  if (name === KUBE_NODEPORTS) return 0
  if (name === KUBE_SERVICES) return 1
  return name.startsWith('KUBE-') ? 2 : 3
}

function byChain(a: string, b: string): number {
  const r = chainRank(a) - chainRank(b)
  return r !== 0 ? r : a < b ? -1 : a > b ? 1 : 0
}

/** The comment's value (quotes removed), as the tests' dump parser reads it. */
function commentOf(r: RestoreRule): string {
  const i = r.args.indexOf('--comment')
  const raw = i < 0 ? '' : (r.args[i + 1] ?? '')
  return raw.length >= 2 && raw.startsWith('"') && raw.endsWith('"') ? raw.slice(1, -1) : raw
}

const LAST_RULE_MARKER = 'must be the last rule'

function ruleOrder(chain: string): ((a: RestoreRule, b: RestoreRule) => number) | undefined {
  if (chain !== KUBE_NODEPORTS && chain !== KUBE_SERVICES) return undefined
  return (a, b) => {
    const ca = commentOf(a)
    const cb = commentOf(b)
    const la = chain === KUBE_SERVICES && ca.includes(LAST_RULE_MARKER) ? 1 : 0
    const lb = chain === KUBE_SERVICES && cb.includes(LAST_RULE_MARKER) ? 1 : 0
    if (la !== lb) return la - lb
    return ca < cb ? -1 : ca > cb ? 1 : 0
  }
}

function sortedTable(name: string, t: RestoreTable): string[] {
  const chains = [...t.chains].sort(byChain)
  const lines = [`*${name}`, ...chains.map((c) => `:${c} - [0:0]`)]
  const byName = new Map<string, RestoreRule[]>(chains.map((c) => [c, []]))
  for (const r of t.rules) byName.get(r.chain)?.push(r)
  for (const chain of chains) {
    const rules = byName.get(chain) ?? []
    const order = ruleOrder(chain)
    // Array.prototype.sort is stable, as Go's sort.SliceStable.
    lines.push(...(order ? rules.sort(order) : rules).map(ruleLine))
  }
  lines.push('COMMIT')
  return lines
}

/** The restore payload in the unit tests' sorted form (filter, then nat). */
export function sortedText(p: RestorePayload): string {
  return `${[...sortedTable('filter', p.filter), ...sortedTable('nat', p.nat)].join('\n')}\n`
}
