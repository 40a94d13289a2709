/**
 * @module bench/parse-dump
 * The one place the benchmarks call kpath's iptables-save parser, so that the parse case and
 * its peak-RSS child measure exactly the same call. If the parser module is missing, importing
 * this file fails and bench/run.ts reports the case as "not available".
 */
import { parseIptablesSave } from '../src/core/netfilter/iptables-save/index.js'
import type { Ruleset } from '../src/core/netfilter/rule.js'

/** Parse a whole iptables-save dump into the kernel-state model. */
export function parseDump(text: string): Ruleset {
  return parseIptablesSave(text, { family: 4 })
}

/** Rules over all tables and chains: a parse that dropped lines would show here. */
export function countRules(ruleset: Ruleset): number {
  let n = 0
  for (const table of ruleset.tables) for (const chain of table.chains) n += chain.rules.length
  return n
}
