/**
 * @module core/netfilter/iptables-save/commands
 * Applies one command to a table the way libiptc does on iptables-restore's handle: rules go in
 * at 1-based positions (`-I` of several rules inserts each at the same place, so they end up in
 * reverse), `-D` with a rule deletes the first equal rule, `-X` refuses built-in, non-empty and
 * referenced chains, `-E` renames and keeps jumps pointing at the chain.
 */
import { KpathError } from '../../errors.js'
import type { Rule, XtTarget } from '../rule.js'
import { checkTargetTable } from './checks.js'
import { isIptablesExtension, lookupModule } from './extensions.js'
import { formatRuleSpec } from './format.js'
import type { LocatedCommand } from './rule-build.js'
import type { Cursor } from './rule-parser.js'
import type { ChainState, TableState } from './state.js'
import {
  dropChain,
  insertRules,
  jumpTarget,
  newChain,
  ownRules,
  reindex,
  removeRules,
} from './state.js'

function unknownChain(c: Cursor, name: string, column: number): never {
  throw new KpathError(
    'KPATH_UNKNOWN_CHAIN',
    `chain "${name}" does not exist in table ${c.env.table}`,
    {
      location: c.location(column),
      hint: `declare it first (":${name} - [0:0]" or "-N ${name}")`,
    },
  )
}

/**
 * The chain a command names. The last one found is remembered on the table: a dump's rules come
 * chain by chain, and comparing the name is cheaper than hashing it again.
 */
function chainOf(t: TableState, c: Cursor, name: string, column: number): ChainState {
  const last = t.lastChain
  if (last !== undefined && last.name === name) return last
  const ch = t.chains.get(name)
  if (!ch) unknownChain(c, name, column)
  t.lastChain = ch
  return ch
}

/** Jumps must go to an existing user chain (libiptc `iptcc_map_target`). */
function checkRule(t: TableState, c: Cursor, rule: Rule, column: number): void {
  const target = rule.target
  if (target && (target.goto || jumpTarget(rule) !== undefined)) {
    const to = t.chains.get(target.name)
    if (!to) {
      if (target.goto) unknownChain(c, target.name, column)
    } else if (to.builtin)
      c.fail(`cannot jump to built-in chain ${target.name}`, column, 'jump to a user chain')
  }
  checkTargetTable(t.name, rule)
}

function position(
  c: Cursor,
  ch: ChainState,
  n: number,
  slack: number,
  what: string,
  column: number,
): number {
  if (n > ch.rules.length + slack)
    c.fail(`Index of ${what} too big`, column, `chain ${ch.name} has ${ch.rules.length} rules`)
  return n - 1
}

function findRule(ch: ChainState, rule: Rule): number {
  const spec = formatRuleSpec(rule)
  return ch.rules.findIndex((r) => formatRuleSpec(r) === spec)
}

/** assert_valid_chain_name (iptables/xshared.c), for `-N` and `-E`. */
function checkNewName(t: TableState, c: Cursor, name: string, column: number): void {
  if (name.startsWith('-') || name.startsWith('!'))
    c.fail(`chain name not allowed to start with "${name[0]}"`, column)
  if (lookupModule('target', name, c.env.family) || isIptablesExtension('target', name)) {
    c.fail('chain name may not clash with target name', column)
  }
  if (/\s/.test(name)) c.fail(`Invalid chain name "${name}"`, column)
  if (t.chains.has(name) || ['ACCEPT', 'DROP', 'QUEUE', 'RETURN'].includes(name))
    c.fail('Chain already exists', column)
}

function deleteChain(t: TableState, c: Cursor, ch: ChainState, column: number): void {
  if (ch.builtin) c.fail(`cannot delete built-in chain ${ch.name}`, column)
  if (ch.rules.length > 0)
    c.fail(`chain ${ch.name} is not empty`, column, `flush it first (-F ${ch.name})`)
  if (ch.refs > 0) {
    c.fail(
      `chain ${ch.name} is still referenced by a rule`,
      column,
      'delete the rules that jump to it first',
    )
  }
  dropChain(t, ch.name)
}

function deleteAllChains(t: TableState, c: Cursor, column: number): void {
  const users = [...t.chains.values()].filter((ch) => !ch.builtin)
  for (const ch of users) if (ch.rules.length > 0) c.fail(`chain ${ch.name} is not empty`, column)
  for (const ch of users)
    if (ch.refs > 0) c.fail(`chain ${ch.name} is still referenced by a rule`, column)
  for (const ch of users) dropChain(t, ch.name)
}

