/**
 * @module core/netfilter/engine/matches/set
 * `-m set --match-set NAME src,dst` (xt_set.c): membership in an ipset, with `nomatch`
 * elements excluding their prefix; `--return-nomatch` swaps the answers of nomatch-capable sets.
 */
import type { SetDir } from '../../../ipset/index.js'
import type { Rule, XtMatch } from '../../rule.js'
import type { Matcher } from '../compiled.js'
import { Opts } from './options.js'

export function compileSet(m: XtMatch, rule: Rule): Matcher[] {
  const o = new Opts('set', m.options, rule)
  o.only(['--match-set', '--return-nomatch', '--update-counters', '--update-subcounters'])
  for (const name of ['--update-counters', '--update-subcounters']) {
    const u = o.get(name)
    // Counters are not kept per element; only "do not update" (the negated form) is harmless.
    if (u && !u.negated) throw o.unsupported(`${name} is not modelled`)
  }
  const ms = o.get('--match-set')
  if (!ms) return []
  const [setName = '', dirText = ''] = ms.values
  const dirs = dirText.split(',') as SetDir[]
  const returnNomatch = o.has('--return-nomatch')
  return [
    (s) => {
      if (!s.rt.ipsets.has(setName)) {
        throw o.unsupported(`ipset ${setName} does not exist; load it with --ipset`)
      }
      // xt_set: --return-nomatch swaps the answers of a nomatch-capable set (a plain hit then
      // does not match), and inside a list:set the swap happens per member set; the db decides.
      return s.rt.ipsets.matchSet(setName, s.pkt, dirs, { returnNomatch }) !== ms.negated
    },
  ]
}
