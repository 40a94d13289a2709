/**
 * @module core/netfilter/xt/modules/extra/devgroup-realm
 * `value[/mask]` matches whose values have names in iproute2's tables: `-m devgroup`
 * (`--src-group`, `--dst-group`; /etc/iproute2/group) and `-m realm` (IPv4, /etc/iproute2/rt_realms).
 * iptables-save prints `0xV/0xM`, or the name of V when the mask is all ones and V has one,
 * else `0xV`. With the stock tables only group 0 (`default`) and realm 0 (`cosmos`) have names.
 * xt_devgroup refuses `--src-group` in OUTPUT/POSTROUTING and `--dst-group` in PREROUTING/INPUT;
 * that hook check is not modelled.
 */
import { type CanonContext, opt } from '../../types.js'
import { defineModule } from './lib/define.js'
import { DEVGROUPS, REALMS } from './lib/names.js'
import type { Opts } from './lib/options.js'
import { formatValMask, valMask } from './lib/xtopt.js'

export const devgroupMatch = defineModule({
  name: 'devgroup',
  kind: 'match',
  options: [
    { names: ['--src-group'], invert: true },
    { names: ['--dst-group'], invert: true },
  ],
  canon(o: Opts, ctx: CanonContext) {
    if (o.list.length === 0) {
      return ctx.fail(
        "devgroup match: you must specify either '--src-group' or '--dst-group'",
        undefined,
        'add --src-group or --dst-group',
      )
    }
    const out = []
    for (const name of ['--src-group', '--dst-group']) {
      const g = o.get(name)
      if (!g) continue
      const { val, mask } = valMask('devgroup', g, ctx, DEVGROUPS)
      out.push(opt(name, [formatValMask(val, mask, DEVGROUPS)], g.negated))
    }
    return out
  },
})

export const realmMatch = defineModule({
  name: 'realm',
  kind: 'match',
  families: [4],
  options: [{ names: ['--realm'], invert: true, mand: true }],
  canon(o: Opts, ctx: CanonContext) {
    const r = o.get('--realm')
    if (!r) return []
    const { val, mask } = valMask('realm', r, ctx, REALMS)
    return [opt('--realm', [formatValMask(val, mask, REALMS)], r.negated)]
  },
})
