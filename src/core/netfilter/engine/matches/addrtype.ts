/**
 * @module core/netfilter/engine/matches/addrtype
 * `-m addrtype` (xt_addrtype.c): the route type of an address. kube-proxy's
 * `--dst-type LOCAL` is what sends NodePort traffic to KUBE-NODEPORTS. With
 * `--limit-iface-in/out` the lookup is restricted to the packet's device.
 */
import type { Rule, XtMatch } from '../../rule.js'
import type { Matcher } from '../compiled.js'
import type { PacketState } from '../state.js'
import { Opts } from './options.js'

export function compileAddrtype(m: XtMatch, rule: Rule): Matcher[] {
  const o = new Opts('addrtype', m.options, rule)
  o.only(['--src-type', '--dst-type', '--limit-iface-in', '--limit-iface-out'])
  const dev = (s: PacketState) =>
    o.has('--limit-iface-in')
      ? (s.pkt.inIface ?? '')
      : o.has('--limit-iface-out')
        ? (s.pkt.outIface ?? '')
        : undefined
  const out: Matcher[] = []
  for (const [name, field] of [
    ['--src-type', 'src'],
    ['--dst-type', 'dst'],
  ] as const) {
    const opt = o.get(name)
    if (!opt) continue
    const types = new Set((opt.values[0] ?? '').split(','))
    out.push((s) => types.has(s.env.addrType(s.pkt[field], dev(s))) !== opt.negated)
  }
  return out
}
