/**
 * @module core/netfilter/xt/modules/extra/secmark
 * SELinux packet labels: `-j SECMARK --selctx CONTEXT` (libxt_SECMARK; printed with `%s`,
 * unquoted) and `-j CONNSECMARK --save|--restore`. SECMARK needs a kernel with an LSM that
 * understands the context, which the reference machine lacks: its save form here follows the
 * libxt_SECMARK source and is not verified against a live kernel. CONNSECMARK is only valid in
 * the mangle and security tables; that table check is not modelled.
 */
import { type CanonContext, opt } from '../../types.js'
import { defineModule } from './lib/define.js'
import type { Opts } from './lib/options.js'
import { str } from './lib/xtopt.js'

export const secmarkTarget = defineModule({
  name: 'SECMARK',
  kind: 'target',
  options: [{ names: ['--selctx'], mand: true }],
  canon(o: Opts, ctx: CanonContext) {
    const s = o.get('--selctx')
    return s ? [opt('--selctx', [str(s, ctx, { size: 256 })])] : []
  },
})

export const connsecmarkTarget = defineModule({
  name: 'CONNSECMARK',
  kind: 'target',
  options: [
    { names: ['--save'], arity: 0, excl: ['--restore'] },
    { names: ['--restore'], arity: 0, excl: ['--save'] },
  ],
  canon(o: Opts, ctx: CanonContext) {
    const x = o.list[0]
    if (!x)
      return ctx.fail(
        'CONNSECMARK target: parameter required',
        undefined,
        'add --save or --restore',
      )
    return [opt(x.canonical)]
  },
})
