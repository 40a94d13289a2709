/**
 * @module core/kube/proxy/nftables/anon-set
 * How nft 1.0.6 prints an anonymous set of addresses written into a rule, as kube-proxy writes
 * `ip saddr != { 203.0.113.0/25 , 5.6.7.8 } drop` (verified against real nft):
 *
 * - a set of ONE element is turned into a plain comparison: `ip saddr != 203.0.113.0/25`;
 * - otherwise the elements become an interval set: sorted, overlapping ranges merged, and
 *   adjacent ranges merged unless both sides are plain addresses; each result prints as an
 *   address (one address), a prefix (an aligned block) or `first-last`, joined by `, `.
 */
import { formatGoIP, parseCIDRSloppy, parseIPSloppy } from '../ip-text.js'

interface Range {
  readonly first: bigint
  readonly last: bigint
  /** Written as a plain address (not a prefix): such neighbours are not merged. */
  readonly plain: boolean
}

function toRange(text: string, bits: number): Range | undefined {
  if (!text.includes('/')) {
    const a = parseIPSloppy(text)
    return a && { first: BigInt(a.value), last: BigInt(a.value), plain: true }
  }
  const c = parseCIDRSloppy(text)
  if (!c || c.len === undefined) return undefined
  const size = 1n << BigInt(bits - c.len)
  return { first: BigInt(c.addr), last: BigInt(c.addr) + size - 1n, plain: false }
}

/** Math.max for bigint (Math.max takes numbers only). */
function bigMax(a: bigint, b: bigint): bigint {
  return a > b ? a : b
}

function merge(ranges: readonly Range[]): Range[] {
  const sorted = [...ranges].sort((a, b) => (a.first < b.first ? -1 : a.first > b.first ? 1 : 0))
  const out: Range[] = []
  for (const r of sorted) {
    const prev = out[out.length - 1]
    const overlaps = prev !== undefined && r.first <= prev.last
    const adjacent = prev !== undefined && r.first === prev.last + 1n && !(prev.plain && r.plain)
    if (prev && (overlaps || adjacent)) {
      const same = overlaps && r.first === prev.first && r.last === prev.last
      out[out.length - 1] = {
        first: prev.first,
        last: bigMax(prev.last, r.last),
        plain: same && prev.plain && r.plain,
      }
    } else out.push(r)
  }
  return out
}

function addrText(v: bigint, bits: number): string {
  return formatGoIP(bits === 32 ? { family: 4, value: Number(v) } : { family: 6, value: v })
}

/** An address, a prefix when the range is an aligned block, else `first-last`. */
function rangeText(r: Range, bits: number): string {
  if (r.first === r.last) return addrText(r.first, bits)
  const size = r.last - r.first + 1n
  const len = bits - (size.toString(2).length - 1)
  const aligned = (size & (size - 1n)) === 0n && r.first % size === 0n
  return aligned
    ? `${addrText(r.first, bits)}/${len}`
    : `${addrText(r.first, bits)}-${addrText(r.last, bits)}`
}

/** The `{ a , b }` kube-proxy writes into its transaction. */
export function anonSetTx(items: readonly string[]): string {
  return `{ ${items.join(' , ')} }`
}

/** How `nft list` prints that set (see the module comment). */
export function anonSetListed(items: readonly string[], family: 'IPv4' | 'IPv6'): string {
  const bits = family === 'IPv4' ? 32 : 128
  const ranges = items.map((t) => toRange(t, bits))
  if (ranges.some((r) => r === undefined)) return anonSetTx(items)
  const valid = ranges.filter((r): r is Range => r !== undefined)
  if (valid.length === 1 && valid[0]) return rangeText(valid[0], bits)
  return `{ ${merge(valid)
    .map((r) => rangeText(r, bits))
    .join(', ')} }`
}
