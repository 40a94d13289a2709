/**
 * @module core/route/rules
 * Policy routing: `fib_rules_lookup` (net/core/fib_rules.c) with the IPv4/IPv6 match and action
 * callbacks (net/ipv4/fib_rules.c, net/ipv6/fib6_rules.c). Rules are tried in priority order; a
 * rule that does not match, a `nop`, a missing table, a table miss, a `throw` route and a result
 * the rule suppresses all go on to the next rule; anything else ends the lookup. Running out of
 * rules is "network unreachable".
 */
import { unsupported } from '../errors.js'
import type { PolicyRule } from '../model/netns.js'
import { defaultRules, TABLE_DEFAULT, TABLE_MAIN } from '../model/netns.js'
import { type Fib, type TableFlow, tableLookup } from './fib.js'
import type { FibAlias, FibNexthop, RouteErrno } from './fib-alias.js'
import { type Family, inPrefix, keyOf, widthOf } from './key.js'

/** A routing flow (`struct flowi4`): what the rules and the tables read. */
export interface Flow extends TableFlow {
  readonly family: Family
  /** Source address; 0n when not yet chosen. */
  readonly src: bigint
  /** Input device; `lo` for locally generated packets (LOOPBACK_IFINDEX). */
  readonly iif: string
  readonly mark: number
  /** The output device rules see (`flowi_oif`) when the table lookup only prefers it (IPv6). */
  readonly ruleOif?: string
}

/** A successful lookup (`struct fib_result`). */
export interface FibResult {
  readonly alias: FibAlias
  readonly nh: FibNexthop | undefined
  readonly table: number
  readonly rule?: PolicyRule
}

export type FibLookup =
  | { readonly ok: true; readonly res: FibResult }
  | {
      readonly ok: false
      readonly errno: RouteErrno
      readonly alias?: FibAlias
      readonly rule?: PolicyRule
    }

/** Rule selector (`fib_rule_match` + `fib4_rule_match`), before `not` inverts it. */
function selects(r: PolicyRule, flow: Flow): boolean {
  if (r.iif !== undefined && r.iif !== flow.iif) return false
  if (r.oif !== undefined && r.oif !== (flow.ruleOif ?? flow.oif)) return false
  if (r.fwmark && ((r.fwmark.value ^ flow.mark) & r.fwmark.mask) >>> 0 !== 0) return false
  // fib6_rule_match: with no source chosen yet, a rule with a source prefix does not match.
  if (flow.family === 6 && flow.src === 0n && prefixLen(r.from, 6) > 0) return false
  if (!prefixSelects(r.from, flow.family, flow.src)) return false
  if (!prefixSelects(r.to, flow.family, flow.dst)) return false
  return r.tos === undefined || r.tos === 0 || r.tos === (flow.tos & 0x1c)
}

interface Selector {
  readonly net: bigint
  readonly len: number
}

/** Parsed `from`/`to` selectors, once per rule text and family. */
const selectors = new Map<string, Selector | null>()

function selector(text: string | undefined, family: Family): Selector | null {
  if (text === undefined || text === 'all' || text === 'default') return null
  const id = `${family} ${text}`
  let sel = selectors.get(id)
  if (sel === undefined) {
    const [a = '', l] = text.split('/')
    const k = keyOf(a, family)
    if (!k) throw unsupported(`ip rule selector ${text} is not an IPv${family} prefix`)
    sel = { net: k.key, len: l === undefined ? widthOf(family) : Number(l) }
    selectors.set(id, sel)
  }
  return sel
}

function prefixSelects(text: string | undefined, family: Family, addr: bigint): boolean {
  const sel = selector(text, family)
  return sel === null || inPrefix(family, addr, sel.net, sel.len)
}

function prefixLen(text: string | undefined, family: Family): number {
  return selector(text, family)?.len ?? 0
}

export function ruleMatches(r: PolicyRule, flow: Flow): boolean {
  return selects(r, flow) !== (r.not ?? false)
}

const ACTION_ERRNO = {
  unreachable: 'ENETUNREACH',
  prohibit: 'EACCES',
  blackhole: 'EINVAL',
} as const

/** One rule's action: a table result, an error, or `undefined` to go on (-EAGAIN). */
function apply(fib: Fib, r: PolicyRule, flow: Flow): FibLookup | undefined {
  const action = r.action ?? 'lookup'
  if (action === 'nop') return undefined
  if (action === 'goto') {
    throw unsupported(
      `ip rule ${r.priority}: goto`,
      undefined,
      'the state model has no goto target',
    )
  }
  if (action !== 'lookup') return { ok: false, errno: ACTION_ERRNO[action], rule: r }
  const t = fib.table(flow.family, r.table ?? TABLE_MAIN)
  if (!t) return undefined
  const res = tableLookup(t, flow)
  if (res.kind === 'miss') return undefined
  if (res.kind === 'reject') {
    return res.errno === 'EAGAIN'
      ? undefined
      : { ok: false, errno: res.errno, alias: res.alias, rule: r }
  }
  // fib4_rule_suppress / fib6_rule_suppress: a result no more specific than the threshold.
  if (r.suppressPrefixLength !== undefined && res.alias.len <= r.suppressPrefixLength)
    return undefined
  return { ok: true, res: { alias: res.alias, nh: res.nh, table: res.table, rule: r } }
}

/** Rules of one family, by priority (stable for equal priorities, as the kernel appends). */
export function sortRules(rules: readonly PolicyRule[], family: Family): PolicyRule[] {
  return rules.filter((r) => r.family === family).sort((a, b) => a.priority - b.priority)
}

/** The namespace has rules besides the defaults (`fib4_has_custom_rules`). */
export function hasCustomRules(rules: readonly PolicyRule[], family: Family): boolean {
  const key = (r: PolicyRule) =>
    JSON.stringify([
      r.priority,
      r.table ?? TABLE_MAIN,
      r.action ?? 'lookup',
      r.not,
      r.from,
      r.to,
      r.iif,
      r.oif,
      r.fwmark,
      r.tos,
      r.suppressPrefixLength,
    ])
  const mine = sortRules(rules, family).map(key)
  const defaults = sortRules(defaultRules(), family).map(key)
  return mine.length !== defaults.length || mine.some((k, i) => k !== defaults[i])
}

/**
 * `fib_lookup`: the rules in order, or, for IPv4 without custom rules, the merged local+main
 * table and then table default (include/net/ip_fib.h).
 */
export function fibLookup(fib: Fib, rules: readonly PolicyRule[], flow: Flow): FibLookup {
  if (flow.family === 4 && fib.merged4) return mergedLookup(fib, flow)
  for (const r of rules) {
    if (!ruleMatches(r, flow)) continue
    const out = apply(fib, r, flow)
    if (out) return out
  }
  return { ok: false, errno: 'ENETUNREACH' }
}

/** Main, then default; the last error stands, -EAGAIN (a miss) reads as unreachable. */
function mergedLookup(fib: Fib, flow: Flow): FibLookup {
  let last: FibLookup = { ok: false, errno: 'ENETUNREACH' }
  for (const id of [TABLE_MAIN, TABLE_DEFAULT]) {
    const t = fib.table(4, id)
    if (!t) continue
    const res = tableLookup(t, flow)
    if (res.kind === 'hit')
      return { ok: true, res: { alias: res.alias, nh: res.nh, table: res.table } }
    last =
      res.kind === 'reject' && res.errno !== 'EAGAIN'
        ? { ok: false, errno: res.errno, alias: res.alias }
        : { ok: false, errno: 'ENETUNREACH' }
  }
  return last
}
