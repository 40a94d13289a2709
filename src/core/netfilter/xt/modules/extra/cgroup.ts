/**
 * @module core/netfilter/xt/modules/extra/cgroup
 * `-m cgroup` (libxt_cgroup revision 2): the socket's cgroup v2 `--path` (printed with
 * `xtables_save_string`, so `/` comes back as `"/"`) or its net_cls `--cgroup` class id (printed
 * in decimal). The kernel wants exactly one of the two, and a path that exists on the host;
 * the existence check is not modelled.
 */
import type { XtOption } from '../../../rule.js'
import { type CanonContext, opt } from '../../types.js'
import { defineModule } from './lib/define.js'
import type { Opts } from './lib/options.js'
import { str, uint } from './lib/xtopt.js'

export const cgroupMatch = defineModule({
  name: 'cgroup',
  kind: 'match',
  options: [
    { names: ['--path'], invert: true },
    { names: ['--cgroup'], invert: true },
  ],
  canon(o: Opts, ctx: CanonContext) {
    const path = o.get('--path')
    const id = o.get('--cgroup')
    // xt_cgroup (revisions 1 and 2) refuses a rule with both or neither.
    if (!path === !id) {
      return ctx.fail(
        'cgroup: the kernel wants exactly one of --path and --cgroup',
        path ?? id,
        'give --path or --cgroup',
      )
    }
    const out: XtOption[] = []
    if (path) out.push(opt('--path', [str(path, ctx, { size: 512 })], path.negated, true))
    if (id) out.push(opt('--cgroup', [String(uint('cgroup', id, ctx, 32))], id.negated))
    return out
  },
})
