/**
 * @module core/netfilter/xt/modules/extra/link
 * Link-layer matches: `-m mac` (libxt_mac; MAC printed in lower case, each byte two digits) and
 * `-m pkttype` (libxt_pkttype; aliases `host`, `bcast`, `mcast` print as their full names).
 * xt_mac is only valid in PREROUTING, INPUT and FORWARD; that hook check is not modelled.
 */
import { type CanonContext, opt } from '../../types.js'
import { defineModule } from './lib/define.js'
import type { Opts } from './lib/options.js'
import { arg, etherMac, formatMac } from './lib/xtopt.js'

export const macMatch = defineModule({
  name: 'mac',
  kind: 'match',
  options: [{ names: ['--mac-source'], invert: true, mand: true }],
  canon(o: Opts, ctx: CanonContext) {
    const m = o.get('--mac-source')
    if (!m) return []
    return [opt('--mac-source', [formatMac(etherMac(m, ctx))], m.negated)]
  },
})

/** Packet types by name (`PACKET_*` of linux/if_packet.h); `outgoing` is not accepted. */
const PKTTYPES: readonly (readonly [string, number])[] = [
  ['unicast', 0],
  ['broadcast', 1],
  ['multicast', 2],
  ['otherhost', 3],
  ['bcast', 1],
  ['mcast', 2],
  ['host', 0],
]

export const pkttypeMatch = defineModule({
  name: 'pkttype',
  kind: 'match',
  options: [{ names: ['--pkt-type'], invert: true, mand: true }],
  canon(o: Opts, ctx: CanonContext) {
    const t = o.get('--pkt-type')
    if (!t) return []
    const found = PKTTYPES.find(([n]) => n === arg(t).toLowerCase())
    if (!found)
      ctx.fail(`bad packet type '${arg(t)}'`, t, 'use unicast, broadcast, multicast or otherhost')
    const name = PKTTYPES.find(([, v]) => v === found[1])?.[0] as string
    return [opt('--pkt-type', [name], t.negated)]
  },
})
