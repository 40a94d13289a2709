/**
 * @module core/netfilter/engine/targets/notrack
 * NOTRACK and CT --notrack (xt_CT.c) in the raw table: the packet gets the untracked template,
 * so conntrack skips it, NAT never sees it, and `--ctstate UNTRACKED` matches it.
 */
import type { Rule, XtTarget } from '../../rule.js'
import type { TargetResult } from '../compiled.js'
import { Opts } from '../matches/options.js'
import type { PacketState } from '../state.js'

export function compileNotrackTarget(t: XtTarget, rule: Rule): (s: PacketState) => TargetResult {
  const o = new Opts(t.name, t.options, rule)
  if (t.name === 'CT') o.only(['--notrack'])
  if (t.name === 'CT' && !o.has('--notrack'))
    throw o.unsupported('CT without --notrack is not modelled')
  return (s) => {
    s.ct = { conn: undefined, dir: 'original', info: 'UNTRACKED' }
    return { kind: 'continue' }
  }
}
