/**
 * @module core/walk/mtu
 * The MTU a forwarded packet is held to (ip_dst_mtu_maybe_forward with forwarding = true): the
 * route's `mtu` metric when it has one, else the output device's MTU; the device's MTU caps it.
 * The route is the output lookup bound to the egress device, which the walk's route text shares.
 */
import type { Packet } from '../model/packet.js'
import { lookupRoute, type RouteResult } from '../route/index.js'
import type { WalkCtx } from './context.js'

/**
 * The output route of `pkt` bound to `dev` (an output lookup with the oif set and any source,
 * as the walk does once the egress device is known), under the packet's mark.
 */
export function deviceRoute(ctx: WalkCtx, netns: string, dev: string, pkt: Packet): RouteResult {
  return lookupRoute(ctx.world.netns(netns), {
    dst: pkt.dst,
    oif: dev,
    input: false,
    anySource: true,
    mark: pkt.mark,
  })
}

export function forwardMtu(ctx: WalkCtx, netns: string, dev: string, pkt: Packet): number {
  const link = ctx.link(netns, dev)
  const devMtu = link?.mtu ?? Number.POSITIVE_INFINITY
  const r = deviceRoute(ctx, netns, dev, pkt)
  return Math.min(r.mtu ?? devMtu, devMtu)
}

/** ip_exceeds_mtu: too big for `mtu` and not allowed to be fragmented. */
export function exceedsMtu(pkt: Packet, mtu: number): boolean {
  return pkt.length > mtu && pkt.df === true
}
