/**
 * @module core/netfilter/engine/matches/iprange
 * `-m iprange --src-range A-B / --dst-range A-B` (xt_iprange.c), inclusive, per family.
 */
import { parseAddr } from '../../../net/ip.js'
import type { Rule, XtMatch } from '../../rule.js'
import { packetAddrs } from '../addr-cache.js'
import type { Matcher } from '../compiled.js'
import { Opts } from './options.js'

export function compileIprange(m: XtMatch, rule: Rule): Matcher[] {
  const o = new Opts('iprange', m.options, rule)
  o.only(['--src-range', '--dst-range'])
  const out: Matcher[] = []
  for (const [name, field] of [
    ['--src-range', 'src'],
    ['--dst-range', 'dst'],
  ] as const) {
    const opt = o.get(name)
    if (!opt) continue
    const [a, b] = (opt.values[0] ?? '').split('-')
    const lo = parseAddr(a ?? '')
    const hi = parseAddr(b ?? a ?? '')
    if (!lo || !hi) throw o.unsupported(`bad range ${opt.values[0]}`)
    out.push((s) => {
      const x = packetAddrs(s.pkt)[field]
      const inside = x.family === lo.family && x.value >= lo.value && x.value <= hi.value
      return inside !== opt.negated
    })
  }
  return out
}
