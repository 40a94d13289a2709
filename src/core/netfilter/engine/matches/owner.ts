/**
 * @module core/netfilter/engine/matches/owner
 * `-m owner` (xt_owner.c): the socket of a locally generated packet. With no socket the match
 * succeeds only when every test is negated, as the kernel does.
 */
import type { Rule, XtMatch } from '../../rule.js'
import type { Matcher } from '../compiled.js'
import { inRange, Opts, parseRange } from './options.js'

export function compileOwner(m: XtMatch, rule: Rule): Matcher[] {
  const o = new Opts('owner', m.options, rule)
  o.only(['--uid-owner', '--gid-owner', '--socket-exists'])
  const range = (t: string) => {
    const [a, b] = t.split('-')
    return parseRange(`${a}:${b ?? a}`, 0xffffffff)
  }
  return [
    (s) => {
      const p = s.pkt
      const hasSocket = p.uid !== undefined
      if (!hasSocket) return m.options.every((x) => x.negated)
      return m.options.every((x) => {
        if (x.name === '--socket-exists') return !x.negated
        const v = x.name === '--uid-owner' ? p.uid : p.gid
        return inRange(v, range(x.values[0] ?? '')) !== x.negated
      })
    },
  ]
}
