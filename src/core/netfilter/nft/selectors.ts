/**
 * @module core/netfilter/nft/selectors
 * The expressions nft can read from a packet, with the datatype of each (nft's `describe`
 * names): payload fields per protocol header, meta keys, ct keys, fib results. The parser uses
 * the tables to recognise selectors, the printer to lay out set elements, and the engine to
 * give literals their meaning.
 */
import type { NftExpr, NftSetKey } from './model.js'

/** Header fields per protocol, with their datatype (src/proto.c of nftables). */
export const PAYLOAD_FIELDS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  ip: {
    version: 'integer',
    hdrlength: 'integer',
    dscp: 'dscp',
    ecn: 'ecn',
    length: 'integer',
    id: 'integer',
    'frag-off': 'integer',
    ttl: 'integer',
    protocol: 'inet_proto',
    checksum: 'integer',
    saddr: 'ipv4_addr',
    daddr: 'ipv4_addr',
  },
  ip6: {
    version: 'integer',
    dscp: 'dscp',
    ecn: 'ecn',
    flowlabel: 'integer',
    length: 'integer',
    nexthdr: 'inet_proto',
    hoplimit: 'integer',
    saddr: 'ipv6_addr',
    daddr: 'ipv6_addr',
  },
  tcp: {
    sport: 'inet_service',
    dport: 'inet_service',
    sequence: 'integer',
    ackseq: 'integer',
    doff: 'integer',
    flags: 'tcp_flag',
    window: 'integer',
    checksum: 'integer',
    urgptr: 'integer',
  },
  udp: { sport: 'inet_service', dport: 'inet_service', length: 'integer', checksum: 'integer' },
  udplite: { sport: 'inet_service', dport: 'inet_service', checksum: 'integer' },
  sctp: { sport: 'inet_service', dport: 'inet_service', vtag: 'integer', checksum: 'integer' },
  th: { sport: 'inet_service', dport: 'inet_service' },
  icmp: {
    type: 'icmp_type',
    code: 'icmp_code',
    checksum: 'integer',
    id: 'integer',
    sequence: 'integer',
    gateway: 'ipv4_addr',
    mtu: 'integer',
  },
  icmpv6: {
    type: 'icmpv6_type',
    code: 'icmpv6_code',
    checksum: 'integer',
    id: 'integer',
    sequence: 'integer',
    mtu: 'integer',
    'max-delay': 'integer',
  },
  ether: { saddr: 'ether_addr', daddr: 'ether_addr', type: 'ether_type' },
}

/** Every meta key of nft 1.0.6 with its datatype (src/meta.c). */
export const META_KEYS: Readonly<Record<string, string>> = {
  length: 'integer',
  protocol: 'ether_type',
  priority: 'classid',
  mark: 'mark',
  iif: 'iface_index',
  iifname: 'ifname',
  iiftype: 'iface_type',
  oif: 'iface_index',
  oifname: 'ifname',
  oiftype: 'iface_type',
  skuid: 'uid',
  skgid: 'gid',
  nftrace: 'integer',
  rtclassid: 'realm',
  ibrname: 'ifname',
  obrname: 'ifname',
  ibrpvid: 'integer',
  ibrvproto: 'ether_type',
  pkttype: 'pkt_type',
  cpu: 'integer',
  iifgroup: 'devgroup',
  oifgroup: 'devgroup',
  cgroup: 'integer',
  random: 'integer',
  ipsec: 'boolean',
  iifkind: 'ifname',
  oifkind: 'ifname',
  time: 'time',
  day: 'day',
  hour: 'hour',
  secmark: 'integer',
  sdif: 'iface_index',
  sdifname: 'ifname',
  broute: 'integer',
  nfproto: 'nf_proto',
  l4proto: 'inet_proto',
  secpath: 'boolean',
}

/** Meta keys nft prints without the `meta` keyword (meta_key_is_unqualified). */
export const UNQUALIFIED_META: ReadonlySet<string> = new Set([
  'iif',
  'oif',
  'iifname',
  'oifname',
  'iifgroup',
  'oifgroup',
])

/** ct keys with their datatype; `saddr`/`daddr` depend on the family (src/ct.c). */
export const CT_KEYS: Readonly<Record<string, string>> = {
  state: 'ct_state',
  direction: 'ct_dir',
  status: 'ct_status',
  mark: 'mark',
  expiration: 'time',
  helper: 'string',
  l3proto: 'nf_proto',
  protocol: 'inet_proto',
  saddr: 'ipv4_addr',
  daddr: 'ipv4_addr',
  'proto-src': 'inet_service',
  'proto-dst': 'inet_service',
  label: 'ct_label',
  bytes: 'integer',
  packets: 'integer',
  avgpkt: 'integer',
  zone: 'integer',
  event: 'ct_event',
  id: 'integer',
  secmark: 'integer',
}

export const FIB_FLAGS: ReadonlySet<string> = new Set(['saddr', 'daddr', 'mark', 'iif', 'oif'])
export const FIB_RESULTS: Readonly<Record<string, string>> = {
  type: 'fib_addrtype',
  oif: 'iface_index',
  oifname: 'ifname',
}

/** The datatype of an expression, or undefined when it has none (a literal). */
export function exprType(e: NftExpr): string | undefined {
  switch (e.kind) {
    case 'payload':
      return PAYLOAD_FIELDS[e.proto]?.[e.field]
    case 'meta':
      return META_KEYS[e.key]
    case 'ct':
      if ((e.key === 'saddr' || e.key === 'daddr') && e.family === 'ip6') return 'ipv6_addr'
      return CT_KEYS[e.key]
    case 'fib':
      return FIB_RESULTS[e.result]
    case 'numgen':
      return 'integer'
    case 'binop':
      return exprType(e.left)
    case 'map':
      return undefined
    case 'concat':
      return 'concat'
    default:
      return undefined
  }
}

/** The component datatypes of a set key declaration. */
export function keyTypes(k: NftSetKey): readonly (string | undefined)[] {
  if (k.kind === 'type') return k.types
  return k.expr.kind === 'concat' ? k.expr.items.map(exprType) : [exprType(k.expr)]
}

const TWO_PER_LINE: ReadonlySet<string> = new Set([
  'ipv4_addr',
  'ct_state',
  'ct_status',
  'pkt_type',
])
const FIVE_PER_LINE: ReadonlySet<string> = new Set([
  'nf_proto',
  'integer',
  'arp_op',
  'inet_proto',
  'inet_service',
  'tcp_flag',
  'dccp_pkttype',
  'mark',
  'iface_index',
  'classid',
  'uid',
  'gid',
  'ct_dir',
])

/**
 * How many elements nft prints per line in a named set's `elements = { … }`: two for IPv4
 * addresses and a few flag types, five for numbers, ports, protocols and marks, one for anything
 * else (concatenations, IPv6 addresses, strings). Measured on nft 1.0.6 (see the fixtures);
 * anonymous sets in rules are always printed on one line.
 */
export function elementsPerLine(k: NftSetKey): number {
  const types = keyTypes(k)
  if (types.length !== 1) return 1
  const t = types[0]
  if (t === undefined) return 1
  if (TWO_PER_LINE.has(t)) return 2
  if (FIVE_PER_LINE.has(t)) return 5
  return 1
}
