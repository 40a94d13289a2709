/**
 * @module core/netfilter/iptables-save/state
 * The mutable tables an iptables-restore run works on (libiptc's in-memory handle), and their
 * conversion to and from the immutable {@link Ruleset}. References are counted on the chains as
 * rules come and go: `-X` must refuse a referenced chain (kube-proxy payloads delete many).
 */
import type { Family } from '../../net/ip.js'
import type { Chain, Counters, Rule, Ruleset, Table, TableName, XtTarget } from '../rule.js'
import { BUILTIN_CHAINS, isBuiltinChain, zeroCounters } from '../rule.js'

export interface ChainState {
  readonly name: string
  readonly builtin: boolean
  policy: 'ACCEPT' | 'DROP' | undefined
  counters: Counters
  rules: Rule[]
  /** How many rules jump or go to this chain. */
  refs: number
  /** How many of its rules have a hook-restricted target ({@link TARGET_HOOKS}). */
  hooked: number
  /**
   * The restricted targets among them, as {@link TARGET_BITS}: set as rules come, kept when they
   * go (a superset, which only makes the COMMIT check look closer), cleared with `hooked`.
   */
  kinds: number
  /** The chains its rules jump or go to, one entry per rule (kept as rules come and go). */
  out: ChainState[]
  /** Scratch state of the COMMIT checks (checks.ts). */
  colour: number
  mask: number
  /** The `-j NAME` / `-g NAME` target objects of the fast path's rules that jump here. */
  jumpedBy: XtTarget | undefined
  gotoBy: XtTarget | undefined
  /** Its place in {@link TableState.declared}, or -1. */
  seq: number
  /**
   * The base ruleset's chain it was copied from ({@link RulesetState.from}). Freezing gives
   * that very object back when nothing about the chain changed, so rulesets made by applying
   * a small `--noflush` payload onto a large base share the untouched chains (and what is
   * computed per chain object, such as the engine's compiled chains).
   */
  origin?: Chain
  /**
   * `rules` is still the origin's own array (copy on write: {@link ownRules} copies it before
   * the first change), so that copying a large base costs nothing per untouched chain.
   */
  sharedRules?: boolean
}

/** Make `c.rules` the chain's own array before changing it in place (see `sharedRules`). */
export function ownRules(c: ChainState): Rule[] {
  if (c.sharedRules === true) {
    c.rules = c.rules.slice()
    c.sharedRules = false
  }
  return c.rules
}

export interface TableState {
  readonly name: TableName
  readonly chains: Map<string, ChainState>
  /** The chain a command last named (see commands.ts `chainOf`); cleared when chains go. */
  lastChain: ChainState | undefined
  /**
   * The chains the current block declared (`:CHAIN` lines), in order: a dump's rules come in the
   * same order, so the fast path tries the chain after the last one before hashing a name. Only
   * a hint, and only while `declaredLive` (no chain has gone since the block began).
   */
  declared: ChainState[]
  declaredLive: boolean
  header: string | undefined
  trailer: string | undefined
  /**
   * The base table this one was copied from ({@link RulesetState.from}), while every chain of
   * it is still here under its name (cleared when a chain goes). COMMIT uses it to recognise a
   * change it has checked before on the same base (checks.ts).
   */
  base?: Table
}

/** Hooks each hook-restricted target's checkentry allows (hook masks in the kernel sources). */
export const TARGET_HOOKS: ReadonlyMap<string, readonly string[]> = new Map([
  ['DNAT', ['PREROUTING', 'OUTPUT']],
  ['REDIRECT', ['PREROUTING', 'OUTPUT']],
  ['SNAT', ['POSTROUTING', 'INPUT']],
  ['MASQUERADE', ['POSTROUTING']],
  ['REJECT', ['INPUT', 'FORWARD', 'OUTPUT']],
])

/** One bit per hook-restricted target, for {@link ChainState.kinds}. */
export const TARGET_BITS: ReadonlyMap<string, number> = new Map(
  [...TARGET_HOOKS.keys()].map((name, i) => [name, 1 << i]),
)

function isVerdict(name: string): boolean {
  return name === 'ACCEPT' || name === 'DROP' || name === 'RETURN'
}

/** The chain name a rule jumps or goes to, if its target is no verdict and has no options. */
export function jumpTarget(rule: Rule): string | undefined {
  const t = rule.target
  if (!t || t.options.length > 0 || isVerdict(t.name)) return undefined
  return t.name
}

