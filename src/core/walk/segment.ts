/**
 * @module core/walk/segment
 * Layer 2 reachability: which IP endpoints (namespace, device) share a broadcast domain with a
 * device, across veth pairs and bridges, and which bridge port leads towards a MAC. A bridge
 * floods broadcasts (ARP requests) to every port but the ingress one (br_flood), and a bridge
 * device is itself an endpoint of the domain of its ports. macvlan (bridge mode) children share
 * their parent's wire but not the parent's own stack (macvlan.ts).
 */
import type { Link } from '../model/netns.js'
import type { WalkCtx } from './context.js'
import { sameMac } from './frame.js'
import { macvlanChildren, macvlanParent, macvlanSiblings } from './macvlan.js'

export interface Endpoint {
  readonly netns: string
  readonly iface: string
}

const key = (e: Endpoint) => `${e.netns}/${e.iface}`
const peerOf = (l: Link): Endpoint | undefined =>
  l.peer ? { netns: l.peer.netns, iface: l.peer.name } : undefined

function ports(ctx: WalkCtx, netns: string, bridge: string): Link[] {
  return ctx.world.netns(netns).links.filter((l) => l.master === bridge)
}

/**
 * The IP endpoints a broadcast sent by `iface` in `netns` reaches (not the sender itself), in
 * breadth-first order.
 */
export function broadcastDomain(ctx: WalkCtx, netns: string, iface: string): Endpoint[] {
  const seen = new Set<string>([key({ netns, iface })])
  const out: Endpoint[] = []
  const arrivals: Endpoint[] = []
  // A bridge floods out of every port but `except`: the frames arrive at the ports' peers.
  const flood = (n: string, br: string, except?: string) => {
    for (const p of ports(ctx, n, br)) {
      const e = p.name === except || !p.up ? undefined : peerOf(p)
      if (e) arrivals.push(e)
    }
  }
  const start = ctx.link(netns, iface)
  if (start?.kind === 'bridge') flood(netns, iface)
  else if (start?.kind === 'macvlan') {
    // A macvlan child's broadcast reaches its bridge-mode siblings and the parent's wire, not
    // the parent's own stack (macvlan_broadcast, then dev_queue_xmit on the lower device).
    arrivals.push(...macvlanSiblings(ctx, netns, start))
    const p = macvlanParent(start)
    const lower = p ? ctx.link(p.netns, p.iface) : undefined
    if (p) seen.add(key(p))
    const e = lower ? peerOf(lower) : undefined
    if (e) arrivals.push(e)
  } else {
    const e = start ? peerOf(start) : undefined
    if (e) arrivals.push(e)
  }
  for (let e = arrivals.shift(); e; e = arrivals.shift()) {
    const l = ctx.link(e.netns, e.iface)
    if (seen.has(key(e)) || !l?.up) continue
    seen.add(key(e))
    // A broadcast arriving on a macvlan parent from the wire also reaches every child.
    arrivals.push(...macvlanChildren(ctx, e.netns, e.iface))
    if (l.master === undefined) {
      out.push(e)
      continue
    }
    const br = { netns: e.netns, iface: l.master }
    if (!seen.has(key(br))) {
      seen.add(key(br))
      out.push(br)
    }
    flood(e.netns, l.master, e.iface)
  }
  return out
}

/** Does `mac` live behind bridge port `port` (its veth peer, or a bridge behind it)? */
export function macBehind(ctx: WalkCtx, netns: string, port: string, mac: string): boolean {
  const seen = new Set<string>()
  const behindLink = (p: Link): boolean => {
    const e = peerOf(p)
    return e !== undefined && behind(e)
  }
  const behind = (e: Endpoint): boolean => {
    if (seen.has(key(e))) return false
    seen.add(key(e))
    const l = ctx.link(e.netns, e.iface)
    if (!l?.up) return false
    if (sameMac(l.mac, mac)) return true
    // The macvlan children of a parent NIC live behind the port that NIC hangs on.
    const children = macvlanChildren(ctx, e.netns, e.iface)
    if (children.some((c) => sameMac(ctx.link(c.netns, c.iface)?.mac, mac))) return true
    if (l.master === undefined) return false
    // A port of another bridge: the MAC may be that bridge's, or behind its other ports.
    if (sameMac(ctx.link(e.netns, l.master)?.mac, mac)) return true
    return ports(ctx, e.netns, l.master).some((p) => p.name !== e.iface && behindLink(p))
  }
  const l = ctx.link(netns, port)
  return l !== undefined && behindLink(l)
}
