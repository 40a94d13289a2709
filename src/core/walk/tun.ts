/**
 * @module core/walk/tun
 * flannel's UDP backend: `flannel0` is a TUN device read by flanneld. A packet routed into it
 * is read by the daemon, which looks up the node leasing the destination's subnet (its
 * `route:<subnet>` config entries) and sends the packet as the payload of a UDP datagram from
 * its own socket: the outer packet takes the node's OUTPUT path. The remote flanneld receives
 * it on the same port and writes the inner packet into its `flannel0`, where the IP layer
 * receives it as input on flannel0, so rp_filter checks the inner source against flannel0
 * (kernel-lab §9b: strict rp_filter drops an underlay source that routes back out of eth0).
 *
 * Outer header: 28 bytes (IPv4 20, UDP 8); both ports are flanneld's (8285 by default).
 */
import type { Daemon, Link } from '../model/netns.js'
import { type Packet, PROTO } from '../model/packet.js'
import { cidrContains, parseAddr, parseCidr } from '../net/ip.js'
import { hopPacket, type WalkCtx } from './context.js'
import type { Outcome } from './types.js'
import { type HopBase, ipIn, recordHop, sendPacket } from './walk.js'

export const FLANNEL_UDP_OVERHEAD = 28

function flanneld(ctx: WalkCtx, netns: string): Daemon | undefined {
  return ctx.world.netns(netns).daemons?.find((d) => d.kind === 'flanneld-udp')
}

/** The node address leasing the subnet that holds `dst` (`route:<subnet>` → node IP). */
function remoteFor(d: Daemon, dst: string): string | undefined {
  const a = parseAddr(dst)
  if (!a) return undefined
  for (const [k, v] of Object.entries(d.config)) {
    if (!k.startsWith('route:')) continue
    const c = parseCidr(k.slice('route:'.length))
    if (c && cidrContains(c, a)) return String(v)
  }
  return undefined
}

export function tunEgress(
  ctx: WalkCtx,
  netns: string,
  link: Link,
  pkt: Packet,
  base: HopBase,
): Outcome {
  const d = flanneld(ctx, netns)
  if (!d || String(d.config.device) !== link.name) {
    recordHop(ctx, base, pkt)
    return {
      kind: 'dropped',
      netns,
      where: link.name,
      reason: `no process reads the tun device ${link.name}`,
    }
  }
  const remote = remoteFor(d, pkt.dst)
  recordHop(ctx, { ...base, notes: [...(base.notes ?? []), `read by ${d.name}`] }, pkt)
  if (remote === undefined)
    return {
      kind: 'dropped',
      netns,
      where: d.name,
      reason: `${d.name}: no subnet lease holds ${pkt.dst}`,
    }
  const port = Number(d.config.port ?? 8285)
  const outer: Packet = {
    family: 4,
    src: String(d.config.local),
    dst: remote,
    proto: PROTO.udp,
    sport: port,
    dport: port,
    ttl: 64,
    length: pkt.length + FLANNEL_UDP_OVERHEAD,
    mark: 0,
  }
  const encap = `${d.name} udp: ${outer.src}:${port} > ${remote}:${port}`
  const tunnel = { type: 'udp', inner: hopPacket(pkt) } as const
  recordHop(ctx, { netns, kind: 'encap', inIface: link.name, encap, tunnel, netfilter: [] }, outer)
  ctx.tunnels.push({ vni: -1, port, frame: { pkt } })
  return sendPacket(ctx, netns, outer)
}

/** A datagram delivered to flanneld's port: write the inner packet into its TUN device. */
export function tunDecap(ctx: WalkCtx, netns: string, pkt: Packet): Outcome | undefined {
  const top = ctx.tunnels.at(-1)
  const d = flanneld(ctx, netns)
  if (pkt.proto !== PROTO.udp || !top || top.vni !== -1 || !d) return undefined
  if (Number(d.config.port ?? 8285) !== pkt.dport || top.port !== pkt.dport) return undefined
  ctx.tunnels.pop()
  const dev = String(d.config.device)
  const encap = `${d.name} udp from ${pkt.src}:${pkt.sport ?? 0}: written into ${dev}`
  recordHop(ctx, { netns, kind: 'decap', inIface: dev, encap, netfilter: [] }, top.frame.pkt)
  return ipIn(ctx, netns, dev, top.frame)
}
