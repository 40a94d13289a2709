/**
 * @module core/netfilter/engine/nft/values
 * The meaning of a literal, given the datatype of what it is compared with (as nft evaluates
 * it): addresses, prefixes and ranges become intervals, names become the numbers the kernel
 * compares (`tcp` is 6, `established` is bit 1 of the ct state, `local` is RTN_LOCAL).
 */
import { parseIPv4, parseIPv6, v4Mask, v6Mask } from '../../../net/ip.js'
import { durationSeconds } from '../../nft/time.js'

/** A value read from a packet: a number, an IPv6 address, or a name (interfaces). */
export type Scalar = number | bigint | string

/** A literal ready to compare: one value, an interval, or an interface-name prefix. */
export type Literal =
  | { readonly kind: 'exact'; readonly value: Scalar }
  | { readonly kind: 'range'; readonly lo: number | bigint; readonly hi: number | bigint }
  | { readonly kind: 'prefix'; readonly prefix: string }

/** Datatypes whose implicit comparison is a flag test, `(value & flags) != 0`. */
export const BITMASK_TYPES: ReadonlySet<string> = new Set(['ct_state', 'ct_status', 'tcp_flag'])

const CT_STATE: Readonly<Record<string, number>> = {
  invalid: 1,
  established: 2,
  related: 4,
  new: 8,
  untracked: 64,
}
const CT_STATUS: Readonly<Record<string, number>> = {
  expected: 1,
  'seen-reply': 2,
  assured: 4,
  confirmed: 8,
  snat: 16,
  dnat: 32,
  dying: 512,
}
const TCP_FLAGS: Readonly<Record<string, number>> = {
  fin: 1,
  syn: 2,
  rst: 4,
  psh: 8,
  ack: 16,
  urg: 32,
  ecn: 64,
  cwr: 128,
}
/** RTN_* route types, as `fib … type` returns them. */
export const FIB_TYPES: Readonly<Record<string, number>> = {
  unspec: 0,
  unicast: 1,
  local: 2,
  broadcast: 3,
  anycast: 4,
  multicast: 5,
  blackhole: 6,
  unreachable: 7,
  prohibit: 8,
  throw: 9,
  nat: 10,
  xresolve: 11,
}
/** Protocol names as nft prints them (getprotobynumber, Debian netbase /etc/protocols). */
export const PROTOCOLS: Readonly<Record<string, number>> = {
  ip: 0,
  hopopt: 0,
  icmp: 1,
  igmp: 2,
  ipencap: 4,
  tcp: 6,
  egp: 8,
  udp: 17,
  dccp: 33,
  ipv6: 41,
  'ipv6-route': 43,
  'ipv6-frag': 44,
  rsvp: 46,
  gre: 47,
  esp: 50,
  ah: 51,
  'ipv6-icmp': 58,
  'ipv6-nonxt': 59,
  'ipv6-opts': 60,
  eigrp: 88,
  ospf: 89,
  ipip: 94,
  etherip: 97,
  pim: 103,
  ipcomp: 108,
  vrrp: 112,
  l2tp: 115,
  sctp: 132,
  'mobility-header': 135,
  udplite: 136,
  'mpls-in-ip': 137,
  mptcp: 262,
}
const NF_PROTO: Readonly<Record<string, number>> = { ipv4: 2, ipv6: 10 }
const ETHER_TYPE: Readonly<Record<string, number>> = {
  ip: 0x0800,
  arp: 0x0806,
  ip6: 0x86dd,
  vlan: 0x8100,
  '8021ad': 0x88a8,
}
const CT_DIR: Readonly<Record<string, number>> = { original: 0, reply: 1 }
const ICMP_TYPES: Readonly<Record<string, number>> = {
  'echo-reply': 0,
  'destination-unreachable': 3,
  'source-quench': 4,
  redirect: 5,
  'echo-request': 8,
  'router-advertisement': 9,
  'router-solicitation': 10,
  'time-exceeded': 11,
  'parameter-problem': 12,
  'timestamp-request': 13,
  'timestamp-reply': 14,
  'info-request': 15,
  'info-reply': 16,
  'address-mask-request': 17,
  'address-mask-reply': 18,
}
const ICMPV6_TYPES: Readonly<Record<string, number>> = {
  'destination-unreachable': 1,
  'packet-too-big': 2,
  'time-exceeded': 3,
  'parameter-problem': 4,
  'echo-request': 128,
  'echo-reply': 129,
  'mld-listener-query': 130,
  'mld-listener-report': 131,
  'mld-listener-done': 132,
  'nd-router-solicit': 133,
  'nd-router-advert': 134,
  'nd-neighbor-solicit': 135,
  'nd-neighbor-advert': 136,
  'nd-redirect': 137,
  'router-renumbering': 138,
  'ind-neighbor-solicit': 141,
  'ind-neighbor-advert': 142,
  'mld2-listener-report': 143,
}
export const ICMP_CODES: Readonly<Record<string, number>> = {
  'net-unreachable': 0,
  'host-unreachable': 1,
  'prot-unreachable': 2,
  'port-unreachable': 3,
  'frag-needed': 4,
  'net-prohibited': 9,
  'host-prohibited': 10,
  'admin-prohibited': 13,
}
export const ICMPV6_CODES: Readonly<Record<string, number>> = {
  'no-route': 0,
  'admin-prohibited': 1,
  'addr-unreachable': 3,
  'port-unreachable': 4,
  'policy-fail': 5,
  'reject-route': 6,
}
const PKT_TYPE: Readonly<Record<string, number>> = { host: 0, broadcast: 1, multicast: 2, other: 3 }
const DEVGROUP: Readonly<Record<string, number>> = { default: 0 }

