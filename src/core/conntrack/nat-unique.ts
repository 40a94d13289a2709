/**
 * @module core/conntrack/nat-unique
 * get_unique_tuple (net/netfilter/nf_nat_core.c): choose the tuple a NAT binding gives a new
 * connection so that its reply tuple is not already in use. In order:
 * 1. SNAT only: keep the original source if it is in range and free, or reuse the mapping an
 *    existing connection from the same source already has (find_appropriate_src);
 * 2. pick the address from the range (jhash of the addresses);
 * 3. keep the port if it is in range and free;
 * 4. otherwise search the port range from a (pseudo-)random offset (nf_nat_l4proto_unique_tuple).
 *
 * Not modelled: the last-resort eviction of a TIME_WAIT connection whose sequence numbers have
 * moved on (nf_nat_used_tuple_harder); kpath has no sequence numbers, so such a tuple stays taken.
 */
import { KpathError } from '../errors.js'
import type { Conn } from './conn.js'
import type { Tuple } from './model.js'
import { bestAddress, l4InRange, type Manip, type Range, srcInRange } from './nat-range.js'
import type { ConntrackTable } from './table.js'
import {
  invertTuple,
  isIcmpProto,
  isPortProto,
  mustInvert,
  PROTO_UDPLITE,
  srcPortOf,
  tupleEquals,
  withDst,
  withSrc,
} from './tuple.js'

const NF_NAT_MAX_ATTEMPTS = 128

export type Rand = () => number

/** nf_nat_used_tuple: would `t` (an original-direction tuple) clash with another connection? */
function usedTuple(table: ConntrackTable, t: Tuple, conn: Conn): boolean {
  return table.tupleTaken(mustInvert(t, conn.proto), conn.proto, conn)
}

/** Protocols whose clashes the kernel resolves at insertion (l4proto->allow_clash). */
function allowsClash(proto: number): boolean {
  return proto === 17 || proto === PROTO_UDPLITE
}

/**
 * nf_nat_used_tuple_new: like usedTuple, but an un-NATed UDP flow whose clash is only the
 * mirror image of an un-NATed connection (both ends sent first at once) is not a clash.
 */
function usedTupleNew(table: ConntrackTable, t: Tuple, conn: Conn): boolean {
  if (!usedTuple(table, t, conn)) return false
  if (!allowsClash(conn.proto) || conn.status.srcNat || conn.status.dstNat) return true
  const zone = conn.zone ?? 0
  const inv = invertTuple(t, conn.proto)
  const hit = table.find(t, conn.proto, zone) ?? (inv && table.find(inv, conn.proto, zone))
  if (!hit) return false
  if (hit.dir !== 'reply' || hit.conn.status.srcNat || hit.conn.status.dstNat) return true
  return !(tupleEquals(hit.conn.orig, conn.reply) && tupleEquals(hit.conn.reply, conn.orig))
}

/** find_appropriate_src: reuse the mapping of the newest connection from the same source. */
function appropriateSrc(table: ConntrackTable, conn: Conn, t: Tuple, r: Range): Tuple | undefined {
  const port = srcPortOf(t, conn.proto)
  // The kernel's bysource chain has the newest connection first.
  for (const c of [...table.connections()].reverse()) {
    const sameZone = (c.zone ?? 0) === (conn.zone ?? 0)
    if (!c.status.srcNatDone || c.proto !== conn.proto || !sameZone) continue
    if (c.orig.src !== t.src || srcPortOf(c.orig, c.proto) !== port) continue
    const mapped = mustInvert(c.reply, c.proto)
    const result = withSrc(t, conn.proto, mapped.src, srcPortOf(mapped, c.proto))
    if (srcInRange(result, conn.proto, r)) return result
  }
  return undefined
}

