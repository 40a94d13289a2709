/**
 * @module core/walk/macvlan
 * macvlan in bridge mode (drivers/net/macvlan.c). A macvlan child has its own MAC on top of a
 * parent (lower) device; the model's child names the parent's namespace in `peer` (see
 * core/cni/underlay).
 * - A child sends (macvlan_queue_xmit): a frame for a sibling in bridge mode on the same parent
 *   is handed to that sibling directly (dev_forward_skb); anything else leaves by the parent's
 *   wire (dev_queue_xmit on the lower device), never through the parent's own IP stack.
 * - A frame arriving on the parent from the wire (macvlan_handle_frame, the parent's
 *   rx_handler) goes to the child owning its destination MAC; broadcasts reach the parent and
 *   every child.
 * - The parent's own frames go out on the wire only, and the child's never reach the parent:
 *   the parent's namespace cannot talk to its children (kernel-lab §9a: a macvlan pod cannot
 *   reach its own node), unless the switch outside sends the frame back, which a learning
 *   switch does not do (the MAC lives behind the port the frame came in by).
 */
import type { Link } from '../model/netns.js'
import type { Packet } from '../model/packet.js'
import type { WalkCtx } from './context.js'
import { type Frame, macs, sameMac } from './frame.js'
import { resolveMac } from './neighbour.js'
import type { Endpoint } from './segment.js'
import type { Outcome } from './types.js'
import { type HopBase, receiveFrame, recordHop } from './walk.js'

/** The parent device a macvlan child sits on: the link named by the child's `peer`. */
export function macvlanParent(child: Link): Endpoint | undefined {
  if (child.kind !== 'macvlan' || child.peer === undefined) return undefined
  return { netns: child.peer.netns, iface: child.macvlan?.parent ?? child.peer.name }
}

/** Every macvlan child (in any namespace) whose parent is `parent` of `netns`. */
export function macvlanChildren(ctx: WalkCtx, netns: string, parent: string): Endpoint[] {
  return ctx.world.macvlansOn(netns, parent)
}

/** The bridge-mode siblings of `child` (same parent, not itself). */
export function macvlanSiblings(ctx: WalkCtx, netns: string, child: Link): Endpoint[] {
  const p = macvlanParent(child)
  if (!p || child.macvlan?.mode !== 'bridge') return []
  return macvlanChildren(ctx, p.netns, p.iface).filter(
    (e) =>
      !(e.netns === netns && e.iface === child.name) &&
      ctx.link(e.netns, e.iface)?.macvlan?.mode === 'bridge',
  )
}

/** The child of parent `iface` in `netns` that owns `mac`, if any. */
export function macvlanOwning(
  ctx: WalkCtx,
  netns: string,
  iface: string,
  mac: string | undefined,
): Endpoint | undefined {
  if (mac === undefined) return undefined
  return macvlanChildren(ctx, netns, iface).find((e) =>
    sameMac(ctx.link(e.netns, e.iface)?.mac, mac),
  )
}

/** A packet leaves by macvlan child `link`: to a sibling, or out of the parent's wire. */
export function macvlanEgress(
  ctx: WalkCtx,
  netns: string,
  link: Link,
  pkt: Packet,
  base: HopBase,
  nextHop: string,
): Outcome {
  const m = resolveMac(ctx, netns, link.name, nextHop, pkt.src)
  if (!m.ok) {
    recordHop(ctx, { ...base, arp: m.text }, pkt)
    return { kind: 'dropped', netns, where: link.name, reason: m.text }
  }
  const f: Frame = {
    pkt,
    ...(link.mac ? { srcMac: link.mac } : {}),
    ...(m.mac ? { dstMac: m.mac } : {}),
  }
  const parent = macvlanParent(link)
  const sibling = macvlanSiblings(ctx, netns, link).find((e) =>
    sameMac(ctx.link(e.netns, e.iface)?.mac, f.dstMac),
  )
  const where = parent ? `${parent.iface} of ${parent.netns}` : 'no parent'
  const note = sibling
    ? `macvlan bridge mode: switched to sibling ${sibling.netns} ${sibling.iface} on ${where}`
    : `macvlan: out of the parent ${where}`
  recordHop(ctx, { ...base, arp: m.text, ...macs(f), notes: [...(base.notes ?? []), note] }, pkt)
  if (sibling) return receiveFrame(ctx, sibling.netns, sibling.iface, f)
  const lower = parent ? ctx.link(parent.netns, parent.iface) : undefined
  if (!parent || !lower?.up)
    return {
      kind: 'dropped',
      netns,
      where: link.name,
      reason: `the macvlan parent is missing or down`,
    }
  if (!lower.peer) return { kind: 'left', netns: parent.netns, iface: parent.iface }
  return receiveFrame(ctx, lower.peer.netns, lower.peer.name, f)
}
