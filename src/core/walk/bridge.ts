/**
 * @module core/walk/bridge
 * A Linux bridge in the walk (net/bridge/br_input.c, br_forward.c, br_fdb.c):
 * - the source MAC of every frame is learned on its ingress port (when the port learns);
 * - a destination MAC that is the bridge's own or a port's own (the local FDB entries) goes up
 *   to the IP layer of the bridge device;
 * - a known MAC (static `bridge fdb` entries, then learned ones) leaves by its port; an unknown
 *   one is flooded to every port but the ingress one, and only the port that leads to the MAC
 *   matters to the walk (every other copy is dropped by its receiver);
 * - a frame may leave by its ingress port only with hairpin mode on that port
 *   (should_deliver / br_allowed_egress);
 * - with net.bridge.bridge-nf-call-iptables=1 a bridged IPv4 frame crosses iptables
 *   PREROUTING, FORWARD and POSTROUTING with physdev set (br_netfilter); a DNAT there routes it.
 */

import type { Link } from '../model/netns.js'
import { lookupRoute } from '../route/index.js'
import type { WalkCtx } from './context.js'
import { type Frame, isGroupMac, macs, sameMac } from './frame.js'
import {
  type BridgedState,
  bridgedLines,
  bridgedOn,
  bridgedRoute,
  bridgedToIp,
  bridgePrerouting,
} from './l3.js'
import { resolveMac } from './neighbour.js'
import { macBehind } from './segment.js'
import type { Outcome } from './types.js'
import { afterIp, ipIn, receiveFrame, recordHop } from './walk.js'

function learn(
  ctx: WalkCtx,
  netns: string,
  br: string,
  port: string,
  mac: string | undefined,
): void {
  if (mac === undefined || isGroupMac(mac)) return
  if (ctx.link(netns, port)?.bridgePort?.learning === false) return
  const k = `${netns}/${br}`
  let t = ctx.learned.get(k)
  if (!t) {
    t = new Map()
    ctx.learned.set(k, t)
  }
  t.set(mac.toLowerCase(), port)
}

function isLocal(ctx: WalkCtx, netns: string, br: string, mac: string): boolean {
  // The bridge's and its ports' MACs, collected once per World: a cluster's underlay bridge
  // has a port per node and every frame crossing it asks.
  const key = `${netns}\0${br}`
  let own = ctx.world.bridgeMacs.get(key)
  if (own === undefined) {
    const macs = new Set<string>()
    for (const l of ctx.world.netns(netns).links)
      if ((l.name === br || l.master === br) && l.mac !== undefined) macs.add(l.mac.toLowerCase())
    ctx.world.bridgeMacs.set(key, macs)
    own = macs
  }
  return own.has(mac.toLowerCase())
}

/** The port `mac` lives behind: static FDB, learned, or found by flooding. */
function portFor(
  ctx: WalkCtx,
  netns: string,
  br: string,
  mac: string,
  ingress: string | undefined,
): { port: string; how: string } | undefined {
  const n = ctx.world.netns(netns)
  const fixed = n.fdb?.find((e) => e.master === br && sameMac(e.mac, mac))
  if (fixed) return { port: fixed.dev, how: `fdb ${mac} dev ${fixed.dev} (static)` }
  const learned = ctx.learned.get(`${netns}/${br}`)?.get(mac.toLowerCase())
  if (learned) return { port: learned, how: `fdb ${mac} dev ${learned} (learned)` }
  // Where a flood finds the MAC depends only on the static topology: a cluster's underlay
  // bridge has a port per node, so the World keeps the answer for every later branch.
  const key = `${netns}\0${br}\0${mac}\0${ingress ?? ''}`
  const known = ctx.world.floodAnswers.get(key)
  if (known !== undefined) return known.found
  const found = flooded(ctx, n.links, netns, br, mac, ingress)
  ctx.world.floodAnswers.set(key, { found })
  return found
}

/** The port a flood out of `br` finds `mac` behind, if any. */
function flooded(
  ctx: WalkCtx,
  links: readonly Link[],
  netns: string,
  br: string,
  mac: string,
  ingress: string | undefined,
): { port: string; how: string } | undefined {
  const flood = links.filter(
    (l) => l.master === br && l.name !== ingress && l.bridgePort?.flood !== false,
  )
  const hit = flood.find((l) => macBehind(ctx, netns, l.name, mac))
  if (hit)
    return {
      port: hit.name,
      how: `${mac} unknown: flooded to ${flood.map((l) => l.name).join(', ')}`,
    }
  // Behind the port it came in by: the flood reaches it only with hairpin on (should_deliver).
  if (ingress !== undefined && macBehind(ctx, netns, ingress, mac))
    return { port: ingress, how: `${mac} unknown: it lives behind the ingress port ${ingress}` }
  return undefined
}

function brNetfilter(ctx: WalkCtx, netns: string): boolean {
  // A new namespace starts with bridge-nf-call-iptables=1 (kernel-lab §5).
  return (
    (ctx.world.netns(netns).sysctls['net.bridge.bridge-nf-call-iptables'] ?? '1').trim() === '1'
  )
}