function rename(t: TableState, c: Cursor, ch: ChainState, to: string, column: number): void {
  if (ch.builtin) c.fail(`cannot rename built-in chain ${ch.name}`, column)
  checkNewName(t, c, to, column)
  const from = ch.name
  dropChain(t, from)
  t.chains.set(to, { ...ch, name: to, jumpedBy: undefined, gotoBy: undefined })
  const moved = (target: XtTarget): XtTarget => ({ ...target, name: to })
  for (const other of t.chains.values()) {
    other.rules = other.rules.map((r) =>
      jumpTarget(r) === from || (r.target?.goto && r.target.name === from)
        ? { ...r, target: moved(r.target as XtTarget) }
        : r,
    )
  }
  reindex(t)
}

function policy(t: TableState, c: Cursor, ch: ChainState, value: string, column: number): void {
  if (!ch.builtin)
    c.fail(
      `cannot set a policy on user chain ${ch.name}`,
      column,
      'only built-in chains have a policy',
    )
  if (value !== 'ACCEPT' && value !== 'DROP')
    c.fail(`Bad policy name "${value}"`, column, 'use ACCEPT or DROP')
  if (t.name === 'nat' && value === 'DROP')
    c.fail(
      'The "nat" table is not intended for filtering, the use of DROP is therefore inhibited.',
      column,
    )
  ch.policy = value
}

/** `-Z`: reset the counters of a chain (its policy and rules) or of one rule. */
function zero(ch: ChainState, index?: number): void {
  const reset = (r: Rule): Rule => (r.counters ? { ...r, counters: { packets: 0n, bytes: 0n } } : r)
  if (index !== undefined) {
    const r = ch.rules[index]
    if (r) ownRules(ch)[index] = reset(r)
    return
  }
  ch.counters = { packets: 0n, bytes: 0n }
  ch.rules = ch.rules.map(reset)
}

/** Apply a command to the table it names. */
export function applyCommand(t: TableState, c: Cursor, lc: LocatedCommand): void {
  const cmd = lc.command
  const col = lc.argColumns[0] ?? lc.column
  const posCol = lc.argColumns[1] ?? col
  switch (cmd.kind) {
    case 'append': {
      const ch = chainOf(t, c, cmd.chain, col)
      for (const r of cmd.rules) checkRule(t, c, r, col)
      insertRules(t, ch, ch.rules.length, cmd.rules)
      return
    }
    case 'insert': {
      const ch = chainOf(t, c, cmd.chain, col)
      const at = position(c, ch, cmd.position, 1, 'insertion', posCol)
      for (const r of cmd.rules) {
        checkRule(t, c, r, col)
        insertRules(t, ch, at, [r])
      }
      return
    }
    case 'replace': {
      const ch = chainOf(t, c, cmd.chain, col)
      const at = position(c, ch, cmd.position, 0, 'replacement', posCol)
      checkRule(t, c, cmd.rule, col)
      removeRules(t, ch, at, 1)
      insertRules(t, ch, at, [cmd.rule])
      return
    }
    case 'delete':
    case 'check': {
      const ch = chainOf(t, c, cmd.chain, col)
      for (const r of cmd.rules) {
        const i = findRule(ch, r)
        if (i < 0) c.fail('Bad rule (does a matching rule exist in that chain?)', lc.column)
        if (cmd.kind === 'delete') removeRules(t, ch, i, 1)
      }
      return
    }
    case 'deleteAt': {
      const ch = chainOf(t, c, cmd.chain, col)
      removeRules(t, ch, position(c, ch, cmd.position, 0, 'deletion', posCol), 1)
      return
    }
    case 'newChain':
      checkNewName(t, c, cmd.chain, col)
      t.chains.set(cmd.chain, newChain(cmd.chain, false))
      return
    case 'deleteChain':
      if (cmd.chain === undefined) deleteAllChains(t, c, lc.column)
      else deleteChain(t, c, chainOf(t, c, cmd.chain, col), col)
      return
    case 'flush':
      for (const ch of cmd.chain === undefined
        ? [...t.chains.values()]
        : [chainOf(t, c, cmd.chain, col)]) {
        removeRules(t, ch, 0, ch.rules.length)
      }
      return
    case 'zero':
      if (cmd.chain !== undefined && cmd.position !== undefined) {
        const ch = chainOf(t, c, cmd.chain, col)
        zero(ch, position(c, ch, cmd.position, 0, 'zeroing', posCol))
        return
      }
      for (const ch of cmd.chain === undefined
        ? [...t.chains.values()]
        : [chainOf(t, c, cmd.chain, col)]) {
        zero(ch)
      }
      return
    case 'policy':
      policy(t, c, chainOf(t, c, cmd.chain, col), cmd.policy, lc.argColumns[1] ?? col)
      return
    case 'rename':
      rename(t, c, chainOf(t, c, cmd.chain, col), cmd.to, lc.argColumns[1] ?? col)
      return
  }
}
