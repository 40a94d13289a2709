/**
 * @module core/netfilter/engine/matches/statistic
 * `-m statistic` (xt_statistic.c). Random mode compares a random 31-bit number with the stored
 * threshold round(p·2^31), so the real probability is threshold/2^31; that is the probability a
 * branch carries. Nth mode is a per-rule counter, deterministic across packets.
 */
import type { Rule, XtMatch } from '../../rule.js'
import type { Matcher } from '../compiled.js'
import { Opts } from './options.js'

/** The probability the kernel really applies for a `--probability` value. */
export function kernelProbability(p: number): number {
  return Math.round(p * 2 ** 31) / 2 ** 31
}

export function compileStatistic(m: XtMatch, rule: Rule): Matcher[] {
  const o = new Opts('statistic', m.options, rule)
  o.only(['--mode', '--probability', '--every', '--packet'])
  const mode = o.value('--mode')
  if (mode === 'random') {
    const opt = o.get('--probability')
    const p = kernelProbability(Number(opt?.values[0] ?? '0'))
    return [
      (s) => {
        const label = `${s.rule?.table}:${s.rule?.chain}:rule:${s.rule?.num} statistic p=${p.toFixed(11)}`
        return s.chooser.choose(p, label) !== (opt?.negated ?? false)
      },
    ]
  }
  if (mode === 'nth') {
    const everyOpt = o.get('--every')
    const every = Number(everyOpt?.values[0] ?? '1') - 1
    const packet = Number(o.value('--packet') ?? '0')
    return [
      (s) => {
        const key = s.rule?.key ?? ''
        // libxt_statistic starts the counter at every-packet, so --packet 0 takes the first.
        const count = s.rt.nth.get(key) ?? every - packet
        const next = count === every ? 0 : count + 1
        s.rt.nth.set(key, next)
        return (next === 0) !== (everyOpt?.negated ?? false)
      },
    ]
  }
  throw o.unsupported(`statistic mode ${mode ?? '(none)'} is not modelled`)
}