function withAddress(t: Tuple, conn: Conn, manip: Manip, r: Range): Tuple {
  const addr = bestAddress(t, r, conn.zone ?? 0)
  if (addr === undefined) return t
  return manip === 'src' ? { ...t, src: addr } : { ...t, dst: addr }
}

export function uniqueTuple(
  table: ConntrackTable,
  conn: Conn,
  orig: Tuple,
  r: Range,
  manip: Manip,
  rand: Rand,
): Tuple {
  if (manip === 'src' && !r.randomAll) {
    if (srcInRange(orig, conn.proto, r)) {
      if (!usedTupleNew(table, orig, conn)) return orig
    } else {
      const found = appropriateSrc(table, conn, orig, r)
      if (found && !usedTuple(table, found, conn)) return found
    }
  }
  const t = withAddress(orig, conn, manip, r)
  if (!r.randomAll) {
    if (r.protoSpecified) {
      const single = r.minPort === r.maxPort
      if (l4InRange(t, conn.proto, manip, r) && (single || !usedTuple(table, t, conn))) return t
    } else if (!usedTuple(table, t, conn)) return t
  }
  return searchPort(table, conn, t, r, manip, rand)
}

interface PortSpace {
  readonly min: number
  readonly size: number
  readonly set: (port: number) => Tuple
}

/** The id/port space nf_nat_l4proto_unique_tuple searches, or undefined to keep the tuple. */
function portSpace(t: Tuple, conn: Conn, r: Range, manip: Manip): PortSpace | undefined {
  const proto = conn.proto
  if (isIcmpProto(proto)) {
    const set = (id: number) => ({ ...t, icmpId: id })
    return r.protoSpecified
      ? { min: r.minPort, size: r.maxPort - r.minPort + 1, set }
      : { min: 0, size: 65536, set }
  }
  // GRE keys are only rewritten for PPTP (a master connection), which kpath does not track.
  if (!isPortProto(proto)) return undefined
  const set = (p: number) =>
    manip === 'src' ? withSrc(t, proto, t.src, p) : withDst(t, proto, t.dst, p)
  if (r.protoSpecified) return { min: r.minPort, size: r.maxPort - r.minPort + 1, set }
  // Without a range a DNAT never changes the port; SNAT keeps to the port's class.
  if (manip === 'dst') return undefined
  const port = srcPortOf(t, proto) ?? 0
  if (port >= 1024) return { min: 1024, size: 65535 - 1024 + 1, set }
  // Loose convention: below 512 is credential passing.
  return port < 512 ? { min: 1, size: 511, set } : { min: 600, size: 1023 - 600 + 1, set }
}

function rand16(rand: Rand): number {
  const x = rand()
  if (!(x >= 0 && x < 1)) {
    throw new KpathError(
      'KPATH_INVALID_ARGUMENT',
      `rand() must return a number in [0, 1), got ${x}`,
    )
  }
  return Math.floor(x * 65536) & 0xffff
}

/**
 * The search: from a random offset (always for SNAT; for DNAT only with --random), try up to
 * 128 ports; if all are taken, halve the window and try again from a new random offset. If
 * nothing is free the last candidate stands and confirm() will report the clash.
 */
function searchPort(
  table: ConntrackTable,
  conn: Conn,
  t: Tuple,
  r: Range,
  manip: Manip,
  rand: Rand,
): Tuple {
  const space = portSpace(t, conn, r, manip)
  if (!space) return t
  let off = r.randomAll || manip !== 'dst' ? rand16(rand) : 0
  let attempts = Math.min(space.size, NF_NAT_MAX_ATTEMPTS)
  let candidate = t
  for (;;) {
    for (let i = 0; i < attempts; i++, off = (off + 1) & 0xffff) {
      candidate = space.set(space.min + (off % space.size))
      if (!usedTuple(table, candidate, conn)) return candidate
    }
    if (attempts >= space.size || attempts < 16) return candidate
    attempts = Math.floor(attempts / 2)
    off = rand16(rand)
  }
}
