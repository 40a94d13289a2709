/**
 * @module core/dump/diff-nft
 * nftables drift for kube-proxy's nftables mode: the `kube-proxy` tables (`ip`, `ip6`) of the
 * node's `nft list ruleset` against the rendered ones. Compared as `nft list` prints them
 * (nft 1.0.6, core/netfilter/nft printers), handles and counters left out: each chain's rules as
 * a multiset, each set's and map's declaration and elements (a multiset: the kernel lists hash
 * sets in its own order), base chains' hook, priority and policy, and the endpoints of each
 * `service-*` chain (the `dnat to` of the `endpoint-*` chains it sends to). Tables the render
 * does not hold are not compared (firewalld, other tools), except a `kube-proxy` table, which
 * is left over from a mode switch.
 *
 * kube-proxy names its per-Service objects `service-HASH-NS/NAME/PROTO/PORT`,
 * `endpoint-HASH-NS/NAME/PROTO/PORT__IP/PORT` (pkg/proxy/nftables/proxier.go), so drift is
 * grouped by the Service those names carry, else by chain or set.
 */
import {
  type NftChain,
  type NftElement,
  type NftRule,
  type NftRuleset,
  type NftSet,
  type NftTable,
  printElement,
  printNftChain,
  printNftSet,
  printRuleBody,
} from '../netfilter/nft/index.js'
import { multisetDiff } from './diff-multiset.js'
import type { Drift } from './diff-types.js'

/** The Service a kube-proxy object name or rule text carries: `-HASH-NS/NAME/`. */
const SERVICE = /-[A-Z0-9]{8}-([^/\s,{}]+)\/([^/\s,{}]+)\//

function groupOf(kind: 'chain' | 'set', name: string, text: string): string {
  const m = SERVICE.exec(name) ?? SERVICE.exec(text)
  return m ? `service ${m[1]}/${m[2]}` : `${kind} ${name}`
}

/** Rule counters (`counter packets N bytes M`) count traffic, not configuration. */
function ruleText(r: NftRule): string {
  return printRuleBody(r.stmts, r.comment).replace(/counter packets \d+ bytes \d+/g, 'counter')
}

function elementText(e: NftElement): string {
  const { counter: _counter, expires: _expires, ...config } = e
  return printElement(config)
}

/** The declaration lines of a set (type, flags, comment …), without handle and elements. */
function setHeader(s: NftSet): string {
  const { elements: _elements, handle: _handle, ...decl } = s
  return printNftSet(decl)
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && l !== '}')
    .join('; ')
}

/** A base chain's `type … hook … priority …; policy …;` line, or '' for a regular chain. */
function chainHeader(c: NftChain, t: NftTable): string {
  if (c.base === undefined) return ''
  const { rules: _rules, handle: _handle, ...decl } = c
  return printNftChain({ ...decl, rules: [] }, t.family)
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.startsWith('type '))
    .join('')
}

function diffChain(where: string, t: NftTable, real?: NftChain, want?: NftChain): Drift[] {
  const name = real?.name ?? want?.name ?? ''
  if (want !== undefined && real === undefined)
    return [
      { kind: 'chain', change: 'missing', group: groupOf('chain', name, ''), where, text: name },
    ]
  const out: Drift[] = []
  if (real !== undefined && want === undefined && real.rules.length === 0)
    out.push({
      kind: 'chain',
      change: 'extra',
      group: groupOf('chain', name, ''),
      where,
      text: name,
    })
  const a = real === undefined ? '' : chainHeader(real, t)
  const b = want === undefined ? '' : chainHeader(want, t)
  if (want !== undefined && real !== undefined && a !== b)
    out.push({ kind: 'chain', change: 'differs', group: `chain ${name}`, where, text: b, real: a })
  out.push(
    ...multisetDiff(
      (real?.rules ?? []).map(ruleText),
      (want?.rules ?? []).map(ruleText),
      (change, text) => ({
        kind: 'rule',
        change,
        group: groupOf('chain', name, text),
        where: `${where} ${name}`,
        text,
      }),
    ),
  )
  return out
}

/** One side only: the whole set or map is missing or extra. */
function lonelySet(where: string, s: NftSet, change: 'missing' | 'extra'): Drift {
  return {
    kind: 'set',
    change,
    group: groupOf('set', s.name, ''),
    where,
    text: `${s.kind} ${s.name}`,
  }
}

