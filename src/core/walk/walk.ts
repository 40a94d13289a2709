/**
 * @module core/walk/walk
 * The hop-by-hop walk of one packet: a socket sends it, each namespace's IP layer receives,
 * routes and filters it, devices carry it to the next namespace (veth to its peer, a bridge to
 * a port, a tunnel to the remote end), until a socket receives it, something drops it, or it
 * leaves the modelled world. Every step is recorded as a {@link Hop}.
 */

import type { Packet } from '../model/packet.js'
import { withPacket } from '../model/packet.js'
import { bridgeIn, bridgeOut } from './bridge.js'
import { hopPacket, type RouteText, type WalkCtx } from './context.js'
import { deliver } from './deliver.js'
import { type Frame, isGroupMac, macs, sameMac } from './frame.js'
import { ipipEgress } from './ipip.js'
import { type L3Result, receiveIp, sendFromSocket } from './l3.js'
import { macvlanEgress, macvlanOwning } from './macvlan.js'
import { deviceRoute } from './mtu.js'
import { resolveMac } from './neighbour.js'
import { tunEgress } from './tun.js'
import type { Hop, Outcome } from './types.js'
import { vxlanEgress } from './vxlan.js'

/** The parts of a hop known before the packet leaves. */
export type HopBase = Omit<Hop, 'packet' | 'notes'> & { readonly notes?: readonly string[] }

export function recordHop(
  ctx: WalkCtx,
  base: HopBase,
  pkt: Packet,
  extra: Partial<Hop> = {},
): void {
  ctx.record({ ...base, notes: base.notes ?? [], packet: hopPacket(pkt), ...extra })
}

const dropped = (netns: string, where: string, reason: string): Outcome => ({
  kind: 'dropped',
  netns,
  where,
  reason,
})

/** Continue from the IP layer's answer: deliver, forward out of a device, or stop. */
export function afterIp(
  ctx: WalkCtx,
  netns: string,
  r: L3Result,
  base: HopBase,
  pkt: Packet,
): Outcome {
  const b = { ...base, netfilter: r.lines }
  if (r.kind === 'dropped') {
    recordHop(ctx, b, pkt)
    if (r.answer) ctx.answer = { netns, ...r.answer }
    return dropped(netns, r.where, r.reason)
  }
  if (r.kind === 'local') {
    recordHop(ctx, b, r.pkt)
    return deliver(ctx, netns, r.pkt)
  }
  if (r.kind === 'forward') return egress(ctx, netns, r.outIface, r.pkt, b)
  recordHop(ctx, b, r.pkt)
  return dropped(netns, 'bridge', 'a bridged verdict outside a bridge')
}

/** A socket in `netns` sends `pkt`. */
export function sendPacket(ctx: WalkCtx, netns: string, pkt: Packet): Outcome {
  ctx.tick(netns)
  const r = sendFromSocket(ctx, netns, pkt)
  return afterIp(ctx, netns, r, { netns, kind: 'send', netfilter: [] }, pkt)
}

/** The IP layer of `netns` receives a frame on `iface` (physIn: the bridge port it came by). */
export function ipIn(
  ctx: WalkCtx,
  netns: string,
  iface: string,
  f: Frame,
  physIn?: string,
): Outcome {
  // Whatever arrives here came from another namespace or out of a tunnel: mark 0.
  const pkt = withPacket(f.pkt, {
    inIface: iface,
    mark: 0,
    ...(physIn === undefined ? {} : { physIn }),
  })
  const r = receiveIp(ctx, netns, pkt)
  const base: HopBase = {
    netns,
    kind: 'ip',
    inIface: iface,
    ...(physIn === undefined ? {} : { physIn }),
    ...macs(f),
    netfilter: [],
  }
  return afterIp(ctx, netns, r, base, f.pkt)
}

/** A frame arrives on `iface` of `netns` (from a veth peer or a bridge port). */
export function receiveFrame(ctx: WalkCtx, netns: string, iface: string, wire: Frame): Outcome {
  ctx.tick(`${netns} ${iface}`)
  const link = ctx.link(netns, iface)
  if (!link?.up) return dropped(netns, iface, `${iface} is missing or down`)
  // Crossing into another namespace scrubs skb->mark (__dev_forward_skb → skb_scrub_packet).
  const f = wire.pkt.mark === 0 ? wire : { ...wire, pkt: withPacket(wire.pkt, { mark: 0 }) }
  // A macvlan parent's rx_handler hands a frame for a child's MAC to that child.
  const child = macvlanOwning(ctx, netns, iface, f.dstMac)
  if (child) return receiveFrame(ctx, child.netns, child.iface, f)
  if (link.master !== undefined) return bridgeIn(ctx, netns, link.master, iface, f)
  if (f.dstMac === undefined || sameMac(f.dstMac, link.mac) || isGroupMac(f.dstMac))
    return ipIn(ctx, netns, iface, f)
  return dropped(netns, iface, `frame for ${f.dstMac} is not for ${iface} (PACKET_OTHERHOST)`)
}

