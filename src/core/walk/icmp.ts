/**
 * @module core/walk/icmp
 * What a namespace sends back when it cannot pass a forwarded packet on (net/ipv4/icmp.c
 * `__icmp_send`, called from ip_forward and ip_error), and REJECT's answers:
 * - TTL exceeded (type 11 code 0): ip_forward, when the TTL would reach 0;
 * - fragmentation needed (3/4, with the next-hop MTU, RFC 1191): ip_forward, when the packet
 *   is bigger than the output device's (or route's) MTU and has DF. Both are checked before
 *   the TTL decrement and before FORWARD, so a connection's first packet dropped there never
 *   reaches the conntrack confirm, and its error finds no connection (not un-NATed);
 * - network unreachable (3/0, no route), host unreachable (3/1, an `unreachable` route),
 *   packet filtered (3/13, a `prohibit` route): ip_error, only when the input device forwards;
 *   blackhole routes, martians and rp_filter drop silently;
 * - REJECT's ICMP error or TCP RST (the netfilter engine builds it).
 * The error quotes the packet as the dropping namespace had it (after PREROUTING's DNAT), comes
 * from the quoted destination when that is local, otherwise from the address of the route back
 * (`icmp_errors_use_inbound_ifaddr` 1: the input device's), TTL 64 (ip_default_ttl), and leaves
 * through the namespace's OUTPUT path, where conntrack sees it as RELATED and un-NATs it.
 * No error answers an ICMP error or a non-first fragment, nor a packet sent to a broadcast or
 * multicast address. Rate limits (icmp_ratelimit, the inet_peer token bucket) are not modelled:
 * the first error is always sent. A locally generated packet gets no ICMP: the socket gets the
 * error directly (EMSGSIZE, ENETUNREACH …).
 */
import { isIcmpError } from '../conntrack/icmp-error.js'
import { type Packet, PROTO } from '../model/packet.js'
import { icmpError } from '../netfilter/engine/targets/reject.js'
import type { WalkCtx } from './context.js'

/** An answer (ICMP error, RST) a namespace sends back to the source of a packet it dropped. */
export interface Answer {
  readonly netns: string
  readonly pkt: Packet
  /** `ICMP time exceeded`, `ICMP fragmentation needed (mtu 1450)`, `TCP RST (REJECT)` … */
  readonly text: string
  readonly mtu?: number
}

/** The same without the namespace: what an IP layer result carries up. */
export type PendingAnswer = Omit<Answer, 'netns'>

const UNREACH = 3
const TIME_EXCEEDED = 11

const UNREACH_TEXT: Readonly<Record<number, string>> = {
  0: 'network unreachable',
  1: 'host unreachable',
  2: 'protocol unreachable',
  3: 'port unreachable',
  4: 'fragmentation needed',
  9: 'network prohibited',
  10: 'host prohibited',
  13: 'packet filtered',
}

/** ip_error: the code a failed input route answers with (undefined: dropped silently). */
export function routeErrorCode(reason: string): number | undefined {
  if (reason === 'network unreachable') return 0
  if (reason === 'unreachable') return 1
  if (reason === 'prohibit') return 13
  return undefined
}

/** The text of an ICMP error packet: `ICMP host unreachable`, `ICMP time exceeded`. */
export function icmpText(p: Packet): string {
  if (p.proto !== PROTO.icmp) return p.tcpFlags?.includes('RST') === true ? 'TCP RST' : 'packet'
  if (p.icmpType === TIME_EXCEEDED) return 'ICMP time exceeded in transit'
  if (p.icmpType === UNREACH)
    return `ICMP ${UNREACH_TEXT[p.icmpCode ?? -1] ?? `unreachable code ${p.icmpCode}`}`
  return `ICMP type ${p.icmpType} code ${p.icmpCode}`
}

/**
 * The ICMP error `netns` sends for `original` (as received there, `inIface` set), or undefined
 * when icmp_send would not send one.
 */
export function icmpFor(
  ctx: WalkCtx,
  netns: string,
  original: Packet,
  type: number,
  code: number,
  mtu?: number,
): PendingAnswer | undefined {
  if (original.family !== 4 || original.fragment === true || isIcmpError(original)) return undefined
  const env = ctx.world.env(netns)
  const t = env.addrType(original.dst)
  if (t === 'BROADCAST' || t === 'MULTICAST') return undefined
  const pkt = icmpError(original, env.icmpSource(original), type, code)
  const text = `${icmpText(pkt)}${mtu === undefined ? '' : ` (mtu ${mtu})`}`
  return { pkt, text, ...(mtu === undefined ? {} : { mtu }) }
}

export const timeExceeded = (ctx: WalkCtx, netns: string, p: Packet) =>
  icmpFor(ctx, netns, p, TIME_EXCEEDED, 0)

export const fragNeeded = (ctx: WalkCtx, netns: string, p: Packet, mtu: number) =>
  icmpFor(ctx, netns, p, UNREACH, 4, mtu)

/** ip_error's answer to a failed input route, if any. */
export function routeError(
  ctx: WalkCtx,
  netns: string,
  p: Packet,
  reason: string,
): PendingAnswer | undefined {
  const code = routeErrorCode(reason)
  return code === undefined ? undefined : icmpFor(ctx, netns, p, UNREACH, code)
}

/** REJECT's response (the engine's packet), described. */
export function rejectAnswer(response: Packet | undefined, how: string): PendingAnswer | undefined {
  return response === undefined
    ? undefined
    : { pkt: response, text: `${icmpText(response)} (REJECT --reject-with ${how})` }
}
