/**
 * @module core/netfilter/xt/modules/extra/osf
 * `-m osf` (libxt_osf, IPv4): passive OS fingerprinting by `--genre`. iptables-save prints the
 * genre with `%s`, unquoted even when it holds a space (so such a rule does not restore as
 * written); kpath keeps the value as one string and prints it the same way. The kernel needs
 * `-p tcp`.
 */
import type { XtOption } from '../../../rule.js'
import { type CanonContext, opt } from '../../types.js'
import { defineModule } from './lib/define.js'
import type { Opts } from './lib/options.js'
import { str, uint } from './lib/xtopt.js'

export const osfMatch = defineModule({
  name: 'osf',
  kind: 'match',
  families: [4],
  options: [
    { names: ['--genre'], invert: true, mand: true },
    { names: ['--ttl'] },
    { names: ['--log'] },
  ],
  canon(o: Opts, ctx: CanonContext) {
    const g = o.get('--genre')
    if (!g) return []
    if (ctx.proto?.number !== 6 || ctx.proto.negated) {
      ctx.fail(
        'osf: the kernel refuses this match in a rule without -p tcp',
        g,
        'add -p tcp to the rule',
      )
    }
    const out: XtOption[] = [opt('--genre', [str(g, ctx, { size: 32 })], g.negated)]
    for (const n of ['--ttl', '--log']) {
      const x = o.get(n)
      if (x) out.push(opt(n, [String(uint('osf', x, ctx, 32, 0n, 2n))]))
    }
    return out
  },
})
