/**
 * @module core/netfilter/engine/matches/ipvs
 * `-m ipvs` (xt_ipvs.c): whether IPVS handled the packet. IPVS itself is modelled by the IPVS
 * work; until a packet carries IPVS state, only `--ipvs` / `! --ipvs` can be answered: no packet
 * has been through IPVS.
 */
import type { Rule, XtMatch } from '../../rule.js'
import type { Matcher } from '../compiled.js'
import { Opts } from './options.js'

export function compileIpvs(m: XtMatch, rule: Rule): Matcher[] {
  const o = new Opts('ipvs', m.options, rule)
  const opt = o.get('--ipvs')
  for (const n of o.names()) {
    if (n !== '--ipvs')
      throw o.unsupported(`ipvs option ${n} needs IPVS state, which this trace has not modelled`)
  }
  return opt ? [() => opt.negated] : []
}
