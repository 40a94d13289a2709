/**
 * @module core/netfilter/engine/process
 * One packet through one namespace's IP layer: PREROUTING, the routing decision, then INPUT
 * (local delivery) or FORWARD and POSTROUTING; or, for a locally generated packet, routing,
 * OUTPUT and POSTROUTING (and back in through `lo` when the destination is local).
 */
import { connToEntry } from '../../conntrack/index.js'
import { type Packet, withPacket } from '../../model/packet.js'
import { endpointText as endpoint } from '../../net/endpoint.js'
import type { Chooser } from './chooser.js'
import {
  dropUnconfirmed,
  forward,
  type HookOutcome,
  input,
  output,
  postrouting,
  prerouting,
} from './hooks.js'
import { ipvsResend } from './ipvs-hook.js'
import type { NetfilterRuntime } from './runtime.js'
import type { PacketState } from './state.js'
import type { Hook, NetfilterEnv, PacketResult, RouteDecision, StartHook } from './types.js'

export interface ProcessOptions {
  readonly start: StartHook
  readonly chooser: Chooser
}

/** The routing decision; a locally generated packet is sent (OUTPUT), not forwarded. */
function routeText(r: RouteDecision, p: Packet, local = false): string {
  if (r.kind === 'local')
    return `route: ${p.dst} is local${r.iface ? ` (${r.iface})` : ''}: deliver via INPUT`
  if (r.kind === 'forward')
    return `route: ${p.dst} via dev ${r.outIface}: ${local ? 'send via OUTPUT' : 'forward'}`
  return `route: ${p.dst}: ${r.reason}`
}

function finish(
  s: PacketState,
  packetIn: Packet,
  hooks: Hook[],
  outcome: HookOutcome | undefined,
  disposition: PacketResult['disposition'],
): PacketResult {
  const conn = s.ct?.conn
  const v = outcome?.verdict
  const dropped = v !== undefined && v.kind !== 'accept'
  // A drop outside netfilter (routing, ip_forward); step() notes netfilter's own drops.
  if (dropped && outcome?.table === undefined) dropUnconfirmed(s)
  const status = conn?.status
  const dnat = status?.dstNat && conn ? endpoint(conn.reply.src, conn.reply.sport) : undefined
  const snat = status?.srcNat && conn ? endpoint(conn.reply.dst, conn.reply.dport) : undefined
  return {
    verdict: v?.kind === 'drop' ? 'DROP' : v?.kind === 'reject' ? 'REJECT' : 'ACCEPT',
    disposition: dropped ? 'dropped' : disposition,
    packetIn,
    packetOut: s.pkt,
    hooks,
    events: s.events,
    dnat,
    snat,
    masquerade: s.masquerade,
    ...(v?.kind === 'reject'
      ? { rejectWith: v.with, ...(v.response ? { response: v.response } : {}) }
      : {}),
    // Only what the table holds: a new connection whose packet was dropped before the
    // confirm step, or one an RST killed, is not listed (__nf_conntrack_confirm, nf_ct_kill).
    ...(conn && s.rt.conntrack.has(conn) ? { conntrack: connToEntry(conn) } : {}),
    ...(dropped && outcome?.table ? { droppedAt: { hook: s.hook, table: outcome.table } } : {}),
  }
}

function step(s: PacketState, hooks: Hook[], fn: (s: PacketState) => HookOutcome): HookOutcome {
  const o = fn(s)
  hooks.push(s.hook)
  if (o.verdict.kind !== 'accept') {
    // The table (or nft chain, IPVS, conntrack's confirm) that gave the verdict; never guessed.
    const table = o.table
    dropUnconfirmed(s)
    s.events.push({
      kind: 'verdict',
      hook: s.hook,
      ...(table ? { table } : {}),
      text: `${o.verdict.kind.toUpperCase()} in ${table ? `${table} ` : ''}${s.hook}`,
    })
  }
  return o
}

/** IPVS stole the packet at INPUT or OUTPUT: it leaves by OUTPUT and POSTROUTING again. */
function ipvsSent(
  s: PacketState,
  packetIn: Packet,
  hooks: Hook[],
  stolen: { readonly outIface: string },
  disposition: 'forward' | 'output',
): PacketResult {
  const o = ipvsResend(s, stolen, (h) =>
    step(s, hooks, h === 'OUTPUT' ? (x) => output(x, true) : postrouting),
  )
  return finish(s, packetIn, hooks, o, disposition)
}

