/**
 * @module core/netfilter/xt/modules/extra/length
 * `-m length` (libxt_length): the IP packet length, a value or an inclusive range. A range with
 * equal ends prints as one value; open ends become 0 and 65535. iptables does not check that
 * min <= max (`200:100` is kept and never matches).
 */
import { type CanonContext, opt } from '../../types.js'
import { defineModule } from './lib/define.js'
import type { Opts } from './lib/options.js'
import { uintRange } from './lib/xtopt.js'

/** `min:max`, or `min` when both are equal, as libxt_length and libxt_tcpmss print ranges. */
export function formatRange16(lo: bigint, hi: bigint): string {
  return lo === hi ? String(lo) : `${lo}:${hi}`
}

export const lengthMatch = defineModule({
  name: 'length',
  kind: 'match',
  options: [{ names: ['--length'], invert: true, mand: true }],
  canon(o: Opts, ctx: CanonContext) {
    const l = o.get('--length')
    if (!l) return []
    const [lo = 0n, hi = lo] = uintRange('length', l, ctx, 16)
    return [opt('--length', [formatRange16(lo, hi)], l.negated)]
  },
})
