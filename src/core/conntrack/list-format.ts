/**
 * @module core/conntrack/list-format
 * The vocabulary of `conntrack -L` (conntrack-tools 1.4.7 printing through
 * libnetfilter_conntrack 1.0.9's default format): protocol and state names, where each optional
 * item goes, and addresses written the way glibc's inet_ntoa/inet_ntop write them.
 */
import { formatIPv4, parseAddr } from '../net/ip.js'
import type { DccpCtState, SctpCtState, TcpCtState } from './model.js'
import { TCP_STATE_ORDER } from './tcp-state.js'

/** Layer-3 names and numbers (AF_INET, AF_INET6) of the `-o extended` prefix. */
export const L3_NUMBERS = { ipv4: 2, ipv6: 10 } as const

/** Layer-4 protocols the library names; every other number prints as `unknown`. */
export const L4_NAMES: ReadonlyMap<number, string> = new Map([
  [6, 'tcp'],
  [17, 'udp'],
  [136, 'udplite'],
  [1, 'icmp'],
  [58, 'icmpv6'],
  [132, 'sctp'],
  [47, 'gre'],
  [33, 'dccp'],
])

export function l4Name(proto: number): string {
  return L4_NAMES.get(proto) ?? 'unknown'
}

export const TCP_STATES: readonly TcpCtState[] = TCP_STATE_ORDER

export const SCTP_STATES: readonly SctpCtState[] = [
  'NONE',
  'CLOSED',
  'COOKIE_WAIT',
  'COOKIE_ECHOED',
  'ESTABLISHED',
  'SHUTDOWN_SENT',
  'SHUTDOWN_RECD',
  'SHUTDOWN_ACK_SENT',
  'HEARTBEAT_SENT',
  'HEARTBEAT_ACKED',
]

export const DCCP_STATES: readonly DccpCtState[] = [
  'NONE',
  'REQUEST',
  'RESPOND',
  'PARTOPEN',
  'OPEN',
  'CLOSEREQ',
  'CLOSING',
  'TIMEWAIT',
  'IGNORE',
  'INVALID',
]

/**
 * Where a verbatim item (ConntrackEntry.extra) goes: after `mark=` (security marks), after
 * `zone=` and before `use=` (timestamps, helper), or after `use=` (id, labels). The library
 * prints them in exactly this order.
 */
export type ExtraSlot = 'afterMark' | 'beforeUse' | 'afterUse'

const EXTRA_SLOTS: ReadonlyMap<string, ExtraSlot> = new Map([
  ['secmark', 'afterMark'],
  ['secctx', 'afterMark'],
  ['delta-time', 'beforeUse'],
  ['start', 'beforeUse'],
  ['stop', 'beforeUse'],
  ['helper', 'beforeUse'],
  ['id', 'afterUse'],
  ['labels', 'afterUse'],
])

/** The key of an extra item: `secctx=x` → `secctx`, `[start=…]` → `start`. */
export function extraKey(item: string): string {
  const body = item.startsWith('[') ? item.slice(1) : item
  const eq = body.indexOf('=')
  return eq < 0 ? body : body.slice(0, eq)
}

export function extraSlot(item: string): ExtraSlot | undefined {
  return EXTRA_SLOTS.get(extraKey(item))
}

/** Rank of an extra item's key within its slot, for order checks. */
export function extraRank(item: string): number {
  return [...EXTRA_SLOTS.keys()].indexOf(extraKey(item))
}

/**
 * glibc inet_ntop for IPv6: the longest run (first on ties) of two or more zero groups becomes
 * `::`, and a ::/96 or ::ffff:0:0/96 address prints its last 32 bits as a dotted quad.
 */
export function ntop6(v: bigint): string {
  const g: number[] = []
  for (let i = 7; i >= 0; i--) g.push(Number((v >> BigInt(i * 16)) & 0xffffn))
  let best = { base: -1, len: 0 }
  for (let i = 0; i < 8; ) {
    if (g[i] !== 0) {
      i++
      continue
    }
    let j = i
    while (j < 8 && g[j] === 0) j++
    if (j - i > best.len) best = { base: i, len: j - i }
    i = j
  }
  if (best.len < 2) best = { base: -1, len: 0 }
  const v4 = best.base === 0 && (best.len === 6 || (best.len === 5 && g[5] === 0xffff))
  const words = v4 ? g.slice(0, 6) : g
  const hex = (a: number[]) => a.map((x) => x.toString(16)).join(':')
  let text: string
  if (best.base < 0) text = hex(words)
  else {
    const head = hex(words.slice(0, best.base))
    const tail = hex(words.slice(best.base + best.len))
    text = `${head}::${tail}`
  }
  if (!v4) return text
  const low = Number(v & 0xffffffffn)
  return `${text}${text.endsWith(':') ? '' : ':'}${formatIPv4(low)}`
}

/** An address as the library prints it (inet_ntoa / inet_ntop). */
export function listAddr(text: string): string {
  const a = parseAddr(text)
  if (!a) return text
  return a.family === 4 ? formatIPv4(a.value) : ntop6(a.value)
}
