/**
 * @module core/walk/ipip
 * IPv4-in-IPv4 tunnels (net/ipv4/ipip.c on net/ipv4/ip_tunnel.c): Calico's `tunl0` and
 * kube-router's point-to-point `tun-<ip>`.
 *
 * Sending (ip_tunnel_xmit): the inner packet gets a 20-byte IPv4 header, protocol 4.
 * - destination: the tunnel's `remote`; a tunnel without one (tunl0, "NBMA") takes the next
 *   hop of the route that sent the packet into it (`rt_nexthop`: the `via` of
 *   `… via 172.16.2.77 dev tunl0 onlink`, else the inner destination);
 * - source: the tunnel's `local`, else what the outer route selects (ip_route_output with
 *   saddr 0, oif the tunnel's `dev`);
 * - TTL: the tunnel's `ttl`, or the inner TTL when it is 0 / unset ("ttl inherit");
 * - DF: set with pmtudisc, and copied from the inner header otherwise;
 * - skb->mark survives (skb_scrub_packet clears it only across namespaces); conntrack does not.
 * The outer packet then leaves through the namespace's own OUTPUT path (iptunnel_xmit →
 * ip_local_out). An outer route back into the tunnel itself is a local routing loop (dropped).
 *
 * Receiving (ipip_rcv → ip_tunnel_lookup): after INPUT, the namespace picks an ipip device
 * that is up, in the kernel's order: local and remote both equal to the outer destination and
 * source; then remote equal and local any; then local equal and remote any; then the fallback
 * device `tunl0` (any/any). A p2p `tun-X` therefore only takes packets from its remote, tunl0
 * from anybody. Nothing matching: tunnel4_rcv answers ICMP port unreachable and drops it. The
 * inner packet is received by the IP layer on the tunnel device (PREROUTING, rp_filter against
 * the tunnel device), its TTL unchanged.
 */
import type { Link } from '../model/netns.js'
import { type Packet, withPacket } from '../model/packet.js'
import { lookupRoute } from '../route/index.js'
import { hopPacket, type WalkCtx } from './context.js'
import type { HopTunnel, Outcome } from './types.js'
import { type HopBase, ipIn, recordHop, sendPacket } from './walk.js'

export const IPIP_OVERHEAD = 20
/** IPPROTO_IPIP. */
export const PROTO_IPIP = 4

const dropped = (netns: string, where: string, reason: string): Outcome => ({
  kind: 'dropped',
  netns,
  where,
  reason,
})

/** The outer header for `pkt` sent into `link` by a route with next hop `via`. */
function outerFor(ctx: WalkCtx, netns: string, link: Link, pkt: Packet, via: string | undefined) {
  const t = link.iptun ?? {}
  const dst = t.remote ?? via ?? pkt.dst
  const r = lookupRoute(ctx.world.netns(netns), {
    dst,
    input: false,
    ...(t.dev === undefined ? {} : { oif: t.dev }),
    ...(t.local === undefined ? {} : { src: t.local }),
  })
  const src = t.local ?? r.src
  const ttl = t.ttl === undefined || t.ttl === 0 ? pkt.ttl : t.ttl
  const df = t.pmtudisc !== false || pkt.df === true
  const outer: Packet = {
    family: 4,
    src: src ?? '0.0.0.0',
    dst,
    proto: PROTO_IPIP,
    ttl,
    length: pkt.length + IPIP_OVERHEAD,
    mark: pkt.mark,
    ...(df ? { df: true } : {}),
    ...(pkt.tos === undefined ? {} : { tos: pkt.tos }),
  }
  return { outer, route: r, haveSrc: src !== undefined }
}

/** A packet routed into ipip device `link`: wrap it and send the outer packet. */
export function ipipEgress(
  ctx: WalkCtx,
  netns: string,
  link: Link,
  pkt: Packet,
  base: HopBase,
  via: string | undefined,
): Outcome {
  recordHop(ctx, base, pkt)
  const { outer, route, haveSrc } = outerFor(ctx, netns, link, pkt, via)
  if (route.error !== undefined || !haveSrc)
    return dropped(netns, link.name, `ipip: no route to the tunnel end ${outer.dst}`)
  if (route.dev === link.name)
    return dropped(netns, link.name, `ipip: ${outer.dst} routes back into ${link.name} (loop)`)
  const ttl = link.iptun?.ttl ? `ttl ${outer.ttl}` : `ttl inherit (${outer.ttl})`
  const encap = `ipip ${link.name}: ${outer.src} > ${outer.dst}, ${ttl}${outer.df ? ', DF' : ''}`
  const tunnel: HopTunnel = { type: 'ipip', inner: hopPacket(pkt) }
  recordHop(ctx, { netns, kind: 'encap', outIface: link.name, encap, tunnel, netfilter: [] }, outer)
  ctx.tunnels.push({ vni: -PROTO_IPIP, port: 0, frame: { pkt } })
  return sendPacket(ctx, netns, outer)
}

/** ip_tunnel_lookup: the ipip device of `netns` that takes a packet from `src` to `dst`. */
export function ipipDevice(links: readonly Link[], src: string, dst: string): Link | undefined {
  const up = links.filter((l) => l.kind === 'ipip' && l.up)
  const local = (l: Link) => l.iptun?.local
  const remote = (l: Link) => l.iptun?.remote
  return (
    up.find((l) => local(l) === dst && remote(l) === src) ??
    up.find((l) => remote(l) === src && local(l) === undefined) ??
    up.find((l) => local(l) === dst && remote(l) === undefined) ??
    up.find((l) => l.name === 'tunl0' && local(l) === undefined && remote(l) === undefined)
  )
}

/** A protocol-4 packet delivered locally: decapsulate onto the matching ipip device. */
export function ipipDecap(ctx: WalkCtx, netns: string, pkt: Packet): Outcome | undefined {
  const top = ctx.tunnels.at(-1)
  if (pkt.proto !== PROTO_IPIP || !top || top.vni !== -PROTO_IPIP) return undefined
  ctx.tunnels.pop()
  const dev = ipipDevice(ctx.world.netns(netns).links, pkt.src, pkt.dst)
  if (!dev) {
    const reason = `no ipip device takes ${pkt.src} > ${pkt.dst} (tunnel4_rcv: ICMP port unreachable)`
    return dropped(netns, 'ipip', reason)
  }
  const inner = top.frame.pkt
  const encap = `ipip ${dev.name} from ${pkt.src}`
  recordHop(ctx, { netns, kind: 'decap', inIface: dev.name, encap, netfilter: [] }, inner)
  // The outer skb came off the wire with mark 0, and the inner one is that skb.
  return ipIn(ctx, netns, dev.name, { pkt: withPacket(inner, { mark: 0 }) })
}
