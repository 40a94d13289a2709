/**
 * @module core/netfilter/xt/modules/core/nfacct
 * `-m nfacct --nfacct-name NAME` (libxt_nfacct.c): counts into a named accounting object. The
 * save function prints the option followed by `xtables_save_string`, which adds its own space,
 * so iptables 1.8.9 shows two spaces before the name; the printer reproduces that.
 */
import type { CanonContext, RawOption, XtModule } from '../../types.js'
import { byName, mandatory, spec, value } from './common.js'

/** NFACCT_NAME_MAX (32) minus the NUL; longer names are cut by `xtopt_parse_string`. */
const MAX_NAME = 31

export const nfacctMatch: XtModule = {
  name: 'nfacct',
  kind: 'match',
  options: [spec('--nfacct-name')],
  canonicalize(raw: readonly RawOption[], ctx: CanonContext) {
    const o = mandatory('nfacct', byName('nfacct', raw, ctx), '--nfacct-name', ctx)
    const name = value(o)
    if (name.length === 0) ctx.fail('nfacct: the name must have at least 1 character', o)
    return [
      { name: '--nfacct-name', negated: false, values: [name.slice(0, MAX_NAME)], quote: true },
    ]
  },
}
