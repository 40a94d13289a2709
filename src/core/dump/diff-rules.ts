/**
 * @module core/dump/diff-rules
 * iptables drift: the rules of each chain compared as multisets of their `iptables-save` text
 * (`-A CHAIN …`, counters left out), so order changes inside a chain are not drift but a rule
 * missing or added is. Each difference is grouped by the Service its kube-proxy comment names
 * (`-m comment --comment "ns/name:port"`, which kube-proxy puts on KUBE-SVC-*, KUBE-SEP-* and
 * KUBE-SERVICES rules) or else by its chain. Service chains are also compared by endpoints: the
 * `--to-destination` of each KUBE-SEP-* chain a KUBE-SVC-* chain jumps to.
 */
import { formatRule } from '../netfilter/iptables-save/index.js'
import type { Chain, Rule, Ruleset } from '../netfilter/rule.js'
import type { Drift } from './diff-types.js'

const COMMENT = /--comment "?([^"\s]+\/[^"\s:]+)(:[^"\s]*)?"?/

/** `service ns/name` for a kube-proxy rule, else `chain NAME`. */
function groupOf(chain: string, text: string): string {
  const m = COMMENT.exec(text)
  return m ? `service ${m[1]}` : `chain ${chain}`
}

function counted(rules: readonly string[]): Map<string, number> {
  const out = new Map<string, number>()
  for (const r of rules) out.set(r, (out.get(r) ?? 0) + 1)
  return out
}

function chainTexts(c: Chain): string[] {
  return c.rules.map((r) => formatRule(c.name, r, false))
}

function ruleDrifts(
  family: string,
  table: string,
  real: Chain | undefined,
  want: Chain | undefined,
): Drift[] {
  const name = real?.name ?? want?.name ?? ''
  const have = counted(real ? chainTexts(real) : [])
  const need = counted(want ? chainTexts(want) : [])
  const out: Drift[] = []
  const where = `${family} ${table}`
  for (const [text, n] of need)
    for (let i = have.get(text) ?? 0; i < n; i++)
      out.push({ kind: 'rule', change: 'missing', group: groupOf(name, text), where, text })
  for (const [text, n] of have)
    for (let i = need.get(text) ?? 0; i < n; i++)
      out.push({ kind: 'rule', change: 'extra', group: groupOf(name, text), where, text })
  if (real && want && real.policy !== want.policy)
    out.push({
      kind: 'rule',
      change: 'differs',
      group: `chain ${name}`,
      where,
      text: `policy ${want.policy ?? '-'}`,
      real: `policy ${real.policy ?? '-'}`,
    })
  return out
}

function target(r: Rule): string | undefined {
  return r.target?.name
}

/** The endpoints a KUBE-SVC-* chain sends to: each jumped-to chain's DNAT destination. */
function endpoints(rs: Ruleset, svc: Chain): string[] {
  const nat = rs.tables.find((t) => t.name === 'nat')
  const out: string[] = []
  for (const r of svc.rules) {
    const sep = nat?.chains.find((c) => c.name === target(r))
    if (sep === undefined || !sep.name.startsWith('KUBE-SEP-')) continue
    for (const x of sep.rules)
      if (target(x) === 'DNAT')
        out.push(
          x.target?.options.find((o) => o.name === '--to-destination')?.values.join(' ') ?? '?',
        )
  }
  return out.sort()
}

function endpointDrifts(family: string, real: Ruleset, want: Ruleset): Drift[] {
  const out: Drift[] = []
  const realNat = real.tables.find((t) => t.name === 'nat')
  for (const c of want.tables.find((t) => t.name === 'nat')?.chains ?? []) {
    if (!c.name.startsWith('KUBE-SVC-')) continue
    const other = realNat?.chains.find((x) => x.name === c.name)
    if (other === undefined) continue
    const a = endpoints(want, c)
    const b = endpoints(real, other)
    if (a.join(',') === b.join(',')) continue
    const text = chainTexts(c)
      .map((t) => COMMENT.exec(t))
      .find((m) => m)
    out.push({
      kind: 'endpoints',
      change: 'differs',
      group: text ? `service ${text[1]}` : `chain ${c.name}`,
      where: `${family} nat ${c.name}`,
      text: a.join(', ') || '(none)',
      real: b.join(', ') || '(none)',
    })
  }
  return out
}

/** Every rule, chain and endpoint difference between the real ruleset and the rendered one. */
export function diffRulesets(
  family: 'ipv4' | 'ipv6',
  real: Ruleset | undefined,
  want: Ruleset | undefined,
): Drift[] {
  if (want === undefined) return []
  const out: Drift[] = []
  const realTables = real?.tables ?? []
  for (const t of want.tables) {
    const rt = realTables.find((x) => x.name === t.name)
    const names = new Set([
      ...t.chains.map((c) => c.name),
      ...(rt?.chains ?? []).map((c) => c.name),
    ])
    for (const name of names) {
      const wc = t.chains.find((c) => c.name === name)
      const rc = rt?.chains.find((c) => c.name === name)
      if (wc && !rc)
        out.push({
          kind: 'chain',
          change: 'missing',
          group: `chain ${name}`,
          where: `${family} ${t.name}`,
          text: name,
        })
      else if (rc && !wc && rc.rules.length === 0)
        out.push({
          kind: 'chain',
          change: 'extra',
          group: `chain ${name}`,
          where: `${family} ${t.name}`,
          text: name,
        })
      out.push(...ruleDrifts(family, t.name, rc, wc))
    }
  }
  if (real !== undefined) out.push(...endpointDrifts(family, real, want))
  return out
}
