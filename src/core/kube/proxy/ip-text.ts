/**
 * @module core/kube/proxy/ip-text
 * Addresses and prefixes the way kube-proxy reads and prints them. kube-proxy parses with
 * `netutils.ParseIPSloppy` / `ParseCIDRSloppy` (Go's parser, but IPv4 octets may carry leading
 * zeros, read as decimal: `10.180.00.001` is 10.180.0.1) and prints with Go's `net.IP.String()`
 * (RFC 5952; an IPv4-mapped IPv6 address prints as dotted IPv4, and no other form gets a
 * dotted tail). Every address kube-proxy writes into a rule has been through this round trip.
 */

import {
  type Addr,
  type Cidr,
  formatIPv4,
  formatIPv6,
  parseAddr,
  parseCidr,
  v4Mask,
  v6Mask,
} from '../../net/ip.js'
import type { IPFamily } from '../model.js'

const MAPPED_PREFIX = 0xffffn << 32n

/** An octet with a leading zero: the only case {@link unsloppy} rewrites. */
const LEADING_ZERO = /(?:^|\.)0[0-9]/

/** Drop leading zeros of each dotted-quad octet (Go's sloppy IPv4 rule). */
function unsloppy(text: string): string {
  // Most addresses have none: one test instead of a split per address of a large cluster.
  if (text.includes(':') || !LEADING_ZERO.test(text)) return text
  return text
    .split('.')
    .map((o) => (/^[0-9]+$/.test(o) ? o.replace(/^0+(?=[0-9])/, '') : o))
    .join('.')
}

/** An IPv4-mapped IPv6 address is an IPv4 address to Go (`To4() != nil`). */
function unmap(a: Addr): Addr {
  if (a.family === 6 && a.value >> 32n === 0xffffn && (a.value & ~0xffffffffn) === MAPPED_PREFIX)
    return { family: 4, value: Number(a.value & 0xffffffffn) }
  return a
}

/** Go's `net.IP.String()` for an IPv6 value: RFC 5952 groups, never a dotted tail. */
function goIPv6(v: bigint): string {
  const text = formatIPv6(v)
  if (!text.includes('.')) return text
  const hi = (v >> 16n) & 0xffffn
  const lo = v & 0xffffn
  const head = text.startsWith('::ffff:') ? '::ffff:' : '::'
  return `${head}${hi.toString(16)}:${lo.toString(16)}`.replace(/^::0:/, '::')
}

export function formatGoIP(a: Addr): string {
  return a.family === 4 ? formatIPv4(a.value) : goIPv6(a.value)
}

/** Parse like `ParseIPSloppy`; undefined when `text` is not an address. */
export function parseIPSloppy(text: string): Addr | undefined {
  const a = parseAddr(unsloppy(text))
  return a && unmap(a)
}

/**
 * `text` is a dotted quad already in Go's printed form: four decimal octets ≤ 255 without
 * leading zeros. Parsing and printing it again gives the same text, so callers can skip both.
 * One pass over the characters, no allocation: a large cluster's addresses are nearly all so.
 */
function isCanonicalIPv4(text: string): boolean {
  let octets = 0
  let digits = 0
  let value = 0
  for (let i = 0; i <= text.length; i++) {
    const c = i < text.length ? text.charCodeAt(i) : 46 // a final '.' closes the last octet
    if (c === 46) {
      if (digits === 0 || value > 255) return false
      octets++
      digits = 0
      value = 0
    } else if (c >= 48 && c <= 57) {
      if (digits === 1 && value === 0) return false // a leading zero: Go would drop it
      if (++digits > 3) return false
      value = value * 10 + (c - 48)
    } else return false
  }
  return octets === 4
}

/** Canonical (Go) text of an address, or undefined. */
export function canonicalIP(text: string): string | undefined {
  if (isCanonicalIPv4(text)) return text
  const a = parseIPSloppy(text)
  return a && formatGoIP(a)
}

/** The family of an address in Go's printed form: only IPv6 text has a colon. */
export function familyOfText(goText: string): IPFamily {
  return goText.includes(':') ? 'IPv6' : 'IPv4'
}

/** Parse like `ParseCIDRSloppy`: `addr/len` only, host bits cleared. */
export function parseCIDRSloppy(text: string): Cidr | undefined {
  const slash = text.indexOf('/')
  if (slash < 0 || !/^[0-9]{1,3}$/.test(text.slice(slash + 1))) return undefined
  return parseCidr(`${unsloppy(text.slice(0, slash))}${text.slice(slash)}`)
}

/** Go's `IPNet.String()`: network address and prefix length. */
export function formatGoCIDR(c: Cidr): string {
  const addr: Addr = c.family === 4 ? { family: 4, value: c.addr } : { family: 6, value: c.addr }
  return `${formatGoIP(addr)}/${c.len ?? 0}`
}

export function familyOf(a: Addr | Cidr): IPFamily {
  return a.family === 4 ? 'IPv4' : 'IPv6'
}

/** The single-address prefix of `a` (`/32` or `/128`). */
export function hostCidr(a: Addr): Cidr {
  return a.family === 4
    ? { family: 4, addr: a.value, mask: v4Mask(32), len: 32 }
    : { family: 6, addr: a.value, mask: v6Mask(128), len: 128 }
}

/** Go's `net.JoinHostPort`: IPv6 hosts are bracketed. */
export function joinHostPort(ip: string, port: number): string {
  return ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`
}
