/**
 * @module core/netfilter/xt/modules/core/xt-addr
 * Addresses the way iptables 1.8.9 reads and prints them, which is not quite RFC text:
 * `xtables_numeric_to_ipaddr` reads `10.1` as 10.1.0.0 and each byte in any C base (`010` is 8),
 * masks may be prefix lengths or dotted masks, and glibc's `inet_ntop` prints `::a.b.c.d` for
 * IPv4-compatible IPv6 addresses. Hostnames are never resolved: callers report them as
 * unsupported.
 */
import type { Family } from '../../../../net/ip.js'
import {
  formatIPv4,
  formatIPv6,
  parseIPv6,
  v4Mask,
  v4MaskLen,
  v6Mask,
  v6MaskLen,
} from '../../../../net/ip.js'
import { parseCNumber } from './netdb.js'

/** An address with a mask, unmasked: what `XTTYPE_HOSTMASK` and `-s/-d` hold before masking. */
export type AddrMask =
  | { family: 4; addr: number; mask: number }
  | { family: 6; addr: bigint; mask: bigint }

const V6_ALL = (1n << 128n) - 1n

function cbyte(text: string): number | undefined {
  const n = parseCNumber(text)
  return n !== undefined && n <= 255 ? n : undefined
}

/**
 * `__numeric_to_ipaddr(s, false)`: one to four dot-separated bytes in any C base; missing
 * trailing bytes are zero ("autocomplete, this is a network address").
 */
export function xtIPv4(text: string): number | undefined {
  const parts = text.split('.')
  if (parts.length > 4) return undefined
  let v = 0
  for (let i = 0; i < 4; i++) {
    const p = parts[i]
    const b = p === undefined ? 0 : cbyte(p)
    if (b === undefined) return undefined
    v = v * 256 + b
  }
  return v >>> 0
}

/** `__numeric_to_ipaddr(s, true)`: a dotted mask needs all four bytes. */
export function xtIPv4Mask(text: string): number | undefined {
  return text.split('.').length === 4 ? xtIPv4(text) : undefined
}

/** `inet_pton(AF_INET)`: exactly four decimal bytes, no leading zeros (read without allocating). */
export function inet4(text: string): number | undefined {
  let v = 0
  let part = -1
  let dots = 0
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (c >= 48 && c <= 57) {
      if (part === 0) return undefined // leading zero
      part = part < 0 ? c - 48 : part * 10 + (c - 48)
      if (part > 255) return undefined
    } else if (c === 46 && part >= 0 && dots < 3) {
      v = v * 256 + part
      part = -1
      dots++
    } else return undefined
  }
  return dots === 3 && part >= 0 ? (v * 256 + part) >>> 0 : undefined
}

/** `inet_pton(AF_INET6)`. */
export function inet6(text: string): bigint | undefined {
  return /^[0-9a-fA-F:.]+$/.test(text) ? parseIPv6(text) : undefined
}

/** glibc `inet_ntop(AF_INET6)`: RFC 5952 text, plus `::a.b.c.d` for IPv4-compatible addresses. */
export function formatInet6(v: bigint): string {
  if (v >> 32n === 0n && v >> 16n !== 0n) {
    return `::${formatIPv4(Number(v & 0xffffffffn))}`
  }
  return formatIPv6(v)
}

export function formatInet(family: Family, v: number | bigint): string {
  return family === 4 ? formatIPv4(Number(v)) : formatInet6(BigInt(v))
}

/**
 * A prefix length or a full mask, as `xtopt_parse_plen`/`xtopt_parse_mask` read it (the length
 * in any C base, the mask as `inet_pton` text).
 */
export function plenMask(text: string, family: Family): number | bigint | undefined {
  const len = parseCNumber(text)
  if (family === 4) {
    if (len !== undefined) return len <= 32 ? v4Mask(len) : undefined
    return inet4(text)
  }
  if (len !== undefined) return len <= 128 ? v6Mask(len) : undefined
  return inet6(text)
}

/**
 * `XTTYPE_HOSTMASK`: `addr[/len|/mask]`, the address left unmasked (libxt_conntrack and
 * libxt_ipvs print it back as given). Undefined when the address is not numeric.
 */
export function hostMask(text: string, family: Family): AddrMask | undefined {
  const slash = text.indexOf('/')
  const host = slash < 0 ? text : text.slice(0, slash)
  const maskText = slash < 0 ? undefined : text.slice(slash + 1)
  if (family === 4) {
    const addr = inet4(host)
    const mask = maskText === undefined ? 0xffffffff : plenMask(maskText, 4)
    return addr === undefined || typeof mask !== 'number' ? undefined : { family: 4, addr, mask }
  }
  const addr = inet6(host)
  const mask = maskText === undefined ? V6_ALL : plenMask(maskText, 6)
  return addr === undefined || typeof mask !== 'bigint' ? undefined : { family: 6, addr, mask }
}

/**
 * `xtables_ipaddr_to_numeric` + `xtables_ipmask_to_numeric` (and the IPv6 pair): the address,
 * then nothing for a host mask, `/len` for a prefix, `/dotted` for a non-contiguous mask.
 */
export function formatHostMask(a: AddrMask): string {
  if (a.family === 4) {
    const len = v4MaskLen(a.mask)
    const suffix = len === 32 ? '' : len === undefined ? `/${formatIPv4(a.mask)}` : `/${len}`
    return `${formatIPv4(a.addr)}${suffix}`
  }
  const len = v6MaskLen(a.mask)
  const suffix = len === 128 ? '' : len === undefined ? `/${formatInet6(a.mask)}` : `/${len}`
  return `${formatInet6(a.addr)}${suffix}`
}

/** Whether text looks like a host name rather than a mistyped address (for the hint). */
export function looksLikeHostname(text: string): boolean {
  return (
    /^[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*$/.test(text) && /[A-Za-z]/.test(text) && !text.includes(':')
  )
}
