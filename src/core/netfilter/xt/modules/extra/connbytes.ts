/**
 * @module core/netfilter/xt/modules/extra/connbytes
 * `-m connbytes` (libxt_connbytes): bytes, packets or average packet size a connection has seen
 * so far. The range is stored with its ends swapped when negated, and printed back as
 * `! --connbytes from[:to]`; an open upper end (the default) is not printed. The save order is
 * `--connbytes`, `--connbytes-mode`, `--connbytes-dir`, whatever the order written.
 */
import { type CanonContext, opt } from '../../types.js'
import { UINT64_MAX } from './lib/cnum.js'
import { defineModule } from './lib/define.js'
import type { Opts } from './lib/options.js'
import { arg, uintRange } from './lib/xtopt.js'

const DIRS = ['original', 'reply', 'both']
const MODES = ['packets', 'bytes', 'avgpkt']

export const connbytesMatch = defineModule({
  name: 'connbytes',
  kind: 'match',
  options: [
    { names: ['--connbytes'], invert: true, mand: true },
    { names: ['--connbytes-dir'], mand: true },
    { names: ['--connbytes-mode'], mand: true },
  ],
  canon(o: Opts, ctx: CanonContext) {
    const c = o.get('--connbytes')
    const dir = o.get('--connbytes-dir')
    const mode = o.get('--connbytes-mode')
    if (!c || !dir || !mode) return []
    const vals = uintRange('connbytes', c, ctx, 64)
    const from = vals[0] ?? 0n
    const to = vals.length === 2 ? (vals[1] as bigint) : UINT64_MAX
    if (to < from) ctx.fail(`${from} should be less than ${to}`, c, 'write the smaller count first')
    if (!DIRS.includes(arg(dir)))
      ctx.fail(`unknown --connbytes-dir \`${arg(dir)}'`, dir, `use ${DIRS.join(', ')}`)
    if (!MODES.includes(arg(mode)))
      ctx.fail(`unknown --connbytes-mode \`${arg(mode)}'`, mode, `use ${MODES.join(', ')}`)
    const range = to !== 0n && to < UINT64_MAX ? `${from}:${to}` : String(from)
    return [
      opt('--connbytes', [range], c.negated),
      opt('--connbytes-mode', [arg(mode)]),
      opt('--connbytes-dir', [arg(dir)]),
    ]
  },
})
