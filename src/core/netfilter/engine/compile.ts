/**
 * @module core/netfilter/engine/compile
 * Compile a {@link Ruleset} into predicates and actions (see compiled.ts), chain by chain on
 * first use, and share what is compiled between rulesets that hold the same chain objects.
 *
 * A node of a 5,000-Service cluster holds about 100,000 rules and a packet meets a few dozen
 * of them; compiling them all took about a second per node, and a trace across a cluster
 * crosses several nodes. Chains are therefore compiled when the walk first enters them (the
 * destination index of a long chain with it). Nothing gets less loud for it: compiling never
 * throws (an unmodelled match, option or target already compiles into a predicate or action
 * that throws KPATH_UNSUPPORTED when a packet reaches the rule, see matches/ and targets/), so
 * a chain compiled later fails exactly where an eagerly compiled one would.
 *
 * Rulesets of different nodes share their `Chain` objects where kube-proxy wrote the same
 * chain (core/cluster shares one render between nodes, and applying a CNI's rules on top
 * keeps the chains it does not touch). A compiled chain depends on its `Chain`, its table's
 * name and, for each target naming something else than a verdict, whether the table has a
 * chain of that name; it is reused when all of these agree.
 */
import type { Chain, Ruleset, Table, TableName } from '../rule.js'
import type {
  CompiledChain,
  CompiledRule,
  CompiledRuleset,
  CompiledTable,
  Matcher,
} from './compiled.js'
import { buildDstIndex } from './dst-index.js'
import { compileHeader } from './header-match.js'
import { compileMatch } from './matches/index.js'
import { compileTarget } from './targets/index.js'

function all(ms: readonly Matcher[]): Matcher {
  if (ms.length === 0) return () => true
  if (ms.length === 1) return ms[0] as Matcher
  return (s) => {
    for (const m of ms) if (!m(s)) return false
    return true
  }
}

export interface CompileOptions {
  /** Build destination indexes for long chains (default true). Off only to test equivalence. */
  readonly index?: boolean
}

/** A compiled chain and what it assumed about its table. */
interface Compiled {
  readonly table: TableName
  readonly chain: CompiledChain
  /** Target names that are not verdicts, each with whether the table had such a chain. */
  readonly names: ReadonlyMap<string, boolean>
}

/** Chains compiled with destination indexes (the default), by chain object. */
const SHARED = new WeakMap<Chain, Compiled>()

function reusable(hit: Compiled | undefined, table: TableName, has: (n: string) => boolean) {
  if (hit === undefined || hit.table !== table) return false
  for (const [name, chain] of hit.names) if (has(name) !== chain) return false
  return true
}

function compileChain(
  table: TableName,
  c: Chain,
  has: (name: string) => boolean,
  o: CompileOptions,
): CompiledChain {
  const shared = o.index !== false
  const hit = shared ? SHARED.get(c) : undefined
  if (hit !== undefined && reusable(hit, table, has)) return hit.chain
  const names = new Map<string, boolean>()
  const seen = (name: string) => {
    const present = has(name)
    names.set(name, present)
    return present
  }
  const rules: CompiledRule[] = c.rules.map((rule, i) => ({
    key: `${table}:${c.name}:${i + 1}`,
    table,
    chain: c.name,
    num: i + 1,
    rule,
    test: all([...compileHeader(rule), ...rule.matches.flatMap((m) => compileMatch(m, rule))]),
    target: compileTarget(rule.target, rule, seen),
  }))
  const chain: CompiledChain = {
    name: c.name,
    policy: c.policy,
    rules,
    index: shared ? buildDstIndex(c.rules) : undefined,
  }
  if (shared) SHARED.set(c, { table, chain, names })
  return chain
}

/**
 * A table's chains, each compiled on first `get` (a `ReadonlyMap`, as the walk reads it).
 * Iterating compiles every chain.
 */
class LazyChains implements ReadonlyMap<string, CompiledChain> {
  private readonly source = new Map<string, Chain>()
  private readonly done = new Map<string, CompiledChain>()
  private readonly has_ = (name: string) => this.source.has(name)

  constructor(
    private readonly table: TableName,
    chains: readonly Chain[],
    private readonly o: CompileOptions,
  ) {
    for (const c of chains) this.source.set(c.name, c)
  }

  get size(): number {
    return this.source.size
  }

  has(name: string): boolean {
    return this.source.has(name)
  }

  get(name: string): CompiledChain | undefined {
    const hit = this.done.get(name)
    if (hit !== undefined) return hit
    const c = this.source.get(name)
    if (c === undefined) return undefined
    const made = compileChain(this.table, c, this.has_, this.o)
    this.done.set(name, made)
    return made
  }

  *entries(): MapIterator<[string, CompiledChain]> {
    for (const name of this.source.keys()) yield [name, this.get(name) as CompiledChain]
  }

  keys(): MapIterator<string> {
    return this.source.keys()
  }

  *values(): MapIterator<CompiledChain> {
    for (const [, c] of this.entries()) yield c
  }

  [Symbol.iterator](): MapIterator<[string, CompiledChain]> {
    return this.entries()
  }

  forEach(
    f: (value: CompiledChain, key: string, map: ReadonlyMap<string, CompiledChain>) => void,
    thisArg?: unknown,
  ): void {
    for (const [k, v] of this.entries()) f.call(thisArg, v, k, this)
  }
}

function compileTable(t: Table, o: CompileOptions): CompiledTable {
  return { name: t.name, chains: new LazyChains(t.name, t.chains, o) }
}

export function compileRuleset(rs: Ruleset, o: CompileOptions = {}): CompiledRuleset {
  const tables = new Map<TableName, CompiledTable>()
  for (const t of rs.tables) tables.set(t.name, compileTable(t, o))
  return { family: rs.family, tables }
}
