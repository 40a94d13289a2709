/**
 * @module core/netfilter/engine/walk
 * One table at one hook, as ipt_do_table walks it: first match wins; a jump pushes the return
 * point, a goto does not; RETURN or the end of a user chain pops; the end of a built-in chain
 * (or a pop with nothing left) applies the policy. Every matched rule is traced as the kernel's
 * TRACE target would print it, including its quirk of calling an unconditional standard-verdict
 * rule "return" (user chain) or "policy" (built-in chain).
 */
import { KpathError } from '../../errors.js'
import type { Rule } from '../rule.js'
import { packetAddrs } from './addr-cache.js'
import type { CompiledChain, CompiledRule, CompiledTable } from './compiled.js'
import { candidates } from './dst-index.js'
import type { PacketState } from './state.js'
import type { Hook, Verdict } from './types.js'

/** The kernel refuses rulesets with more nesting than this (XT stack size); so do we. */
const MAX_DEPTH = 1024

interface Frame {
  chain: CompiledChain
  positions: readonly number[] | undefined
  i: number
}

function positionsOf(chain: CompiledChain, s: PacketState): readonly number[] | undefined {
  return chain.index ? candidates(chain.index, packetAddrs(s.pkt).dst) : undefined
}

function unconditional(r: Rule): boolean {
  return (
    !r.src &&
    !r.dst &&
    !r.inIface &&
    !r.outIface &&
    !r.proto &&
    !r.fragment &&
    r.matches.length === 0
  )
}

function traceRule(s: PacketState, r: CompiledRule, hook: Hook): void {
  const std = r.target.kind === 'verdict' && unconditional(r.rule)
  const type = std ? (r.chain === hook ? 'policy' : 'return') : 'rule'
  s.events.push({ kind: 'rule', table: r.table, chain: r.chain, num: r.num, type })
}

function policy(s: PacketState, table: CompiledTable, hook: Hook): Verdict {
  const base = table.chains.get(hook) as CompiledChain
  s.events.push({
    kind: 'rule',
    table: table.name,
    chain: hook,
    num: base.rules.length + 1,
    type: 'policy',
  })
  s.rt.count(`${table.name}:${hook}`, s.pkt.length)
  return base.policy === 'DROP' ? { kind: 'drop' } : { kind: 'accept' }
}

export function walkTable(s: PacketState, table: CompiledTable, hook: Hook): Verdict {
  const base = table.chains.get(hook)
  if (!base) return { kind: 'accept' }
  const stack: Frame[] = []
  let f: Frame = { chain: base, positions: positionsOf(base, s), i: 0 }
  for (;;) {
    const len = f.positions ? f.positions.length : f.chain.rules.length
    if (f.i >= len) {
      if (f.chain === base) return policy(s, table, hook)
      s.events.push({
        kind: 'rule',
        table: table.name,
        chain: f.chain.name,
        num: f.chain.rules.length + 1,
        type: 'return',
      })
      const up = stack.pop()
      if (!up) return policy(s, table, hook)
      f = up
      continue
    }
    const pos = f.positions ? (f.positions[f.i] as number) : f.i
    const r = f.chain.rules[pos] as CompiledRule
    s.rule = r
    f.i++
    if (!r.test(s)) continue
    s.rt.count(r.key, s.pkt.length)
    traceRule(s, r, hook)
    const t = r.target
    if (t.kind === 'none') continue
    if (t.kind === 'verdict') {
      if (t.verdict === 'ACCEPT') return { kind: 'accept' }
      if (t.verdict === 'DROP') return { kind: 'drop' }
      if (f.chain === base) return policy(s, table, hook)
      const up = stack.pop()
      if (!up) return policy(s, table, hook)
      f = up
      continue
    }
    if (t.kind === 'chain') {
      const next = table.chains.get(t.chain) as CompiledChain
      if (!t.goto) stack.push(f)
      if (stack.length > MAX_DEPTH) {
        throw new KpathError('KPATH_LOOP', `chain nesting deeper than ${MAX_DEPTH} at ${r.key}`)
      }
      f = { chain: next, positions: positionsOf(next, s), i: 0 }
      continue
    }
    const result = t.run(s)
    if (result.kind !== 'continue') return result
  }
}
