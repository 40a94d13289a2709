/**
 * @module core/netfilter/xt/modules/extra/connlimit
 * `-m connlimit` (libxt_connlimit revision 1): a limit on connections per address group.
 * iptables-save always prints the mask length and `--connlimit-saddr`/`--connlimit-daddr`;
 * `! --connlimit-upto N` is `--connlimit-above N` and the reverse. The mask is a prefix length
 * or a dotted mask; a non-contiguous mask (or `33`, read as the address 0.0.0.33) becomes a full
 * host mask, exactly as libxtables' `XTTYPE_PLENMASK` builds it.
 */
import { type CanonContext, opt } from '../../types.js'
import { defineModule } from './lib/define.js'
import { maskToCidr, plen, plenToMask } from './lib/inet.js'
import type { Opts } from './lib/options.js'
import { arg, uint } from './lib/xtopt.js'

export const connlimitMatch = defineModule({
  name: 'connlimit',
  kind: 'match',
  options: [
    { names: ['--connlimit-upto'], invert: true, excl: ['--connlimit-above'] },
    { names: ['--connlimit-above'], invert: true, excl: ['--connlimit-upto'] },
    { names: ['--connlimit-mask'] },
    { names: ['--connlimit-saddr'], arity: 0, excl: ['--connlimit-daddr'] },
    { names: ['--connlimit-daddr'], arity: 0, excl: ['--connlimit-saddr'] },
  ],
  canon(o: Opts, ctx: CanonContext) {
    const up = o.get('--connlimit-upto')
    const above = o.get('--connlimit-above')
    const x = up ?? above
    if (!x) {
      return ctx.fail(
        'you must specify "--connlimit-above" or "--connlimit-upto"',
        undefined,
        'add --connlimit-above N',
      )
    }
    const limit = uint('connlimit', x, ctx, 32)
    const isUpto = up ? !up.negated : above?.negated === true
    const m = o.get('--connlimit-mask')
    const len = m
      ? maskToCidr(
          plenToMask(plen('connlimit', m, arg(m), ctx.family, ctx), ctx.family),
          ctx.family,
        )
      : -1
    const bits = len >= 0 ? len : ctx.family === 4 ? 32 : 128
    return [
      opt(isUpto ? '--connlimit-upto' : '--connlimit-above', [String(limit)]),
      opt('--connlimit-mask', [String(bits)]),
      opt(o.has('--connlimit-daddr') ? '--connlimit-daddr' : '--connlimit-saddr'),
    ]
  },
})