export function newChain(
  name: string,
  builtin: boolean,
  policy?: 'ACCEPT' | 'DROP',
  counters?: Counters,
): ChainState {
  return {
    name,
    builtin,
    policy,
    counters: counters ?? zeroCounters(),
    rules: [],
    refs: 0,
    hooked: 0,
    kinds: 0,
    out: [],
    colour: 0,
    mask: 0,
    jumpedBy: undefined,
    gotoBy: undefined,
    seq: -1,
  }
}

export function newTable(name: TableName): TableState {
  const chains = new Map<string, ChainState>()
  for (const c of BUILTIN_CHAINS[name]) chains.set(c, newChain(c, true, 'ACCEPT'))
  return {
    name,
    chains,
    lastChain: undefined,
    declared: [],
    declaredLive: true,
    header: undefined,
    trailer: undefined,
  }
}

/**
 * Count a rule of chain `from` in or out: the chain it jumps to gains a reference, a
 * hook-restricted target marks `from` for the COMMIT checks.
 */
function ref(t: TableState, from: ChainState, rule: Rule, delta: number): void {
  const target = rule.target
  if (target === undefined) return
  const to =
    target.options.length === 0 && !isVerdict(target.name) ? t.chains.get(target.name) : undefined
  if (to === undefined) {
    const bit = TARGET_BITS.get(target.name)
    if (bit !== undefined) {
      from.hooked += delta
      from.kinds |= bit
    }
    return
  }
  to.refs += delta
  if (delta > 0) from.out.push(to)
  else {
    const i = from.out.lastIndexOf(to)
    if (i >= 0) from.out.splice(i, 1)
  }
}

/**
 * Count one rule appended to chain `c` as {@link insertRules} counts it (references, the
 * hook-restricted targets); the caller adds the rule and `to` to the arrays ({@link appendAll}).
 * `to` is the chain the rule's target names when that target is a jump or goto to a chain (no
 * options, no verdict), already looked up by the caller; otherwise undefined.
 */
export function countAppended(c: ChainState, rule: Rule, to: ChainState | undefined): void {
  if (to !== undefined) to.refs++
  else if (rule.target !== undefined) {
    const bit = TARGET_BITS.get(rule.target.name)
    if (bit !== undefined) {
      c.hooked++
      c.kinds |= bit
    }
  }
}

/**
 * Append counted rules, `rules[0, n)`, and the chains they jump to, `to[0, nTo)` (in rule
 * order), to a chain.
 */
export function appendAll(
  c: ChainState,
  rules: readonly Rule[],
  n: number,
  to: readonly ChainState[],
  nTo: number,
): void {
  if (n > 0) ownRules(c)
  c.rules = joined(c.rules, rules, n)
  c.out = joined(c.out, to, nTo)
}

/**
 * `list` followed by `more[0, n)`. A dump's chains hold a few rules each, and an array grown by
 * push keeps room for 16 more (in the young generation, which the GC then copies): a fresh array
 * holds up to four items exactly, made by a literal that V8 allocates with the long-lived data.
 */
function joined<T>(list: T[], more: readonly T[], n: number): T[] {
  if (n === 0) return list
  if (list.length > 0) {
    for (let i = 0; i < n; i++) list.push(more[i] as T)
    return list
  }
  switch (n) {
    case 1:
      return [more[0] as T]
    case 2:
      return [more[0] as T, more[1] as T]
    case 3:
      return [more[0] as T, more[1] as T, more[2] as T]
    case 4:
      return [more[0] as T, more[1] as T, more[2] as T, more[3] as T]
    default:
      return more.slice(0, n)
  }
}

/** Remove a chain from its table. */
export function dropChain(t: TableState, name: string): void {
  t.chains.delete(name)
  t.base = undefined
  t.lastChain = undefined
  t.declaredLive = false
}

/** Note a `:CHAIN` line of the current block (see {@link TableState.declared}). */
export function declared(t: TableState, c: ChainState): void {
  c.seq = t.declared.length
  t.declared.push(c)
}

/** Recount every chain's references (after a rename changed where rules jump). */
export function reindex(t: TableState): void {
  for (const c of t.chains.values()) {
    c.refs = 0
    c.hooked = 0
    c.kinds = 0
    c.out.length = 0
  }
  for (const c of t.chains.values()) for (const r of c.rules) ref(t, c, r, 1)
}

/** Insert rules at a 0-based position of a chain, counting their jumps. */
export function insertRules(
  t: TableState,
  c: ChainState,
  at: number,
  rules: readonly Rule[],
): void {
  const own = ownRules(c)
  if (at === own.length) for (const r of rules) own.push(r)
  else own.splice(at, 0, ...rules)
  for (const r of rules) ref(t, c, r, 1)
}

