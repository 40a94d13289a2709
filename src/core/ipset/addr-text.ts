/**
 * @module core/ipset/addr-text
 * Addresses, prefixes and ranges as they appear in ipset elements, and the kernel's way of
 * covering a range with prefixes (ip_set_range_to_cidr: from the low end, the largest aligned
 * block that does not pass the high end).
 */
import { parseIPv4, parseIPv6 } from '../net/ip.js'
import { hostBits, prefixMask } from './element.js'
import { LineError } from './line-error.js'
import { numberMessage, parseBounded } from './numbers.js'

/** Parse one address of `family`; other spellings ipset would accept are unsupported here. */
export function parseAddrText(text: string, family: 4 | 6, column: number): bigint {
  if (family === 6) {
    const v = parseIPv6(text)
    if (v !== undefined) return v
    if (parseIPv4(text) !== undefined) {
      throw new LineError(`${text} is an IPv4 address, but the set is inet6`, column)
    }
  } else {
    const v = parseIPv4(text)
    if (v !== undefined) return BigInt(v)
    if (parseIPv6(text) !== undefined) {
      throw new LineError(`${text} is an IPv6 address, but the set is inet`, column)
    }
    if (/^[0-9a-fA-FxX.]+$/.test(text) && /[0-9]/.test(text)) {
      throw new LineError(
        `"${text}" is not a dotted-quad IPv4 address`,
        column,
        'ipset reads inet_aton shorthand (octal, fewer than four parts); kpath takes a.b.c.d only',
        true,
      )
    }
  }
  if (/^[A-Za-z][A-Za-z0-9.-]*$/.test(text)) {
    throw new LineError(
      `"${text}" is a host name`,
      column,
      'ipset would resolve it with DNS; give the address',
      true,
    )
  }
  throw new LineError(`cannot parse "${text}" as an IPv${family} address`, column)
}

/** Parse a prefix length in `[min, host bits]`, in ipset's words when it is out of range. */
export function parseCidrLen(text: string, family: 4 | 6, column: number, min: number): number {
  const host = hostBits(family)
  const r = parseBounded(text, BigInt(host))
  if (!('value' in r)) throw new LineError(numberMessage(text, r), column)
  const n = Number(r.value)
  if (n < min) {
    throw new LineError(
      'the CIDR value of the address is invalid for this set type',
      column,
      min === 1 ? 'a /0 prefix is only allowed in hash:net,iface' : undefined,
    )
  }
  return n
}

/** An inclusive address range. */
export interface AddrRange {
  readonly from: bigint
  readonly to: bigint
}

/** `A-B` (either order) or undefined when the text has no dash. */
export function parseRangeText(text: string, family: 4 | 6, column: number): AddrRange | undefined {
  const dash = text.indexOf('-')
  if (dash < 0) return undefined
  const a = parseAddrText(text.slice(0, dash), family, column)
  const b = parseAddrText(text.slice(dash + 1), family, column + dash + 1)
  return a <= b ? { from: a, to: b } : { from: b, to: a }
}

/** The prefixes that exactly cover a range, low end first. */
export function rangeToCidrs(
  r: AddrRange,
  family: 4 | 6,
  limit: number,
): { value: bigint; cidr: number }[] {
  const bits = hostBits(family)
  const out: { value: bigint; cidr: number }[] = []
  let from = r.from
  while (from <= r.to) {
    let cidr = 0
    while (cidr < bits) {
      const size = 1n << BigInt(bits - cidr)
      if ((from & (size - 1n)) === 0n && from + size - 1n <= r.to) break
      cidr++
    }
    out.push({ value: from, cidr })
    if (out.length > limit) break
    from += 1n << BigInt(bits - cidr)
  }
  return out
}

/** The covering range of `value/cidr`. */
export function cidrRange(value: bigint, cidr: number, family: 4 | 6): AddrRange {
  const mask = prefixMask(family, cidr)
  const all = prefixMask(family, hostBits(family))
  const from = value & mask
  return { from, to: from | (all & ~mask) }
}
