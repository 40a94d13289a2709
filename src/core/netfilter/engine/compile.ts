/**
 * @module core/netfilter/engine/compile
 * Compile a {@link Ruleset} once into predicates and actions (see compiled.ts).
 */
import type { Ruleset, Table, TableName } from '../rule.js'
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

function compileTable(t: Table, o: CompileOptions): CompiledTable {
  const names = new Set(t.chains.map((c) => c.name))
  const chains = new Map<string, CompiledChain>()
  for (const c of t.chains) {
    const rules: CompiledRule[] = c.rules.map((rule, i) => ({
      key: `${t.name}:${c.name}:${i + 1}`,
      table: t.name,
      chain: c.name,
      num: i + 1,
      rule,
      test: all([...compileHeader(rule), ...rule.matches.flatMap((m) => compileMatch(m, rule))]),
      target: compileTarget(rule.target, rule, (n) => names.has(n)),
    }))
    chains.set(c.name, {
      name: c.name,
      policy: c.policy,
      rules,
      index: o.index === false ? undefined : buildDstIndex(c.rules),
    })
  }
  return { name: t.name, chains }
}

export function compileRuleset(rs: Ruleset, o: CompileOptions = {}): CompiledRuleset {
  const tables = new Map<TableName, CompiledTable>()
  for (const t of rs.tables) tables.set(t.name, compileTable(t, o))
  return { family: rs.family, tables }
}
