/**
 * @module core/netfilter/engine/matches/physdev
 * `-m physdev` (xt_physdev.c): the bridge ports of a bridged packet under br_netfilter. A packet
 * that is not being bridged matches only if every option it uses is negated.
 */
import type { Rule, XtMatch, XtOption } from '../../rule.js'
import type { Matcher } from '../compiled.js'
import { ifaceMatches } from '../header-match.js'
import type { PacketState } from '../state.js'
import { Opts } from './options.js'

function test(opt: XtOption, s: PacketState): boolean {
  const p = s.pkt
  switch (opt.name) {
    case '--physdev-in':
      return ifaceMatches({ name: opt.values[0] ?? '', negated: opt.negated }, p.physIn)
    case '--physdev-out':
      return ifaceMatches({ name: opt.values[0] ?? '', negated: opt.negated }, p.physOut)
    case '--physdev-is-in':
      return (p.physIn !== undefined) !== opt.negated
    case '--physdev-is-out':
      return (p.physOut !== undefined) !== opt.negated
    default:
      // --physdev-is-bridged: the packet will leave through a bridge port.
      return (p.physOut !== undefined) !== opt.negated
  }
}

export function compilePhysdev(m: XtMatch, rule: Rule): Matcher[] {
  const o = new Opts('physdev', m.options, rule)
  o.only([
    '--physdev-in',
    '--physdev-out',
    '--physdev-is-in',
    '--physdev-is-out',
    '--physdev-is-bridged',
  ])
  const opts = m.options
  return [
    (s) => {
      if (!s.pkt.bridged) return opts.every((x) => x.negated)
      return opts.every((x) => test(x, s))
    },
  ]
}