/** Symbolic names per datatype; numbers are accepted for all of them. */
const NAMES: Readonly<Record<string, Readonly<Record<string, number>>>> = {
  inet_proto: PROTOCOLS,
  nf_proto: NF_PROTO,
  ether_type: ETHER_TYPE,
  ct_dir: CT_DIR,
  fib_addrtype: FIB_TYPES,
  icmp_type: ICMP_TYPES,
  icmpv6_type: ICMPV6_TYPES,
  icmp_code: ICMP_CODES,
  icmpv6_code: ICMPV6_CODES,
  pkt_type: PKT_TYPE,
  devgroup: DEVGROUP,
}
const FLAG_NAMES: Readonly<Record<string, Readonly<Record<string, number>>>> = {
  ct_state: CT_STATE,
  ct_status: CT_STATUS,
  tcp_flag: TCP_FLAGS,
}
const NUMERIC: ReadonlySet<string> = new Set([
  'integer',
  'inet_service',
  'mark',
  'uid',
  'gid',
  'classid',
  'realm',
  'dscp',
  'ecn',
  'iface_type',
])

function num(text: string): number | undefined {
  if (/^0x[0-9a-fA-F]{1,8}$/.test(text)) return Number.parseInt(text, 16)
  if (/^[0-9]{1,10}$/.test(text)) return Number(text)
  return undefined
}

function addrValue(text: string, v6: boolean): number | bigint | undefined {
  return v6 ? parseIPv6(text) : parseIPv4(text)
}

/** `a`, `a/len`, `a-b` for an address family. */
function addrLiteral(text: string, v6: boolean): Literal | undefined {
  const slash = text.indexOf('/')
  if (slash >= 0) {
    const base = addrValue(text.slice(0, slash), v6)
    const len = Number(text.slice(slash + 1))
    if (base === undefined || !/^[0-9]{1,3}$/.test(text.slice(slash + 1))) return undefined
    if (typeof base === 'bigint') {
      if (len > 128) return undefined
      const m = v6Mask(len)
      return { kind: 'range', lo: base & m, hi: (base & m) | (~m & ((1n << 128n) - 1n)) }
    }
    if (len > 32) return undefined
    const m = v4Mask(len)
    return { kind: 'range', lo: (base & m) >>> 0, hi: ((base & m) | (~m >>> 0)) >>> 0 }
  }
  const exact = addrValue(text, v6)
  if (exact !== undefined) return { kind: 'exact', value: exact }
  // A range: split at the dash between two addresses (IPv6 has none of its own).
  const dash = text.indexOf('-')
  const lo = dash < 0 ? undefined : addrValue(text.slice(0, dash), v6)
  const hi = dash < 0 ? undefined : addrValue(text.slice(dash + 1), v6)
  return lo === undefined || hi === undefined ? undefined : { kind: 'range', lo, hi }
}

function namedNumber(
  text: string,
  names: Readonly<Record<string, number>> | undefined,
): number | undefined {
  return names?.[text] ?? num(text)
}

function numericLiteral(
  text: string,
  names?: Readonly<Record<string, number>>,
): Literal | undefined {
  const exact = namedNumber(text, names)
  if (exact !== undefined) return { kind: 'exact', value: exact }
  const dash = text.indexOf('-', 1)
  if (dash < 0) return undefined
  const lo = namedNumber(text.slice(0, dash), names)
  const hi = namedNumber(text.slice(dash + 1), names)
  return lo === undefined || hi === undefined ? undefined : { kind: 'range', lo, hi }
}

function flagsLiteral(text: string, names: Readonly<Record<string, number>>): Literal | undefined {
  let v = 0
  for (const part of text.split(',')) {
    const n = namedNumber(part, names)
    if (n === undefined) return undefined
    v |= n
  }
  return { kind: 'exact', value: v >>> 0 }
}

/**
 * The literal `text` (a quoted string when `quoted`) as a value of `dtype`, or undefined when
 * kpath cannot read it as one.
 */
export function parseLiteral(
  dtype: string | undefined,
  text: string,
  quoted: boolean,
): Literal | undefined {
  if (dtype === undefined) return undefined
  if (dtype === 'ifname' || dtype === 'iface_index' || dtype === 'string') {
    if (!quoted) return undefined
    // nft matches `"eth*"` as a name prefix (a trailing `\*` would be a literal star).
    if (text.endsWith('*') && !text.endsWith('\\*'))
      return { kind: 'prefix', prefix: text.slice(0, -1) }
    return { kind: 'exact', value: text.replace(/\\\*$/, '*') }
  }
  if (quoted) return undefined
  if (dtype === 'ipv4_addr') return addrLiteral(text, false)
  if (dtype === 'ipv6_addr') return addrLiteral(text, true)
  if (dtype === 'time') {
    const s = durationSeconds(text)
    return s === undefined ? undefined : { kind: 'exact', value: s }
  }
  const flags = FLAG_NAMES[dtype]
  if (flags) return flagsLiteral(text, flags)
  const names = NAMES[dtype]
  if (names || NUMERIC.has(dtype)) return numericLiteral(text, names)
  return undefined
}

/** Does `v` satisfy the literal? */
export function literalHas(l: Literal, v: Scalar): boolean {
  switch (l.kind) {
    case 'exact':
      return v === l.value
    case 'range':
      return typeof v !== 'string' && typeof v === typeof l.lo && v >= l.lo && v <= l.hi
    case 'prefix':
      return typeof v === 'string' && v.startsWith(l.prefix)
  }
}
