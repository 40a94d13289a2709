/**
 * @module core/conntrack/nat-range
 * NAT ranges (struct nf_nat_range2) in the form the allocator works with, the "is this tuple in
 * range" tests, and the choice of an address from a range (find_best_ips_proto), which hashes
 * the addresses with jhash exactly as the kernel does so that the same client maps to the same
 * address the kernel would pick.
 */
import { KpathError } from '../errors.js'
import { type Addr, formatAddr, parseAddr } from '../net/ip.js'
import { byteSwap32, jhash2, reciprocalScale } from './jhash.js'
import type { Tuple } from './model.js'
import { dstPortOf, isIcmpProto, srcPortOf } from './tuple.js'

export type Manip = 'src' | 'dst'

export interface NatRange {
  /** Absent = keep the address (e.g. REDIRECT sets it). */
  readonly minAddr?: string
  readonly maxAddr?: string
  /** Absent = keep the port unless a clash forces a change. */
  readonly minPort?: number
  readonly maxPort?: number
  /** NF_NAT_RANGE_PROTO_RANDOM (`--random`). */
  readonly random?: boolean
  /** NF_NAT_RANGE_PROTO_RANDOM_FULLY (`--random-fully`). */
  readonly randomFully?: boolean
  /** NF_NAT_RANGE_PERSISTENT (`--persistent`): the address choice ignores the destination. */
  readonly persistent?: boolean
}

/** The allocator's view of a range: the kernel's flags made explicit. */
export interface Range {
  /** NF_NAT_RANGE_MAP_IPS */
  readonly mapIps: boolean
  readonly minAddr: Addr | undefined
  readonly maxAddr: Addr | undefined
  /** NF_NAT_RANGE_PROTO_SPECIFIED */
  readonly protoSpecified: boolean
  readonly minPort: number
  readonly maxPort: number
  /** NF_NAT_RANGE_PROTO_RANDOM_ALL */
  readonly randomAll: boolean
  readonly persistent: boolean
}

function badRange(message: string): KpathError {
  return new KpathError('KPATH_INVALID_ARGUMENT', message, {
    hint: 'a NAT range needs addresses of the connection family, ports 0-65535, min <= max',
  })
}

function rangeAddr(text: string, family: 4 | 6): Addr {
  const a = parseAddr(text)
  if (!a || a.family !== family) throw badRange(`"${text}" is not an IPv${family} address`)
  return a
}

function addrCompare(a: Addr, b: Addr): number {
  const x = BigInt(a.value)
  const y = BigInt(b.value)
  return x < y ? -1 : x > y ? 1 : 0
}

function checkPort(p: number): number {
  if (!Number.isInteger(p) || p < 0 || p > 65535) throw badRange(`port ${p} is out of range`)
  return p
}

export function normalizeRange(r: NatRange, l3: 'ipv4' | 'ipv6'): Range {
  const family = l3 === 'ipv4' ? 4 : 6
  if (r.minAddr === undefined && r.maxAddr !== undefined) throw badRange('maxAddr without minAddr')
  const minAddr = r.minAddr === undefined ? undefined : rangeAddr(r.minAddr, family)
  const maxAddr = r.maxAddr === undefined ? minAddr : rangeAddr(r.maxAddr, family)
  if (minAddr && maxAddr && addrCompare(minAddr, maxAddr) > 0) {
    throw badRange(`address range ${r.minAddr}-${r.maxAddr} runs backwards`)
  }
  if (r.minPort === undefined && r.maxPort !== undefined) throw badRange('maxPort without minPort')
  let minPort = checkPort(r.minPort ?? 0)
  let maxPort = checkPort(r.maxPort ?? minPort)
  // nf_nat_l4proto_unique_tuple swaps a backwards port range rather than refusing it.
  if (maxPort < minPort) [minPort, maxPort] = [maxPort, minPort]
  return {
    mapIps: minAddr !== undefined,
    minAddr,
    maxAddr,
    protoSpecified: r.minPort !== undefined,
    minPort,
    maxPort,
    randomAll: r.random === true || r.randomFully === true,
    persistent: r.persistent === true,
  }
}

/** l4proto_in_range: is the manipulable port (or ICMP id) of `t` inside the range? */
export function l4InRange(t: Tuple, proto: number, manip: Manip, r: Range): boolean {
  const value = isIcmpProto(proto) || manip === 'src' ? srcPortOf(t, proto) : dstPortOf(t, proto)
  if (value === undefined) return true
  return value >= r.minPort && value <= r.maxPort
}

/** nf_in_range: would source-mapping to `t` satisfy the range (address and port)? */
export function srcInRange(t: Tuple, proto: number, r: Range): boolean {
  if (r.mapIps && r.minAddr && r.maxAddr) {
    const a = parseAddr(t.src)
    if (!a || addrCompare(a, r.minAddr) < 0 || addrCompare(a, r.maxAddr) > 0) return false
  }
  return !r.protoSpecified || l4InRange(t, proto, 'src', r)
}

/** The address as the four u32 words of union nf_inet_addr, in host (big-endian value) order. */
function beWords(a: Addr): number[] {
  if (a.family === 4) return [a.value >>> 0, 0, 0, 0]
  return [96n, 64n, 32n, 0n].map((s) => Number((a.value >> s) & 0xffffffffn))
}

function fromBeWords(words: readonly number[], family: 4 | 6): string {
  if (family === 4) return formatAddr({ family: 4, value: (words[0] ?? 0) >>> 0 })
  let v = 0n
  for (const w of words) v = (v << 32n) | BigInt(w >>> 0)
  return formatAddr({ family: 6, value: v })
}

/**
 * find_best_ips_proto: the address to map to from the range (source for SNAT, destination for
 * DNAT; the hash is the same). One address: that one.
 * Otherwise hash the source address (seeded with the destination unless persistent, and the
 * zone) and scale it onto the range, word by word for IPv6.
 */
export function bestAddress(t: Tuple, r: Range, zone: number): string | undefined {
  if (!r.mapIps || !r.minAddr || !r.maxAddr) return undefined
  if (addrCompare(r.minAddr, r.maxAddr) === 0) return formatAddr(r.minAddr)
  const family = r.minAddr.family
  const last = family === 4 ? 0 : 3
  const src = parseAddr(t.src)
  const dst = parseAddr(t.dst)
  if (!src || !dst) throw badRange(`tuple ${t.src} -> ${t.dst} has no valid addresses`)
  // The kernel hashes the words as the CPU loads them from network-order memory.
  const srcMem = beWords(src).map(byteSwap32)
  const dstMem = beWords(dst).map(byteSwap32)
  let j = jhash2(srcMem, r.persistent ? 0 : ((dstMem[last] ?? 0) ^ zone) >>> 0)
  const min = beWords(r.minAddr)
  const max = beWords(r.maxAddr)
  const out: number[] = [0, 0, 0, 0]
  let fullRange = false
  for (let i = 0; i <= last; i++) {
    const lo = fullRange ? 0 : (min[i] ?? 0)
    const dist = fullRange ? 0xffffffff : ((max[i] ?? 0) - lo + 1) >>> 0
    out[i] = (lo + reciprocalScale(j, dist)) >>> 0
    if (out[i] !== max[i]) fullRange = true
    if (!r.persistent) j = (j ^ (dstMem[i] ?? 0)) >>> 0
  }
  return fromBeWords(out, family)
}
