/**
 * @module core/walk/neighbour
 * Finding the next hop's MAC before a packet leaves by a device that uses ARP: the neighbour
 * table (core/route resolveNeighbour) or, failing that, an ARP request flooded over the L2
 * segment, answered by the first namespace whose kernel would answer it (answersArp: a local
 * address, proxy_arp, a proxy entry). Calico's 169.254.1.1 is answered this way by the node's
 * cali* device (ee:ee:ee:ee:ee:ee). No answer: the neighbour stays INCOMPLETE and the packet
 * is dropped. The flood's answer depends only on the namespaces' static state, so the World
 * keeps it for later traces.
 */
import { answersArp, mayAnswerArp, resolveNeighbour } from '../route/index.js'
import type { WalkCtx } from './context.js'
import { broadcastDomain } from './segment.js'

export type MacAnswer =
  | { readonly ok: true; readonly mac: string | undefined; readonly text: string }
  | { readonly ok: false; readonly text: string }

export function resolveMac(
  ctx: WalkCtx,
  netns: string,
  dev: string,
  nextHop: string,
  packetSrc: string,
): MacAnswer {
  const r = resolveNeighbour(ctx.world.netns(netns), dev, nextHop, packetSrc)
  if (r.kind === 'computed')
    return { ok: true, mac: r.lladdr, text: `${nextHop}: ${r.why} ${r.lladdr}` }
  if (r.kind === 'noarp') return { ok: true, mac: undefined, text: `no ARP: ${r.why}` }
  if (r.kind === 'entry')
    return {
      ok: true,
      mac: r.lladdr,
      text: `neigh ${nextHop} dev ${dev} lladdr ${r.lladdr} ${r.state}`,
    }
  const sender = r.solicitSource ?? packetSrc
  const key = `${netns}\0${dev}\0${nextHop}\0${sender}`
  const known = ctx.world.arpAnswers.get(key)
  if (known !== undefined) return known
  const answer = flood(ctx, netns, dev, nextHop, sender)
  ctx.world.arpAnswers.set(key, answer)
  return answer
}

/** Who answers an ARP request flooded from `dev`: the first in the domain's order. */
function flood(
  ctx: WalkCtx,
  netns: string,
  dev: string,
  nextHop: string,
  sender: string,
): MacAnswer {
  const who = `ARP who-has ${nextHop} tell ${sender} on dev ${dev}`
  for (const e of broadcastDomain(ctx, netns, dev)) {
    const state = ctx.world.netns(e.netns)
    if (!mayAnswerArp(state, e.iface, nextHop)) continue
    const a = answersArp(state, e.iface, nextHop, sender)
    if (a.answer)
      return {
        ok: true,
        mac: a.mac,
        text: `${who}: ${e.netns} ${e.iface} answered ${a.mac} (${a.reason})`,
      }
  }
  return { ok: false, text: `ARP for ${nextHop} on dev ${dev} unanswered` }
}
