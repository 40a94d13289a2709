/**
 * @module core/walk/vxlan
 * VXLAN (drivers/net/vxlan): a frame sent by a vxlan device is wrapped in UDP to the VTEP that
 * the device's FDB names for the inner destination MAC (flannel: a static `fdb … dst NODE`
 * entry and a permanent neighbour for the remote `flannel.1` address), or to the device's
 * default remote. The outer packet leaves through the namespace's own OUTPUT path
 * (udp_tunnel_xmit_skb → ip_local_out). The namespace that receives it on the VXLAN UDP port
 * hands the inner frame to its vxlan device with the same VNI and port.
 *
 * Outer header: 50 bytes (IPv4 20, UDP 8, VXLAN 8, inner Ethernet 14); UDP source port from a
 * hash of the inner flow in the ephemeral range (udp_flow_src_port); TTL the device's, else 64.
 */
import type { Link } from '../model/netns.js'
import { type Packet, PROTO } from '../model/packet.js'
import { lookupRoute } from '../route/index.js'
import { hopPacket, type WalkCtx } from './context.js'
import { type Frame, macs, sameMac } from './frame.js'
import { resolveMac } from './neighbour.js'
import type { HopTunnel, Outcome } from './types.js'
import { type HopBase, ipIn, recordHop, sendPacket } from './walk.js'

export const VXLAN_OVERHEAD = 50

function flowPort(p: Packet): number {
  const text = `${p.src}|${p.dst}|${p.proto}|${p.sport ?? 0}|${p.dport ?? 0}`
  let h = 2166136261
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619) >>> 0
  return 32768 + (h % (61000 - 32768))
}

export function vxlanEgress(
  ctx: WalkCtx,
  netns: string,
  link: Link,
  pkt: Packet,
  base: HopBase,
  nextHop: string,
): Outcome {
  const vx = link.vxlan
  const m = resolveMac(ctx, netns, link.name, nextHop, pkt.src)
  if (!vx || !m.ok || m.mac === undefined) {
    recordHop(ctx, { ...base, arp: m.text }, pkt)
    return {
      kind: 'dropped',
      netns,
      where: link.name,
      reason: m.ok ? `no MAC for ${nextHop}` : m.text,
    }
  }
  const inner: Frame = { pkt, ...(link.mac ? { srcMac: link.mac } : {}), dstMac: m.mac }
  const n = ctx.world.netns(netns)
  const vtep =
    n.fdb?.find((e) => e.dev === link.name && sameMac(e.mac, m.mac) && e.dst)?.dst ?? vx.remote
  recordHop(ctx, { ...base, arp: m.text, ...macs(inner) }, pkt)
  if (vtep === undefined)
    return {
      kind: 'dropped',
      netns,
      where: link.name,
      reason: `no VTEP in the fdb of ${link.name} for ${m.mac}`,
    }
  const src = vx.local ?? lookupRoute(n, { dst: vtep, input: false }).src ?? '0.0.0.0'
  const outer: Packet = {
    family: 4,
    src,
    dst: vtep,
    proto: PROTO.udp,
    sport: flowPort(pkt),
    dport: vx.port,
    ttl: vx.ttl ?? 64,
    length: pkt.length + VXLAN_OVERHEAD,
    // skb->mark survives the encapsulation (iptunnel_xmit → skb_scrub_packet clears it only
    // across namespaces): a mark the inner packet still carries marks the outer one's
    // connection (kube-proxy's 0x4000 then masquerades it in KUBE-POSTROUTING).
    mark: pkt.mark,
  }
  const encap = `vxlan vni ${vx.id}: ${src}:${outer.sport} > ${vtep}:${vx.port}, inner ${m.mac}`
  const tunnel: HopTunnel = {
    type: 'vxlan',
    vni: vx.id,
    inner: hopPacket(pkt),
    ...(inner.srcMac ? { innerSrcMac: inner.srcMac } : {}),
    innerDstMac: m.mac,
  }
  const hop = { netns, kind: 'encap', outIface: link.name, encap, tunnel, netfilter: [] } as const
  recordHop(ctx, hop, outer)
  ctx.tunnels.push({ vni: vx.id, port: vx.port, frame: inner })
  return sendPacket(ctx, netns, outer)
}

/** A UDP packet delivered locally to a VXLAN port: decapsulate onto the matching device. */
export function vxlanDecap(ctx: WalkCtx, netns: string, pkt: Packet): Outcome | undefined {
  const top = ctx.tunnels.at(-1)
  if (pkt.proto !== PROTO.udp || !top || top.vni < 0 || top.port !== pkt.dport) return undefined
  const dev = ctx.world
    .netns(netns)
    .links.find(
      (l) => l.kind === 'vxlan' && l.up && l.vxlan?.port === pkt.dport && l.vxlan?.id === top.vni,
    )
  if (!dev) return undefined
  ctx.tunnels.pop()
  const f = top.frame
  const encap = `vxlan vni ${top.vni} from ${pkt.src}:${pkt.sport ?? 0}`
  recordHop(
    ctx,
    { netns, kind: 'decap', inIface: dev.name, encap, ...macs(f), netfilter: [] },
    f.pkt,
  )
  if (!sameMac(f.dstMac, dev.mac))
    return {
      kind: 'dropped',
      netns,
      where: dev.name,
      reason: `inner frame for ${f.dstMac} is not for ${dev.name}`,
    }
  return ipIn(ctx, netns, dev.name, f)
}
