/**
 * @module core/walk/l3
 * The IP layer of one namespace for the cluster walk, built from the netfilter engine's hooks:
 * a packet received on a device (PREROUTING, the routing decision, then INPUT or FORWARD and
 * POSTROUTING, as ip_rcv / ip_forward do), a bridged frame under br_netfilter (PREROUTING,
 * FORWARD and POSTROUTING with physdev set, no routing and no TTL change), and a packet sent
 * by a local socket (the engine's OUTPUT path, processPacket).
 */
import { type Packet, withPacket } from '../model/packet.js'
import {
  dropUnconfirmed,
  forward,
  type HookOutcome,
  input,
  output,
  postrouting,
  prerouting,
} from '../netfilter/engine/hooks.js'
import { ipvsResend } from '../netfilter/engine/ipvs-hook.js'
import { processPacket } from '../netfilter/engine/process.js'
import type { PacketState } from '../netfilter/engine/state.js'
import { traceLine } from '../netfilter/engine/trace.js'
import type { RouteDecision } from '../netfilter/engine/types.js'
import type { WalkCtx } from './context.js'
import { fragNeeded, type PendingAnswer, rejectAnswer, routeError, timeExceeded } from './icmp.js'
import { exceedsMtu, forwardMtu } from './mtu.js'

export type L3Result =
  | { readonly kind: 'local'; readonly pkt: Packet; readonly lines: readonly string[] }
  | {
      readonly kind: 'forward'
      readonly pkt: Packet
      readonly outIface: string
      readonly lines: readonly string[]
    }
  | {
      /** br_netfilter let the frame be bridged on (the destination did not change). */
      readonly kind: 'bridge'
      readonly pkt: Packet
      readonly lines: readonly string[]
    }
  | {
      readonly kind: 'dropped'
      readonly where: string
      readonly reason: string
      readonly lines: readonly string[]
      /** The ICMP error or RST the namespace sends back for it (icmp.ts). */
      readonly answer?: PendingAnswer
    }

function state(ctx: WalkCtx, netns: string, pkt: Packet): PacketState {
  return {
    pkt,
    hook: 'PREROUTING',
    ct: undefined,
    rt: ctx.runtime(netns),
    env: ctx.world.env(netns),
    chooser: ctx.chooser,
    events: [],
    rule: undefined,
    masquerade: false,
  }
}

const lines = (s: PacketState) => s.events.map(traceLine)

function refused(s: PacketState, o: HookOutcome): L3Result | undefined {
  if (o.verdict.kind === 'accept') return undefined
  const v = o.verdict.kind === 'reject' ? `REJECT (${o.verdict.with})` : 'DROP'
  const where = o.table ? `${o.table} ${s.hook}` : s.hook
  dropUnconfirmed(s)
  const answer =
    o.verdict.kind === 'reject' ? rejectAnswer(o.verdict.response, o.verdict.with) : undefined
  return {
    kind: 'dropped',
    where,
    reason: `${v} by netfilter`,
    lines: lines(s),
    ...(answer ? { answer } : {}),
  }
}

/** A drop in the IP layer, with the ICMP error the kernel sends for it (if any). */
function droppedWith(
  s: PacketState,
  where: string,
  reason: string,
  answer: PendingAnswer | undefined,
): L3Result {
  dropUnconfirmed(s)
  return { kind: 'dropped', where, reason, lines: lines(s), ...(answer ? { answer } : {}) }
}

function routeLine(r: RouteDecision, p: Packet): string {
  if (r.kind === 'local') return `route: ${p.dst} is local: deliver via INPUT`
  if (r.kind === 'forward') return `route: ${p.dst} via dev ${r.outIface}: forward`
  return `route: ${p.dst}: ${r.reason}`
}

/** After PREROUTING: route, then INPUT, or FORWARD + POSTROUTING (ip_rcv_finish onwards). */
function routed(ctx: WalkCtx, s: PacketState, netns: string): L3Result {
  const r = s.env.route(s.pkt)
  s.events.push({ kind: 'route', text: routeLine(r, s.pkt) })
  if (r.kind === 'unreachable') {
    // ip_error answers net/host unreachable or packet filtered (icmp.ts).
    const answer = routeError(ctx, netns, s.pkt, r.reason)
    return droppedWith(s, `${netns} routing`, r.reason, answer)
  }
  if (r.kind === 'local') {
    const o = input(s)
    // IPVS took it at INPUT and sent it on through OUTPUT and POSTROUTING (ipvs-hook.ts).
    if (o.stolen) {
      const out = o.stolen.outIface
      const x = ipvsResend(s, o.stolen, (h) => (h === 'OUTPUT' ? output(s, true) : postrouting(s)))
      return refused(s, x) ?? { kind: 'forward', pkt: s.pkt, outIface: out, lines: lines(s) }
    }
    return refused(s, o) ?? { kind: 'local', pkt: s.pkt, lines: lines(s) }
  }
  // ip_forward: a TTL that would reach 0 is answered with ICMP time exceeded, not forwarded.
  if (s.pkt.ttl <= 1)
    return droppedWith(s, `${netns} ip_forward`, 'TTL exceeded', timeExceeded(ctx, netns, s.pkt))
  // ip_forward: too big for the output device with DF: fragmentation needed, before FORWARD.
  const mtu = forwardMtu(ctx, netns, r.outIface, s.pkt)
  if (exceedsMtu(s.pkt, mtu)) {
    const reason = `fragmentation needed: ${s.pkt.length} bytes > mtu ${mtu} of ${r.outIface}`
    return droppedWith(s, r.outIface, reason, fragNeeded(ctx, netns, s.pkt, mtu))
  }
  // The one TTL decrement of a forwarded packet (ip_forward, before the FORWARD hook).
  s.pkt = withPacket(s.pkt, {
    ttl: s.pkt.ttl - 1,
    outIface: r.outIface,
    physOut: undefined,
    bridged: undefined,
  })
  const f = refused(s, forward(s))
  if (f) return f
  const p = refused(s, postrouting(s))
  return p ?? { kind: 'forward', pkt: s.pkt, outIface: r.outIface, lines: lines(s) }
}

