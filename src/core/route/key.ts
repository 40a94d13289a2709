/**
 * @module core/route/key
 * Addresses as routing sees them: an unsigned integer of 32 (IPv4) or 128 (IPv6) bits held in a
 * bigint, so one set of mask-and-compare helpers serves both families, as the kernel's fib code
 * serves `__be32` keys. Text in and out goes through core/net/ip.
 */
import { formatIPv4, formatIPv6, parseAddr } from '../net/ip.js'

export type Family = 4 | 6

/** Key width in bits. */
export function widthOf(family: Family): number {
  return family === 4 ? 32 : 128
}

const MASKS: Record<Family, bigint[]> = { 4: [], 6: [] }
for (const family of [4, 6] as const) {
  const w = widthOf(family)
  const all = (1n << BigInt(w)) - 1n
  for (let len = 0; len <= w; len++)
    MASKS[family].push(len === 0 ? 0n : (all >> BigInt(w - len)) << BigInt(w - len))
}

/** The netmask of a prefix length. */
export function maskOf(family: Family, len: number): bigint {
  const m = MASKS[family][len]
  if (m === undefined) throw new RangeError(`prefix length ${len} out of range for IPv${family}`)
  return m
}

/** `addr` lies inside `net/len` (the kernel's `inet_ifa_match`, `ipv6_prefix_equal`). */
export function inPrefix(family: Family, addr: bigint, net: bigint, len: number): boolean {
  const m = maskOf(family, len)
  return (addr & m) === (net & m)
}

/**
 * Parsed addresses by text. Routing parses the same few addresses over and over (a trace asks
 * for the route to one destination in every namespace it crosses); the cache is dropped
 * whole when it grows past {@link KEY_CACHE_MAX} entries, so it stays small.
 */
const KEYS = new Map<string, Readonly<{ family: Family; key: bigint }> | null>()
const KEY_CACHE_MAX = 1 << 16

/** Parse an address of the given family (or either when omitted). */
export function keyOf(
  text: string,
  family?: Family,
): Readonly<{ family: Family; key: bigint }> | undefined {
  let k = KEYS.get(text)
  if (k === undefined) {
    const a = parseAddr(text)
    k = a ? Object.freeze({ family: a.family, key: BigInt(a.value) }) : null
    if (KEYS.size >= KEY_CACHE_MAX) KEYS.clear()
    KEYS.set(text, k)
  }
  if (k === null || (family !== undefined && k.family !== family)) return undefined
  return k
}

export function keyText(family: Family, key: bigint): string {
  return family === 4 ? formatIPv4(Number(key)) : formatIPv6(key)
}

/** Canonical `net/len` text, `default` for length 0 and a bare address for a host prefix. */
export function prefixText(family: Family, net: bigint, len: number): string {
  if (len === 0) return 'default'
  const base = keyText(family, net & maskOf(family, len))
  return len === widthOf(family) ? base : `${base}/${len}`
}

// IPv4 special ranges (include/linux/in.h ipv4_is_*).
export const isZeronet4 = (k: bigint): boolean => k >> 24n === 0n
export const isLoopback4 = (k: bigint): boolean => k >> 24n === 127n
export const isMulticast4 = (k: bigint): boolean => k >> 28n === 0xen
export const isLbcast4 = (k: bigint): boolean => k === 0xffffffffn
/** 224.0.0.0/24: link-local multicast (`ipv4_is_local_multicast`). */
export const isLocalMulticast4 = (k: bigint): boolean => k >> 8n === 0xe00000n

export const isMulticast6 = (k: bigint): boolean => k >> 120n === 0xffn
export const isLinkLocal6 = (k: bigint): boolean => k >> 118n === 0x3fan
export const isLoopback6 = (k: bigint): boolean => k === 1n