/** Remove `count` rules from a 0-based position of a chain. */
export function removeRules(t: TableState, c: ChainState, at: number, count: number): void {
  if (count > 0 && count === c.rules.length) {
    // A flush: drop the chain's jump list at once instead of rule by rule.
    for (const to of c.out) to.refs--
    c.out.length = 0
    c.hooked = 0
    c.kinds = 0
    c.rules = []
    c.sharedRules = false
    return
  }
  for (const r of ownRules(c).splice(at, count)) ref(t, c, r, -1)
}

export class RulesetState {
  readonly tables: TableState[] = []
  readonly preamble: string[] = []

  constructor(readonly family: Family) {}

  /** Start from an existing ruleset (for `--noflush` payloads applied to a node's state). */
  static from(base: Ruleset): RulesetState {
    const s = new RulesetState(base.family)
    s.preamble.push(...(base.preamble ?? []))
    for (const table of base.tables) {
      const t = newTable(table.name)
      const copies: ChainState[] = []
      for (const c of table.chains) {
        const copy = newChain(c.name, isBuiltinChain(table.name, c.name), c.policy, c.counters)
        // Copy on write: the chain keeps the base's rule array until something changes it.
        copy.rules = c.rules as Rule[]
        copy.sharedRules = true
        copy.origin = c
        t.chains.set(c.name, copy)
        copies.push(copy)
      }
      for (const copy of copies) for (const r of copy.rules) ref(t, copy, r, 1)
      t.header = table.header
      t.trailer = table.trailer
      t.base = table
      s.tables.push(t)
    }
    return s
  }

  table(name: TableName): TableState | undefined {
    return this.tables.find((t) => t.name === name)
  }

  /** The table, created (empty, built-in chains only) and appended if it does not exist. */
  ensureTable(name: TableName): TableState {
    let t = this.table(name)
    if (!t) {
      t = newTable(name)
      this.tables.push(t)
    }
    return t
  }

  freeze(): Ruleset {
    const tables = this.tables.map(freezeTable)
    return this.preamble.length > 0
      ? { family: this.family, tables, preamble: [...this.preamble] }
      : { family: this.family, tables }
  }
}

/** Byte order, as libiptc and iptables-nft sort user chains (`strcmp`). */
function byName(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}

/** The chain is as it was copied from the base: same name, policy, counters and rules. */
function unchanged(c: ChainState, o: Chain): boolean {
  if (o.name !== c.name || o.counters !== c.counters || o.rules.length !== c.rules.length)
    return false
  if (o.rules === c.rules) return o.policy === (c.builtin ? (c.policy ?? 'ACCEPT') : undefined)
  if (o.policy !== (c.builtin ? (c.policy ?? 'ACCEPT') : undefined)) return false
  for (let i = 0; i < o.rules.length; i++) if (o.rules[i] !== c.rules[i]) return false
  return true
}

function freezeChain(c: ChainState): Chain {
  if (c.origin !== undefined && unchanged(c, c.origin)) return c.origin
  return c.builtin
    ? { name: c.name, counters: c.counters, rules: c.rules, policy: c.policy ?? 'ACCEPT' }
    : { name: c.name, counters: c.counters, rules: c.rules }
}

/** User chains in byte order; a dump declares them sorted already, which is checked first. */
function userChains(t: TableState): ChainState[] {
  const all = [...t.chains.values()]
  const users: ChainState[] = []
  let sorted = true
  // Index loops: this runs once per table, often before it is optimised, over every chain.
  for (let i = 0; i < all.length; i++) {
    const c = all[i] as ChainState
    if (c.builtin) continue
    const prev = users[users.length - 1]
    if (prev !== undefined && byName(prev.name, c.name) > 0) sorted = false
    users.push(c)
  }
  return sorted ? users : users.sort((a, b) => byName(a.name, b.name))
}

function freezeTable(t: TableState): Table {
  const chains: Chain[] = []
  for (const n of BUILTIN_CHAINS[t.name]) {
    const c = t.chains.get(n)
    if (c !== undefined) chains.push(freezeChain(c))
  }
  const users = userChains(t)
  for (let i = 0; i < users.length; i++) chains.push(freezeChain(users[i] as ChainState))
  const table: Table = { name: t.name, chains }
  return {
    ...table,
    ...(t.header === undefined ? {} : { header: t.header }),
    ...(t.trailer === undefined ? {} : { trailer: t.trailer }),
  }
}