function diffSet(where: string, real?: NftSet, want?: NftSet): Drift[] {
  if (want === undefined) return real === undefined ? [] : [lonelySet(where, real, 'extra')]
  if (real === undefined) return [lonelySet(where, want, 'missing')]
  const s = want
  const group = groupOf('set', s.name, '')
  const here = `${where} ${s.kind} ${s.name}`
  const out: Drift[] = []
  if (setHeader(real) !== setHeader(want))
    out.push({
      kind: 'set',
      change: 'differs',
      group,
      where: here,
      text: setHeader(want),
      real: setHeader(real),
    })
  out.push(
    ...multisetDiff(
      (real.elements ?? []).map(elementText),
      (want.elements ?? []).map(elementText),
      (change, text) => ({
        kind: 'set',
        change,
        group: groupOf('set', s.name, text),
        where: here,
        text,
      }),
    ),
  )
  return out
}

/** The endpoints a `service-*` chain sends to: the `dnat to` of each endpoint chain named. */
function endpoints(t: NftTable, svc: NftChain): string[] {
  const out: string[] = []
  for (const r of svc.rules)
    for (const [name] of ruleText(r).matchAll(/endpoint-[A-Z0-9]{8}-[^\s,{}]+/g)) {
      const ep = t.chains.find((c) => c.name === name)
      for (const x of ep?.rules ?? []) {
        const m = /dnat (?:ip |ip6 )?to (\S+)/.exec(ruleText(x))
        if (m?.[1] !== undefined) out.push(m[1])
      }
    }
  return out.sort()
}

function endpointDrifts(where: string, real: NftTable, want: NftTable): Drift[] {
  const out: Drift[] = []
  for (const c of want.chains) {
    if (!c.name.startsWith('service-')) continue
    const other = real.chains.find((x) => x.name === c.name)
    if (other === undefined) continue
    const a = endpoints(want, c).join(', ')
    const b = endpoints(real, other).join(', ')
    if (a !== b)
      out.push({
        kind: 'endpoints',
        change: 'differs',
        group: groupOf('chain', c.name, ''),
        where: `${where} ${c.name}`,
        text: a || '(none)',
        real: b || '(none)',
      })
  }
  return out
}

function diffTable(real: NftTable | undefined, want: NftTable): Drift[] {
  const where = `nft ${want.family} ${want.name}`
  if (real === undefined)
    return [
      {
        kind: 'chain',
        change: 'missing',
        group: `table ${want.family} ${want.name}`,
        where,
        text: `table ${want.family} ${want.name}`,
      },
    ]
  const setNames = new Set([...want.sets, ...real.sets].map((s) => s.name))
  const chainNames = new Set([...want.chains, ...real.chains].map((c) => c.name))
  return [
    ...[...setNames].flatMap((n) =>
      diffSet(
        where,
        real.sets.find((s) => s.name === n),
        want.sets.find((s) => s.name === n),
      ),
    ),
    ...[...chainNames].flatMap((n) =>
      diffChain(
        where,
        want,
        real.chains.find((c) => c.name === n),
        want.chains.find((c) => c.name === n),
      ),
    ),
    ...endpointDrifts(where, real, want),
  ]
}

const key = (t: NftTable) => `${t.family} ${t.name}`

/**
 * Every difference between the node's nftables and the rendered tables.
 *
 * @example
 * diffNftables(dumped.nftables, rendered.nftables) // [] on a clean node
 */
export function diffNftables(real: NftRuleset | undefined, want: NftRuleset | undefined): Drift[] {
  const realTables = real?.tables ?? []
  const wanted = new Set((want?.tables ?? []).map(key))
  const extra = realTables.filter((t) => t.name === 'kube-proxy' && !wanted.has(key(t)))
  return [
    ...(want?.tables ?? []).flatMap((t) =>
      diffTable(
        realTables.find((x) => key(x) === key(t)),
        t,
      ),
    ),
    ...extra.map(
      (t): Drift => ({
        kind: 'chain',
        change: 'extra',
        group: `table ${key(t)}`,
        where: `nft ${key(t)}`,
        text: `table ${key(t)} (${t.chains.length} chains, ${t.sets.length} sets and maps)`,
      }),
    ),
  ]
}