/** `ip route get`'s line for the route a packet leaving by `dev` takes. */
/**
 * The output route a hop shows, looked up once per World for each namespace, destination,
 * device and mark (routing state is static; every branch of every trace crosses the same
 * hops).
 */
function routeText(ctx: WalkCtx, netns: string, pkt: Packet, dev: string): RouteText {
  const key = `${netns}\0${pkt.dst}\0${dev}\0${pkt.mark}`
  let t = ctx.world.routeTexts.get(key)
  if (t === undefined) {
    t = lookupRouteText(ctx, netns, pkt, dev)
    ctx.world.routeTexts.set(key, t)
  }
  return t
}

function lookupRouteText(ctx: WalkCtx, netns: string, pkt: Packet, dev: string): RouteText {
  const r = deviceRoute(ctx, netns, dev, pkt)
  const text = [
    pkt.dst,
    r.via ? `via ${r.via}` : '',
    `dev ${r.dev ?? dev}`,
    r.src ? `src ${r.src}` : '',
  ]
  return { text: text.filter((x) => x !== '').join(' '), via: r.via, mtu: r.mtu }
}

/** The packet leaves `netns` by `dev`: MTU, next-hop MAC, then the device carries it. */
export function egress(
  ctx: WalkCtx,
  netns: string,
  dev: string,
  pkt: Packet,
  base: HopBase,
): Outcome {
  const link = ctx.link(netns, dev)
  const b: HopBase = { ...base, outIface: dev }
  if (!link) {
    recordHop(ctx, b, pkt)
    return dropped(netns, dev, `no device ${dev}`)
  }
  const route = routeText(ctx, netns, pkt, dev)
  const mtu = Math.min(route.mtu ?? link.mtu, link.mtu)
  const big = pkt.length > mtu
  const rb: HopBase = {
    ...b,
    route: route.text,
    ...(big ? { notes: [...(b.notes ?? []), `fragmented: ${pkt.length} bytes > mtu ${mtu}`] } : {}),
  }
  if (big && pkt.df) {
    // ip_forward / ip_fragment: too big with DF set: ICMP fragmentation needed (RFC 1191).
    recordHop(ctx, rb, pkt)
    return dropped(netns, dev, `fragmentation needed: ${pkt.length} bytes > mtu ${mtu} of ${dev}`)
  }
  if (link.kind === 'vxlan') return vxlanEgress(ctx, netns, link, pkt, rb, route.via ?? pkt.dst)
  if (link.kind === 'tun' && link.tun?.mode !== 'tap') return tunEgress(ctx, netns, link, pkt, rb)
  if (link.kind === 'ipip') return ipipEgress(ctx, netns, link, pkt, rb, route.via)
  if (link.kind === 'macvlan') return macvlanEgress(ctx, netns, link, pkt, rb, route.via ?? pkt.dst)
  if (link.kind !== 'veth' && link.kind !== 'bridge' && link.kind !== 'ether') {
    recordHop(ctx, rb, pkt)
    return dropped(netns, dev, `sending by a ${link.kind} device is not modelled by the walk yet`)
  }
  const nextHop = route.via ?? pkt.dst
  const m = resolveMac(ctx, netns, dev, nextHop, pkt.src)
  if (!m.ok) {
    recordHop(ctx, { ...rb, arp: m.text }, pkt)
    return dropped(netns, dev, m.text)
  }
  const f: Frame = {
    pkt,
    ...(link.mac ? { srcMac: link.mac } : {}),
    ...(m.mac ? { dstMac: m.mac } : {}),
  }
  recordHop(ctx, { ...rb, arp: m.text, ...macs(f) }, pkt)
  if (link.kind === 'bridge') return bridgeOut(ctx, netns, dev, f)
  if (!link.peer) return { kind: 'left', netns, iface: dev }
  return receiveFrame(ctx, link.peer.netns, link.peer.name, f)
}
