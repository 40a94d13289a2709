/**
 * @module core/kube/controllers/ranges
 * Address arithmetic for the allocators: a CIDR as a first address and a size, both families
 * as bigint, so "the n-th address" and "the n-th /24 of a /16" are one addition.
 */
import { formatAddr, parseAddr, parseCidr } from '../../net/ip.js'

export interface Range {
  readonly family: 4 | 6
  readonly first: bigint
  readonly prefix: number
}

const WIDTH = { 4: 32, 6: 128 } as const

export function parseRange(text: string): Range | undefined {
  const c = parseCidr(text.trim())
  if (c === undefined || c.len === undefined) return undefined
  return { family: c.family, first: BigInt(c.addr), prefix: c.len }
}

/** `10.244.0.0/16,fd00:10:244::/56` → one range per entry. */
export function parseRanges(list: string | undefined): Range[] {
  if (list === undefined || list.trim() === '') return []
  return list.split(',').flatMap((t) => parseRange(t) ?? [])
}

export function rangeSize(r: Range): bigint {
  return 1n << BigInt(WIDTH[r.family] - r.prefix)
}

export function addressAt(r: Range, index: bigint): string {
  const v = r.first + index
  return r.family === 4
    ? formatAddr({ family: 4, value: Number(v) })
    : formatAddr({ family: 6, value: v })
}

/** Offset of `address` inside `r`, or undefined when it lies outside (or is another family). */
export function indexIn(r: Range, address: string): bigint | undefined {
  const a = parseAddr(address)
  if (a === undefined || a.family !== r.family) return undefined
  const i = BigInt(a.value) - r.first
  return i >= 0n && i < rangeSize(r) ? i : undefined
}

/** The `index`-th subnet of length `prefix` inside `r`, as CIDR text. */
export function subnetAt(r: Range, prefix: number, index: bigint): string {
  const step = 1n << BigInt(WIDTH[r.family] - prefix)
  return `${addressAt(r, index * step)}/${prefix}`
}

export function familyOf(address: string): 4 | 6 | undefined {
  return parseAddr(address)?.family
}
