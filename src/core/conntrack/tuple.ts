/**
 * @module core/conntrack/tuple
 * Conntrack tuples: building one from a packet (nf_ct_get_tuple), inverting one
 * (nf_ct_invert_tuple) and comparing them. A tuple holds what the kernel hashes: addresses plus
 * the per-protocol part (ports, ICMP type/code/id, GRE keys).
 */
import { KpathError } from '../errors.js'
import { type Packet, PROTO } from '../model/packet.js'
import type { Tuple } from './model.js'

export const PROTO_GRE = 47
export const PROTO_DCCP = 33
export const PROTO_UDPLITE = 136

/** Protocols whose tuple carries source and destination ports. */
export function isPortProto(proto: number): boolean {
  return (
    proto === PROTO.tcp ||
    proto === PROTO.udp ||
    proto === PROTO.sctp ||
    proto === PROTO_DCCP ||
    proto === PROTO_UDPLITE
  )
}

export function isIcmpProto(proto: number): boolean {
  return proto === PROTO.icmp || proto === PROTO.icmpv6
}

/*
 * ICMP query types and their answers (the kernel's invmap): only these can be inverted, so
 * only they can have a connection. ICMPv6 numbers its queries from 128.
 */
const ICMP_INVERSE: ReadonlyMap<number, number> = new Map([
  [8, 0],
  [0, 8],
  [13, 14],
  [14, 13],
  [15, 16],
  [16, 15],
  [17, 18],
  [18, 17],
])
const ICMPV6_INVERSE: ReadonlyMap<number, number> = new Map([
  [128, 129],
  [129, 128],
  [139, 140],
  [140, 139],
])

/** The answer type of an ICMP(v6) query type, or undefined if the type has none. */
export function icmpInverseType(proto: number, type: number): number | undefined {
  return (proto === PROTO.icmp ? ICMP_INVERSE : ICMPV6_INVERSE).get(type)
}

/** The tuple of a packet in its own direction. */
export function tupleFromPacket(p: Packet): Tuple {
  if (isPortProto(p.proto)) {
    if (p.sport === undefined || p.dport === undefined) {
      throw new KpathError('KPATH_INVALID_ARGUMENT', `protocol ${p.proto} packet without ports`, {
        hint: 'set sport and dport on the packet',
      })
    }
    return { src: p.src, dst: p.dst, sport: p.sport, dport: p.dport }
  }
  if (isIcmpProto(p.proto)) {
    if (p.icmpType === undefined) {
      throw new KpathError('KPATH_INVALID_ARGUMENT', 'ICMP packet without a type', {
        hint: 'set icmpType (and icmpCode, icmpId) on the packet',
      })
    }
    // The kernel reads the echo id field whatever the type; absent means zero.
    return {
      src: p.src,
      dst: p.dst,
      icmpType: p.icmpType,
      icmpCode: p.icmpCode ?? 0,
      icmpId: p.icmpId ?? 0,
    }
  }
  // GRE version 0 (anything but PPTP) is keyed like the generic tracker: keys are zero.
  if (p.proto === PROTO_GRE) return { src: p.src, dst: p.dst, srcKey: 0, dstKey: 0 }
  return { src: p.src, dst: p.dst }
}

/**
 * The tuple of the other direction: addresses and ports swapped, an ICMP query turned into
 * its answer (same code and id). Undefined for an ICMP type that has no answer, which is why
 * such a packet cannot start a connection.
 */
export function invertTuple(t: Tuple, proto: number): Tuple | undefined {
  if (isIcmpProto(proto)) {
    const type = t.icmpType === undefined ? undefined : icmpInverseType(proto, t.icmpType)
    if (type === undefined) return undefined
    return {
      src: t.dst,
      dst: t.src,
      icmpType: type,
      icmpCode: t.icmpCode ?? 0,
      icmpId: t.icmpId ?? 0,
    }
  }
  if (isPortProto(proto))
    return { src: t.dst, dst: t.src, sport: t.dport ?? 0, dport: t.sport ?? 0 }
  if (proto === PROTO_GRE) {
    return { src: t.dst, dst: t.src, srcKey: t.dstKey ?? 0, dstKey: t.srcKey ?? 0 }
  }
  return { src: t.dst, dst: t.src }
}

/** The same tuple inverted, for protocols where inversion cannot fail (internal use). */
export function mustInvert(t: Tuple, proto: number): Tuple {
  const inv = invertTuple(t, proto)
  if (!inv)
    throw new KpathError(
      'KPATH_INVALID_ARGUMENT',
      `tuple of ICMP type ${t.icmpType} cannot be inverted`,
    )
  return inv
}

export function tupleEquals(a: Tuple, b: Tuple): boolean {
  return (
    a.src === b.src &&
    a.dst === b.dst &&
    a.sport === b.sport &&
    a.dport === b.dport &&
    a.icmpType === b.icmpType &&
    a.icmpCode === b.icmpCode &&
    a.icmpId === b.icmpId &&
    a.srcKey === b.srcKey &&
    a.dstKey === b.dstKey
  )
}

/** A hash key for a tuple of protocol `proto` in conntrack zone `zone`. */
export function tupleKey(t: Tuple, proto: number, zone: number): string {
  // One template, no array: every conntrack lookup and NAT uniqueness probe builds a key.
  const l4 = `${t.sport ?? ''},${t.dport ?? ''},${t.icmpType ?? ''},${t.icmpCode ?? ''}`
  return `${zone}/${proto}/${t.src}/${t.dst}/${l4},${t.icmpId ?? ''},${t.srcKey ?? ''},${t.dstKey ?? ''}`
}

/**
 * The "source part" of a tuple, what SNAT rewrites: the source address and the source port,
 * ICMP id or GRE source key (the kernel's `src` manip). `value` is that number.
 */
export function srcPortOf(t: Tuple, proto: number): number | undefined {
  if (isPortProto(proto)) return t.sport
  if (isIcmpProto(proto)) return t.icmpId
  if (proto === PROTO_GRE) return t.srcKey
  return undefined
}

/** The tuple with its manipulable source part replaced. */
export function withSrc(t: Tuple, proto: number, addr: string, port: number | undefined): Tuple {
  if (port === undefined) return { ...t, src: addr }
  if (isPortProto(proto)) return { ...t, src: addr, sport: port }
  if (isIcmpProto(proto)) return { ...t, src: addr, icmpId: port }
  if (proto === PROTO_GRE) return { ...t, src: addr, srcKey: port }
  return { ...t, src: addr }
}

/** The tuple with its manipulable destination part replaced (ports; ICMP has none). */
export function withDst(t: Tuple, proto: number, addr: string, port: number | undefined): Tuple {
  if (port !== undefined && isPortProto(proto)) return { ...t, dst: addr, dport: port }
  if (port !== undefined && proto === PROTO_GRE) return { ...t, dst: addr, dstKey: port }
  return { ...t, dst: addr }
}

/** The destination port (or GRE destination key) a DNAT manipulates. */
export function dstPortOf(t: Tuple, proto: number): number | undefined {
  if (isPortProto(proto)) return t.dport
  if (proto === PROTO_GRE) return t.dstKey
  return undefined
}
