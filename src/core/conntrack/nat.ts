/**
 * @module core/conntrack/nat
 * NAT on top of conntrack (net/netfilter/nf_nat_core.c, nf_nat_proto.c): binding a new
 * connection to a NAT range, the null binding a connection gets when no rule NATs it, and the
 * packet rewrite each hook does from the binding. Only the first packet of a connection meets
 * the nat table; every later packet, replies included, is rewritten from the binding alone.
 */
import { KpathError, unsupported } from '../errors.js'
import type { Packet } from '../model/packet.js'
import { type Conn, type CtDir, otherDir, tupleOf } from './conn.js'
import { isIcmpError } from './icmp-error.js'
import type { Tuple } from './model.js'
import { type Manip, type NatRange, normalizeRange } from './nat-range.js'
import { type Rand, uniqueTuple } from './nat-unique.js'
import type { ConntrackTable } from './table.js'
import { isIcmpProto, isPortProto, mustInvert, tupleEquals } from './tuple.js'

export type { Manip, NatRange } from './nat-range.js'

/**
 * nf_nat_setup_info for a new connection: bind SNAT (`src`) or DNAT (`dst`) from `range`,
 * choosing a unique tuple (keep the port if free, else search the range; `rand` in [0, 1)
 * drives the kernel's random offsets), update conn.reply and the status bits.
 *
 * @example
 * // MASQUERADE out of 192.168.1.1
 * bindNat(table, conn, 'src', { minAddr: '192.168.1.1' }, Math.random)
 */
export function bindNat(
  table: ConntrackTable,
  conn: Conn,
  manip: Manip,
  range: NatRange,
  rand: Rand,
): void {
  if (conn.status.confirmed) {
    throw new KpathError('KPATH_INVALID_ARGUMENT', 'NAT can only be bound to a new connection', {
      hint: 'the nat table is consulted only for the first packet (ctstate NEW) of a connection',
    })
  }
  const done = manip === 'src' ? 'srcNatDone' : 'dstNatDone'
  if (conn.status[done]) {
    throw new KpathError(
      'KPATH_INVALID_ARGUMENT',
      `${manip} NAT is already set up for this connection`,
    )
  }
  const r = normalizeRange(range, conn.l3)
  // What the packet looks like now: the inverse of the reply (earlier manips included).
  const current = mustInvert(conn.reply, conn.proto)
  const chosen = uniqueTuple(table, conn, current, r, manip, rand)
  if (!tupleEquals(chosen, current)) {
    conn.reply = mustInvert(chosen, conn.proto)
    if (manip === 'src') conn.status.srcNat = true
    else conn.status.dstNat = true
  }
  conn.status[done] = true
}

/**
 * nf_nat_alloc_null_binding: no rule NATed this manip type, but the tuple must still be
 * unique (a local source port may collide with an existing SNAT mapping and be moved).
 */
export function nullBinding(table: ConntrackTable, conn: Conn, manip: Manip, rand: Rand): void {
  const addr = manip === 'src' ? conn.reply.dst : conn.reply.src
  bindNat(table, conn, manip, { minAddr: addr, maxAddr: addr }, rand)
}

function natBitSet(conn: Conn, manip: Manip, dir: CtDir): boolean {
  // In the reply direction a source NAT is undone on the destination and vice versa.
  const srcBit = (manip === 'src') === (dir === 'original')
  return srcBit ? conn.status.srcNat : conn.status.dstNat
}

/** ICMP types whose id field NAT rewrites (queries and answers, not errors). */
const ICMP_ID_TYPES: ReadonlySet<number> = new Set([
  0, 8, 13, 14, 15, 16, 17, 18, 128, 129, 139, 140,
])

/** nf_nat_ipv4_manip_pkt: set the address and port (or ICMP id) of one side from `target`. */
function manipPacket(pkt: Packet, proto: number, target: Tuple, manip: Manip): Packet {
  if (manip === 'src') {
    const out: Packet = { ...pkt, src: target.src }
    if (isPortProto(proto) && target.sport !== undefined) return { ...out, sport: target.sport }
    return withIcmpId(out, proto, target)
  }
  const out: Packet = { ...pkt, dst: target.dst }
  if (isPortProto(proto) && target.dport !== undefined) return { ...out, dport: target.dport }
  return withIcmpId(out, proto, target)
}

function withIcmpId(pkt: Packet, proto: number, target: Tuple): Packet {
  // icmp_manip_pkt writes the id of query/answer types whichever side is manipulated.
  if (!isIcmpProto(proto) || !ICMP_ID_TYPES.has(pkt.icmpType ?? -1)) return pkt
  return target.icmpId === undefined ? pkt : { ...pkt, icmpId: target.icmpId }
}

/**
 * nf_nat_packet: rewrite the packet as the bound NAT requires for `dir` at a hook whose manip
 * type is `manip` (PREROUTING/OUTPUT = `dst`, POSTROUTING/INPUT = `src`). Replies are un-NATed
 * here, without walking the nat table. ICMP errors get their quoted header rewritten too.
 */
export function natPacket(conn: Conn, dir: CtDir, manip: Manip, pkt: Packet): Packet {
  if (isIcmpError(pkt) && pkt.inner) return icmpErrorTranslation(conn, dir, manip, pkt, pkt.inner)
  if (!natBitSet(conn, manip, dir)) return pkt
  const target = mustInvert(tupleOf(conn, otherDir(dir)), conn.proto)
  return manipPacket(pkt, conn.proto, target, manip)
}

/**
 * nf_nat_icmp_reply_translation: an ICMP error RELATED to a NATed connection. The quoted
 * header is changed back to what its sender saw (the opposite manip, because the error may not
 * pass every hook), then the outer header is rewritten like a reply to the connection.
 */
function icmpErrorTranslation(
  conn: Conn,
  dir: CtDir,
  manip: Manip,
  pkt: Packet,
  inner: Packet,
): Packet {
  if (pkt.icmpType === 5 && pkt.proto !== 58 && (conn.status.srcNat || conn.status.dstNat)) {
    throw unsupported(
      'an ICMP redirect about a NATed connection is dropped by the kernel',
      undefined,
      'kpath does not model dropping from inside NAT; filter redirects explicitly',
    )
  }
  if (!natBitSet(conn, manip, dir)) return pkt
  const other = tupleOf(conn, otherDir(dir))
  const quoted = manipPacket(inner, conn.proto, other, manip === 'src' ? 'dst' : 'src')
  const target = mustInvert(other, conn.proto)
  const outer = manip === 'src' ? { src: target.src } : { dst: target.dst }
  return { ...pkt, ...outer, inner: quoted }
}