function fromWire(s: PacketState, packetIn: Packet, hooks: Hook[]): PacketResult {
  let o = step(s, hooks, prerouting)
  if (o.verdict.kind !== 'accept') return finish(s, packetIn, hooks, o, 'dropped')
  const r = s.env.route(s.pkt)
  s.events.push({ kind: 'route', text: routeText(r, s.pkt) })
  if (r.kind === 'unreachable')
    return finish(s, packetIn, hooks, { verdict: { kind: 'drop' } }, 'dropped')
  if (r.kind === 'local') {
    o = step(s, hooks, input)
    if (o.stolen) return ipvsSent(s, packetIn, hooks, o.stolen, 'forward')
    return finish(s, packetIn, hooks, o, 'local')
  }
  // ip_forward: a TTL of 1 or less is not forwarded (ICMP time exceeded instead), before FORWARD.
  if (s.pkt.ttl <= 1) {
    s.events.push({ kind: 'route', text: `ip_forward: ttl ${s.pkt.ttl}: TTL exceeded, dropped` })
    return finish(s, packetIn, hooks, { verdict: { kind: 'drop' } }, 'dropped')
  }
  // ip_forward decrements the TTL before the FORWARD hook runs.
  s.pkt = withPacket(s.pkt, { ttl: s.pkt.ttl - 1, outIface: r.outIface })
  o = step(s, hooks, forward)
  if (o.verdict.kind !== 'accept') return finish(s, packetIn, hooks, o, 'dropped')
  o = step(s, hooks, postrouting)
  return finish(s, packetIn, hooks, o, 'forward')
}

function fromSocket(s: PacketState, packetIn: Packet, hooks: Hook[]): PacketResult {
  let r = s.env.route(s.pkt)
  s.events.push({ kind: 'route', text: routeText(r, s.pkt, true) })
  if (r.kind === 'unreachable')
    return finish(s, packetIn, hooks, { verdict: { kind: 'drop' } }, 'dropped')
  s.pkt = withPacket(s.pkt, { outIface: r.kind === 'forward' ? r.outIface : 'lo' })
  const before = s.pkt.dst
  let o = step(s, hooks, output)
  if (o.stolen) return ipvsSent(s, packetIn, hooks, o.stolen, 'output')
  if (o.verdict.kind !== 'accept') return finish(s, packetIn, hooks, o, 'dropped')
  if (s.pkt.dst !== before) {
    // ip_route_me_harder: a DNAT in OUTPUT re-routes the packet.
    r = s.env.route(s.pkt)
    s.events.push({ kind: 'route', text: `re-${routeText(r, s.pkt, true)}` })
    if (r.kind === 'unreachable')
      return finish(s, packetIn, hooks, { verdict: { kind: 'drop' } }, 'dropped')
    s.pkt = withPacket(s.pkt, { outIface: r.kind === 'forward' ? r.outIface : 'lo' })
  }
  o = step(s, hooks, postrouting)
  if (o.verdict.kind !== 'accept' || r.kind === 'forward')
    return finish(s, packetIn, hooks, o, 'output')
  // Local destination: the packet loops through lo into PREROUTING and INPUT, keeping its
  // conntrack entry (nf_conntrack_in ignores a packet that already has one).
  s.pkt = withPacket(s.pkt, { inIface: 'lo', outIface: undefined })
  o = step(s, hooks, (x) => prerouting(x, true))
  if (o.verdict.kind !== 'accept') return finish(s, packetIn, hooks, o, 'dropped')
  s.pkt = withPacket(s.pkt, { outIface: undefined })
  o = step(s, hooks, input)
  if (o.stolen) return ipvsSent(s, packetIn, hooks, o.stolen, 'output')
  return finish(s, packetIn, hooks, o, 'local')
}

/** Walk one packet through one namespace. Mutates `rt` (conntrack, counters, recent lists). */
export function processPacket(
  rt: NetfilterRuntime,
  env: NetfilterEnv,
  pkt: Packet,
  opts: ProcessOptions,
): PacketResult {
  const s: PacketState = {
    pkt,
    hook: opts.start === 'output' ? 'OUTPUT' : 'PREROUTING',
    ct: undefined,
    rt,
    env,
    chooser: opts.chooser,
    events: [],
    rule: undefined,
    masquerade: false,
  }
  const hooks: Hook[] = []
  return opts.start === 'output' ? fromSocket(s, pkt, hooks) : fromWire(s, pkt, hooks)
}