function toPort(ctx: WalkCtx, netns: string, port: string, f: Frame): Outcome {
  const l = ctx.link(netns, port)
  if (!l?.peer) return { kind: 'left', netns, iface: port }
  return receiveFrame(ctx, l.peer.netns, l.peer.name, f)
}

const hopBase = (netns: string, br: string, port: string, f: Frame) => ({
  netns,
  kind: 'bridge' as const,
  inIface: br,
  physIn: port,
  ...macs(f),
  netfilter: [] as string[],
})

/** Switch a frame to the port its destination MAC lives behind (br_handle_frame_finish). */
function switchFrame(
  ctx: WalkCtx,
  netns: string,
  br: string,
  port: string,
  f: Frame,
  b: BridgedState | undefined,
): Outcome {
  const base = { ...hopBase(netns, br, port, f), netfilter: b ? bridgedLines(b) : [] }
  const out = f.dstMac === undefined ? undefined : portFor(ctx, netns, br, f.dstMac, port)
  if (!out) {
    recordHop(ctx, base, f.pkt)
    return { kind: 'dropped', netns, where: br, reason: `no port of ${br} leads to ${f.dstMac}` }
  }
  const hop = { ...base, physOut: out.port, notes: [out.how] }
  if (out.port === port && ctx.link(netns, port)?.bridgePort?.hairpin !== true) {
    recordHop(ctx, hop, b ? b.s.pkt : f.pkt)
    const reason = `hairpin off on ${port}: the frame may not leave by its ingress port`
    return { kind: 'dropped', netns, where: br, reason }
  }
  if (!b) {
    recordHop(ctx, hop, f.pkt)
    return toPort(ctx, netns, out.port, f)
  }
  const r = bridgedOn(b, br, out.port)
  recordHop(ctx, { ...hop, netfilter: r.lines }, r.kind === 'dropped' ? b.s.pkt : r.pkt)
  if (r.kind === 'dropped') return { kind: 'dropped', netns, where: r.where, reason: r.reason }
  return toPort(ctx, netns, out.port, { ...f, pkt: b.s.pkt })
}

/**
 * br_nf_pre_routing_finish after a DNAT: routed out of the same bridge, the frame stays bridged
 * ("bridged_dnat", towards the new destination's MAC, hairpin rules apply and the TTL is
 * kept); routed elsewhere or locally, it goes to the bridge's IP layer.
 */
function afterDnat(
  ctx: WalkCtx,
  netns: string,
  br: string,
  port: string,
  f: Frame,
  b: BridgedState,
): Outcome {
  const r = bridgedRoute(b)
  const base = hopBase(netns, br, port, f)
  if (r.kind !== 'forward' || r.outIface !== br)
    return afterIp(ctx, netns, bridgedToIp(b), { ...base, kind: 'ip' }, f.pkt)
  const pkt = b.s.pkt
  const via = lookupRoute(ctx.world.netns(netns), {
    dst: pkt.dst,
    oif: br,
    input: false,
    anySource: true,
  }).via
  const m = resolveMac(ctx, netns, br, via ?? pkt.dst, pkt.src)
  if (!m.ok || m.mac === undefined) {
    recordHop(ctx, { ...base, netfilter: bridgedLines(b), arp: m.text }, pkt)
    return { kind: 'dropped', netns, where: br, reason: m.text }
  }
  return switchFrame(ctx, netns, br, port, { ...f, dstMac: m.mac }, b)
}

/** A frame enters bridge `br` by `port`. */
export function bridgeIn(ctx: WalkCtx, netns: string, br: string, port: string, f: Frame): Outcome {
  learn(ctx, netns, br, port, f.srcMac)
  const local = f.dstMac === undefined || isLocal(ctx, netns, br, f.dstMac) || isGroupMac(f.dstMac)
  if (!brNetfilter(ctx, netns) || f.pkt.family !== 4) {
    return local ? ipIn(ctx, netns, br, f) : switchFrame(ctx, netns, br, port, f, undefined)
  }
  const b = bridgePrerouting(ctx, netns, br, f.pkt, port)
  if (!('s' in b)) return afterIp(ctx, netns, b, hopBase(netns, br, port, f), f.pkt)
  if (b.dnat) return afterDnat(ctx, netns, br, port, f, b)
  if (local)
    return afterIp(
      ctx,
      netns,
      bridgedToIp(b),
      { ...hopBase(netns, br, port, f), kind: 'ip' },
      f.pkt,
    )
  return switchFrame(ctx, netns, br, port, f, b)
}

/** The bridge's own IP layer sends a frame (br_dev_xmit): no br_netfilter hooks, no hairpin. */
export function bridgeOut(ctx: WalkCtx, netns: string, br: string, f: Frame): Outcome {
  const out = f.dstMac === undefined ? undefined : portFor(ctx, netns, br, f.dstMac, undefined)
  if (!out)
    return { kind: 'dropped', netns, where: br, reason: `no port of ${br} leads to ${f.dstMac}` }
  return toPort(ctx, netns, out.port, f)
}
