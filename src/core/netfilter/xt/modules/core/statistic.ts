/**
 * @module core/netfilter/xt/modules/core/statistic
 * `-m statistic` (libxt_statistic.c). Random mode stores the probability as
 * `lround(p * 2^31)` and iptables-save prints `stored / 2^31` with `%.11f`, so kube-proxy's
 * 0.3333333333 comes back as 0.33333333349. Nth mode stores `every - 1` and always prints
 * `--packet`. A `!` is printed after the mode, wherever it was written.
 */
import type { XtOption } from '../../../rule.js'
import type { CanonContext, RawOption, XtModule } from '../../types.js'
import { byName, exclusive, type Got, mandatory, needs, needUint, spec, value } from './common.js'

const TWO_31 = 2147483648

/** strtod on a plain decimal float (what kube-proxy and people write). */
const FLOAT = /^[\t\n\v\f\r ]*[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$/

/**
 * `printf("%.11f", stored / 2^31)` exactly: glibc rounds the exact binary value half to even,
 * which `Number.prototype.toFixed` does not, so the division is done in integers.
 */
export function formatProbability(stored: number): string {
  const scaled = BigInt(stored) * 100000000000n
  const den = BigInt(TWO_31)
  let q = scaled / den
  const r = scaled % den
  if (r * 2n > den || (r * 2n === den && q % 2n === 1n)) q += 1n
  const s = q.toString().padStart(12, '0')
  return `${s.slice(0, -11)}.${s.slice(-11)}`
}

function probability(o: RawOption, ctx: CanonContext): string {
  const text = value(o)
  const p = FLOAT.test(text) ? Number(text) : Number.NaN
  if (!(p >= 0 && p <= 1))
    ctx.fail(`statistic: bad value "${text}" for --probability, or out of range (0-1)`, o)
  return formatProbability(Math.round(p * TWO_31))
}

function nth(got: Got, ctx: CanonContext): XtOption[] {
  const every = got.get('--every')
  const packet = got.get('--packet')
  if (!every && !packet)
    ctx.fail('statistic: --every and --packet must be specified when using nth mode')
  const e = every ? needUint('statistic', every, value(every), 1, 0xffffffff, ctx) : 1
  const p = packet ? needUint('statistic', packet, value(packet), 0, 0xffffffff, ctx) : 0
  if (p > e - 1) ctx.fail('statistic: the --packet p must be 0 <= p <= n-1', packet)
  return [
    { name: '--every', negated: every?.negated ?? false, values: [String(e)] },
    { name: '--packet', negated: false, values: [String(p)] },
  ]
}

export const statisticMatch: XtModule = {
  name: 'statistic',
  kind: 'match',
  options: [
    spec('--mode'),
    spec('--probability', 1, true),
    spec('--every', 1, true),
    spec('--packet'),
  ],
  canonicalize(raw: readonly RawOption[], ctx: CanonContext) {
    const got = byName('statistic', raw, ctx)
    const mode = mandatory('statistic', got, '--mode', ctx)
    exclusive('statistic', got, ['--probability', '--every'], ctx)
    exclusive('statistic', got, ['--probability', '--packet'], ctx)
    needs('statistic', got, '--every', '--packet', ctx)
    needs('statistic', got, '--packet', '--every', ctx)
    const m = value(mode)
    if (m !== 'random' && m !== 'nth')
      ctx.fail(`statistic: bad mode "${m}"`, mode, 'use --mode random or --mode nth')
    const out: XtOption[] = [{ name: '--mode', negated: false, values: [m] }]
    if (m === 'nth') return [...out, ...nth(got, ctx)]
    const prob = got.get('--probability')
    if (!prob) ctx.fail('statistic: --probability must be specified when using random mode', mode)
    return [
      ...out,
      { name: '--probability', negated: prob.negated, values: [probability(prob, ctx)] },
    ]
  },
}
