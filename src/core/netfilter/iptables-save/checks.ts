/**
 * @module core/netfilter/iptables-save/checks
 * What the kernel refuses when a table is committed (x_tables `translate_table` /
 * `mark_source_chains`, and each target's `checkentry`): jump loops among the chains reachable
 * from the built-in chains, and targets used in a table or from a hook they do not support.
 * iptables-restore reports these on the COMMIT line; kpath points at the offending rule.
 */
import { KpathError } from '../../errors.js'
import type { Rule, Table, TableName } from '../rule.js'
import type { ChainState, TableState } from './state.js'
import { jumpTarget, TARGET_BITS, TARGET_HOOKS } from './state.js'

/** Targets that exist only in one table (xt_nat.c, xt_CT.c, xt_TRACE.c). */
const TABLE_ONLY: ReadonlyMap<string, TableName> = new Map([
  ['DNAT', 'nat'],
  ['SNAT', 'nat'],
  ['MASQUERADE', 'nat'],
  ['REDIRECT', 'nat'],
  ['CT', 'raw'],
  ['NOTRACK', 'raw'],
  ['TRACE', 'raw'],
])

function ruleError(
  code: 'KPATH_PARSE' | 'KPATH_LOOP',
  message: string,
  rule: Rule | undefined,
  hint: string,
): KpathError {
  const loc = rule?.location
  return new KpathError(code, message, { ...(loc ? { location: loc } : {}), hint })
}

/** The table restriction of a rule's target, checked when the rule is added. */
export function checkTargetTable(table: TableName, rule: Rule): void {
  const t = rule.target
  if (!t || t.goto) return
  const only = TABLE_ONLY.get(t.name)
  if (only && only !== table) {
    throw ruleError(
      'KPATH_PARSE',
      `the ${t.name} target is only valid in the ${only} table, not ${table}`,
      rule,
      `move the rule to *${only}`,
    )
  }
}

function loop(
  t: TableState,
  path: readonly ChainState[],
  from: ChainState,
  to: ChainState,
): KpathError {
  const all = [...path.slice(path.indexOf(to)), to].map((n) => n.name)
  const cycle =
    all.length > 12 ? [...all.slice(0, 6), `… ${all.length - 9} more …`, ...all.slice(-3)] : all
  const rule = from.rules.find((r) => jumpTarget(r) === to.name && t.chains.has(to.name))
  return ruleError(
    'KPATH_LOOP',
    `chain loop: ${cycle.join(' -> ')}`,
    rule,
    'a chain must not jump back into a chain that leads to it',
  )
}

/**
 * Iterative depth-first search with colours from one built-in chain: a chain met again while on
 * the current path closes a loop. Finished chains are appended to `order`, so reversed it is a
 * topological order.
 */
function walk(t: TableState, root: ChainState, order: ChainState[]): void {
  const stack: ChainState[] = [root]
  const index: number[] = [0]
  root.colour = 1
  while (stack.length > 0) {
    const top = stack.length - 1
    const node = stack[top] as ChainState
    const k = index[top] as number
    const next = node.out
    if (k >= next.length) {
      node.colour = 2
      order.push(node)
      stack.pop()
      index.pop()
      continue
    }
    index[top] = k + 1
    const to = next[k] as ChainState
    if (to.colour === 1) throw loop(t, stack, node, to)
    if (to.colour === 0) {
      to.colour = 1
      stack.push(to)
      index.push(0)
    }
  }
}

