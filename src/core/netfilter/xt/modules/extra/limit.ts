/**
 * @module core/netfilter/xt/modules/extra/limit
 * `-m limit` (libxt_limit, xt_limit): a token bucket of `--limit` packets per period with a
 * `--limit-burst`. iptables-save prints the rate re-derived from the stored period and omits the
 * default burst of 5: `--limit 60/min` comes back as `--limit 1/sec`, and a bare `-m limit` as
 * `--limit 3/hour`.
 */
import { type CanonContext, opt } from '../../types.js'
import { u32 } from './lib/cnum.js'
import { defineModule } from './lib/define.js'
import type { Opts } from './lib/options.js'
import { formatRate, rateCount, rateUnit } from './lib/rate.js'
import { arg, uint } from './lib/xtopt.js'

const SCALE = 10000n
const DEFAULT_AVG = (SCALE * 3600n) / 3n
const DEFAULT_BURST = 5n
/** HZ * CREDITS_PER_JIFFY of xt_limit: 32000 with HZ=250 and HZ=1000 (Debian, RHEL, Ubuntu). */
const HZ_CPJ = 32000n

/** xt_limit's `user2credits`, in the kernel's u32 arithmetic. */
function credits(user: bigint): bigint {
  if (user > 0xffffffffn / HZ_CPJ) return u32((user / SCALE) * HZ_CPJ)
  return u32(user * HZ_CPJ) / SCALE
}

export const limitMatch = defineModule({
  name: 'limit',
  kind: 'match',
  options: [{ names: ['--limit'] }, { names: ['--limit-burst'] }],
  canon(o: Opts, ctx: CanonContext) {
    let avg = DEFAULT_AVG
    const limit = o.get('--limit')
    if (limit) {
      const unit = rateUnit(arg(limit))
      const count = u32(rateCount(arg(limit)))
      if (unit === undefined || count === 0n) {
        ctx.fail(
          `bad rate "${arg(limit)}"`,
          limit,
          'write a rate as N/second, N/minute, N/hour or N/day',
        )
      }
      avg = (SCALE * unit) / count
      if (avg === 0n)
        ctx.fail(`rate too fast "${arg(limit)}"`, limit, 'the highest rate is 10000/second')
    }
    const b = o.get('--limit-burst')
    const burst = b ? uint('limit', b, ctx, 32, 0n, 10000n) : DEFAULT_BURST
    // xt_limit_mt_check refuses a zero burst and a burst whose credit overflows ("Overflow, try lower").
    if (burst === 0n || credits(u32(avg * burst)) < credits(avg)) {
      ctx.fail(
        'limit: the kernel refuses this rate and burst (credit overflow)',
        b ?? limit,
        'lower --limit-burst',
      )
    }
    const out = [opt('--limit', [formatRate(avg, SCALE).text])]
    if (burst !== DEFAULT_BURST) out.push(opt('--limit-burst', [String(burst)]))
    return out
  },
})
