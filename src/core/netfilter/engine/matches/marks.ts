/**
 * @module core/netfilter/engine/matches/marks
 * mark (skb->mark), connmark (ct->mark) and comment (always true).
 */
import type { Rule, XtMatch } from '../../rule.js'
import type { Matcher } from '../compiled.js'
import { Opts, parseValueMask } from './options.js'

export function compileMark(m: XtMatch, rule: Rule): Matcher[] {
  const o = new Opts('mark', m.options, rule)
  o.only(['--mark'])
  const opt = o.get('--mark')
  if (!opt) return []
  const { value, mask } = parseValueMask(opt.values[0] ?? '0')
  return [(s) => ((s.pkt.mark & mask) >>> 0 === value) !== opt.negated]
}

export function compileConnmark(m: XtMatch, rule: Rule): Matcher[] {
  const o = new Opts('connmark', m.options, rule)
  o.only(['--mark'])
  const opt = o.get('--mark')
  if (!opt) return []
  const { value, mask } = parseValueMask(opt.values[0] ?? '0')
  // xt_connmark: no conntrack entry means no match (before inversion).
  return [
    (s) => {
      const conn = s.ct?.conn
      if (!conn) return false
      return ((conn.mark & mask) >>> 0 === value) !== opt.negated
    },
  ]
}

export function compileComment(): Matcher[] {
  return []
}