/** Hook-restricted targets must only be reachable from the hooks they allow. */
function checkHooks(
  t: TableState,
  hooks: readonly ChainState[],
  order: readonly ChainState[],
): void {
  for (let i = 0; i < hooks.length; i++) (hooks[i] as ChainState).mask |= 1 << i
  // Index loops: this runs once per table, often before it is optimised, over every jump.
  for (let i = order.length - 1; i >= 0; i--) {
    const n = order[i] as ChainState
    const out = n.out
    for (let k = 0; k < out.length; k++) (out[k] as ChainState).mask |= n.mask
  }
  // For each restricted target, the hooks (as bits) it must not be reached from; and for each
  // set of them (ChainState.kinds), the hooks any of them must not be reached from.
  const forbidden = new Map<string, number>()
  const bySet = new Int32Array(1 << TARGET_BITS.size)
  for (const [name, allowed] of TARGET_HOOKS) {
    let bits = 0
    hooks.forEach((h, i) => {
      if (!allowed.includes(h.name)) bits |= 1 << i
    })
    forbidden.set(name, bits)
    const bit = TARGET_BITS.get(name) ?? 0
    for (let set = 0; set < bySet.length; set++)
      if (set & bit) bySet[set] = (bySet[set] ?? 0) | bits
  }
  for (let i = 0; i < order.length; i++) {
    const n = order[i] as ChainState
    // Only a chain holding a target that is forbidden from a hook reaching it needs a look.
    if (n.hooked === 0 || ((bySet[n.kinds] ?? 0) & n.mask) === 0) continue
    for (const rule of n.rules) {
      const tg = rule.target
      const bits = tg ? forbidden.get(tg.name) : undefined
      if (!tg || !bits || !(n.mask & bits)) continue
      if (tg.options.length === 0 && t.chains.has(tg.name)) continue // a jump to a chain of that name
      const hook = hooks.find((_, i) => n.mask & bits & (1 << i))?.name
      const allowed = TARGET_HOOKS.get(tg.name) ?? []
      throw ruleError(
        'KPATH_PARSE',
        `the ${tg.name} target is not valid from the ${hook} chain`,
        rule,
        `${tg.name} works from ${allowed.join(', ')}`,
      )
    }
  }
}

/**
 * Changes already checked and accepted, per base table: a CNI's `--noflush` rules applied onto
 * the kube-proxy ruleset a thousand nodes share differ from node to node only in addresses.
 */
const PASSED = new WeakMap<Table, Set<string>>()

/**
 * What the COMMIT checks of a table copied from `t.base` depend on, beyond that base: the
 * chains whose rules changed or that are new, each with its rules' target names and whether
 * those have options (which is all that decides jumps and hook-restricted targets). The
 * untouched chains are the base's own, and none of the base's is gone (`t.base` says so).
 */
function changeShape(t: TableState): string {
  const parts: string[] = []
  for (const c of t.chains.values()) {
    if (c.sharedRules === true) continue
    let shape = `${c.name}${c.builtin ? '*' : ''}:`
    for (const r of c.rules) {
      const tg = r.target
      shape += tg === undefined ? ',' : `${tg.name}${tg.options.length === 0 ? '' : '+'},`
    }
    parts.push(shape)
  }
  return parts.join('\n')
}

/**
 * Check a table at COMMIT: no loops from the built-in chains, targets only from their hooks. The
 * walk follows the jump lists kept on the chains (`out`) and keeps its state there (`colour`,
 * `mask`): a large cluster's nat table has tens of thousands of chains. A table copied from a
 * base and changed exactly as one that passed before on the same base passes without a walk:
 * the result depends only on chain names and targets, and those are the same.
 */
export function checkCommit(t: TableState): void {
  const base = t.base
  if (base === undefined) {
    checkGraph(t)
    return
  }
  const shape = changeShape(t)
  if (PASSED.get(base)?.has(shape) === true) return
  checkGraph(t)
  let passed = PASSED.get(base)
  if (passed === undefined) {
    passed = new Set()
    PASSED.set(base, passed)
  }
  passed.add(shape)
}

function checkGraph(t: TableState): void {
  const chains = [...t.chains.values()]
  const hooks: ChainState[] = []
  for (let i = 0; i < chains.length; i++) {
    const c = chains[i] as ChainState
    c.colour = 0
    c.mask = 0
    if (c.builtin) hooks.push(c)
  }
  const order: ChainState[] = []
  for (const h of hooks) if (h.colour === 0) walk(t, h, order)
  let hooked = false
  for (let i = 0; i < order.length && !hooked; i++) hooked = (order[i] as ChainState).hooked > 0
  if (hooked) checkHooks(t, hooks, order)
}
