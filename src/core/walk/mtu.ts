/**
 * @module core/walk/mtu
 * The MTU a forwarded packet is held to (ip_dst_mtu_maybe_forward with forwarding = true): the
 * route's `mtu` metric when it has one, else the output device's MTU; the device's MTU caps it.
 */
import type { Packet } from '../model/packet.js'
import { lookupRoute } from '../route/index.js'
import type { WalkCtx } from './context.js'

export function forwardMtu(ctx: WalkCtx, netns: string, dev: string, pkt: Packet): number {
  const link = ctx.link(netns, dev)
  const devMtu = link?.mtu ?? Number.POSITIVE_INFINITY
  const r = lookupRoute(ctx.world.netns(netns), {
    dst: pkt.dst,
    oif: dev,
    input: false,
    anySource: true,
    mark: pkt.mark,
  })
  return Math.min(r.mtu ?? devMtu, devMtu)
}

/** ip_exceeds_mtu: too big for `mtu` and not allowed to be fragmented. */
export function exceedsMtu(pkt: Packet, mtu: number): boolean {
  return pkt.length > mtu && pkt.df === true
}
