/**
 * @module core/netfilter/engine/matches/nfacct
 * `-m nfacct --nfacct-name NAME` (xt_nfacct.c): always matches, and counts the packet in the
 * named accounting object. kube-proxy counts dropped invalid packets this way.
 */
import type { Rule, XtMatch } from '../../rule.js'
import type { Matcher } from '../compiled.js'
import { Opts } from './options.js'

export function compileNfacct(m: XtMatch, rule: Rule): Matcher[] {
  const o = new Opts('nfacct', m.options, rule)
  o.only(['--nfacct-name'])
  const name = o.value('--nfacct-name') ?? ''
  return [
    (s) => {
      const c = s.rt.nfacct.get(name) ?? { packets: 0n, bytes: 0n }
      s.rt.nfacct.set(name, { packets: c.packets + 1n, bytes: c.bytes + BigInt(s.pkt.length) })
      return true
    },
  ]
}
