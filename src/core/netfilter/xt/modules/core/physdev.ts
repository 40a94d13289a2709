/**
 * @module core/netfilter/xt/modules/core/physdev
 * `-m physdev` (libxt_physdev.c): the bridge ports of a bridged packet (br_netfilter). Port
 * names keep a trailing `+` wildcard and are limited like interface names (15 characters).
 */
import type { XtOption } from '../../../rule.js'
import type { CanonContext, RawOption, XtModule } from '../../types.js'
import { byName, spec, value } from './common.js'

const ORDER = [
  '--physdev-is-in',
  '--physdev-in',
  '--physdev-is-out',
  '--physdev-out',
  '--physdev-is-bridged',
]

export const physdevMatch: XtModule = {
  name: 'physdev',
  kind: 'match',
  options: [
    spec('--physdev-in', 1, true),
    spec('--physdev-out', 1, true),
    spec('--physdev-is-in', 0, true),
    spec('--physdev-is-out', 0, true),
    spec('--physdev-is-bridged', 0, true),
  ],
  canonicalize(raw: readonly RawOption[], ctx: CanonContext) {
    const got = byName('physdev', raw, ctx)
    if (got.size === 0) ctx.fail('PHYSDEV: no physdev option specified')
    const out: XtOption[] = []
    for (const n of ORDER) {
      const o = got.get(n)
      if (!o) continue
      if (o.values.length > 0 && value(o).length > 15) {
        ctx.fail(`interface name "${value(o)}" must be shorter than IFNAMSIZ (15)`, o)
      }
      out.push({ name: n, negated: o.negated, values: o.values })
    }
    return out
  },
}