/** A packet received on `pkt.inIface` by the IP layer of `netns`. */
export function receiveIp(ctx: WalkCtx, netns: string, pkt: Packet): L3Result {
  const s = state(ctx, netns, withPacket(pkt, { outIface: undefined }))
  const d = refused(s, prerouting(s))
  return d ?? routed(ctx, s, netns)
}

/** A frame in the bridge's netfilter path, between PREROUTING and the bridge's decision. */
export interface BridgedState {
  readonly ctx: WalkCtx
  readonly s: PacketState
  readonly netns: string
  /** br_nf_pre_routing_finish saw the destination change (dnat_took_place). */
  readonly dnat: boolean
}

/**
 * br_nf_pre_routing: an IPv4 frame entering bridge `bridge` by `physIn` with
 * bridge-nf-call-iptables=1 crosses iptables PREROUTING as if received on the bridge device,
 * with physdev set, whether it is then bridged or handed to the bridge's IP layer.
 */
export function bridgePrerouting(
  ctx: WalkCtx,
  netns: string,
  bridge: string,
  pkt: Packet,
  physIn: string,
): BridgedState | L3Result {
  const s = state(
    ctx,
    netns,
    withPacket(pkt, { inIface: bridge, outIface: undefined, physIn, bridged: true }),
  )
  const before = s.pkt.dst
  const d = refused(s, prerouting(s))
  if (d) return d
  const dnat = s.pkt.dst !== before
  if (dnat)
    s.events.push({ kind: 'route', text: `br_netfilter: destination changed to ${s.pkt.dst}` })
  return { ctx, s, netns, dnat }
}

export function bridgedLines(b: BridgedState): string[] {
  return lines(b.s)
}

/** The route br_nf_pre_routing_finish (or the bridge's IP layer) gives the frame. */
export function bridgedRoute(b: BridgedState): RouteDecision {
  return b.s.env.route(withPacket(b.s.pkt, { bridged: undefined }))
}

/** Hand the frame to the IP layer of the bridge device (local MAC, or a DNAT routed away). */
export function bridgedToIp(b: BridgedState): L3Result {
  b.s.pkt = withPacket(b.s.pkt, { bridged: undefined })
  return routed(b.ctx, b.s, b.netns)
}

/** Bridge the frame on to `physOut`: FORWARD and POSTROUTING, no routing, no TTL change. */
export function bridgedOn(b: BridgedState, bridge: string, physOut: string): L3Result {
  const s = b.s
  s.pkt = withPacket(s.pkt, { outIface: bridge, physOut })
  const f = refused(s, forward(s))
  if (f) return f
  const p = refused(s, postrouting(s))
  return p ?? { kind: 'bridge', pkt: s.pkt, lines: lines(s) }
}

/** A packet sent by a socket in `netns` (routing, OUTPUT, POSTROUTING; lo for local ones). */
export function sendFromSocket(ctx: WalkCtx, netns: string, pkt: Packet): L3Result {
  const r = processPacket(ctx.runtime(netns), ctx.world.env(netns), pkt, {
    start: 'output',
    chooser: ctx.chooser,
  })
  const ls = r.events.map(traceLine)
  if (r.disposition === 'dropped') {
    const where = r.droppedAt ? `${r.droppedAt.table} ${r.droppedAt.hook}` : `${netns} routing`
    const route = [...r.events].reverse().find((e) => e.kind === 'route')
    const reason = r.droppedAt
      ? `${r.verdict} by netfilter`
      : (route?.text.replace(/^route: [^:]*: /, '') ?? 'dropped')
    // REJECT of a local packet: its answer is delivered back to the socket through lo.
    const answer = rejectAnswer(r.response, r.rejectWith ?? '')
    return { kind: 'dropped', where, reason, lines: ls, ...(answer ? { answer } : {}) }
  }
  if (r.disposition === 'local') return { kind: 'local', pkt: r.packetOut, lines: ls }
  const out = r.packetOut.outIface ?? ''
  return { kind: 'forward', pkt: r.packetOut, outIface: out, lines: ls }
}
