/**
 * @module core/netfilter/xt/modules/extra/nfqueue
 * `-j NFQUEUE` (libxt_NFQUEUE revision 3): hand packets to a userspace queue. iptables-save
 * prints `--queue-num N` (0 when nothing is given) or `--queue-balance first:last`, then
 * `--queue-bypass` and `--queue-cpu-fanout`. A balance range must have first < last.
 */
import { type CanonContext, opt } from '../../types.js'
import { defineModule } from './lib/define.js'
import type { Opts } from './lib/options.js'
import { arg, uint, uintRange } from './lib/xtopt.js'

export const nfqueueTarget = defineModule({
  name: 'NFQUEUE',
  kind: 'target',
  options: [
    { names: ['--queue-num'], excl: ['--queue-balance'] },
    { names: ['--queue-balance'], excl: ['--queue-num'] },
    { names: ['--queue-bypass'], arity: 0 },
    { names: ['--queue-cpu-fanout'], arity: 0, also: ['--queue-balance'] },
  ],
  canon(o: Opts, ctx: CanonContext) {
    const num = o.get('--queue-num')
    const bal = o.get('--queue-balance')
    const out = []
    if (bal) {
      const r = uintRange('NFQUEUE', bal, ctx, 16)
      if (r.length !== 2)
        ctx.fail(`bad range "${arg(bal)}"`, bal, 'write --queue-balance first:last')
      const [lo, hi] = r as [bigint, bigint]
      if (lo >= hi)
        ctx.fail(
          `${lo} should be less than ${hi}`,
          bal,
          'a balance range needs at least two queues',
        )
      out.push(opt('--queue-balance', [`${lo}:${hi}`]))
    } else out.push(opt('--queue-num', [String(num ? uint('NFQUEUE', num, ctx, 16) : 0n)]))
    if (o.has('--queue-bypass')) out.push(opt('--queue-bypass'))
    if (o.has('--queue-cpu-fanout')) out.push(opt('--queue-cpu-fanout'))
    return out
  },
})
