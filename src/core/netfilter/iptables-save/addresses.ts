/**
 * @module core/netfilter/iptables-save/addresses
 * The rule's own fields: `-s`/`-d` address lists (`xtables_ipparse_multiple` and its IPv6 twin:
 * comma-separated, each `addr[/mask]`, the address masked), `-i`/`-o` interface names
 * (`xtables_parse_interface`) and `-p` (`xtables_parse_protocol`, lower-cased first).
 */
import type { Family } from '../../net/ip.js'
import { v4Mask, v4MaskLen, v6Mask, v6MaskLen } from '../../net/ip.js'
import type { AddrMatch, ProtoMatch } from '../rule.js'
import { parseCNumber, protocolName, protocolNumber } from '../xt/modules/core/netdb.js'
import { inet6, xtIPv4, xtIPv4Mask } from '../xt/modules/core/xt-addr.js'

/** Why an address could not be read: a mask, or something that is not a number (a host name). */
export type AddrError = { readonly kind: 'mask' | 'host'; readonly item: string }

const V6_ALL = (1n << 128n) - 1n

function v4Item(item: string): AddrMatch['cidr'] | AddrError {
  const slash = item.lastIndexOf('/')
  const host = slash < 0 ? item : item.slice(0, slash)
  let mask = 0xffffffff
  if (slash >= 0) {
    const m = item.slice(slash + 1)
    const len = m.includes('.') ? undefined : parseCNumber(m)
    const parsed = m.includes('.')
      ? xtIPv4Mask(m)
      : len !== undefined && len <= 32
        ? v4Mask(len)
        : undefined
    if (parsed === undefined) return { kind: 'mask', item: m }
    mask = parsed
  }
  // "if a null mask is given, the name is ignored, like in any/0"
  const addr = mask === 0 ? 0 : xtIPv4(host)
  if (addr === undefined) return { kind: 'host', item: host }
  return { family: 4, addr: (addr & mask) >>> 0, mask, len: v4MaskLen(mask) }
}

function v6Item(item: string): AddrMatch['cidr'] | AddrError {
  const slash = item.lastIndexOf('/')
  const host = slash < 0 ? item : item.slice(0, slash)
  let mask = V6_ALL
  if (slash >= 0) {
    const m = item.slice(slash + 1)
    const len = m.includes(':') ? undefined : parseCNumber(m)
    const parsed = m.includes(':')
      ? inet6(m)
      : len !== undefined && len <= 128
        ? v6Mask(len)
        : undefined
    if (parsed === undefined) return { kind: 'mask', item: m }
    mask = parsed
  }
  const addr = mask === 0n ? 0n : inet6(host)
  if (addr === undefined) return { kind: 'host', item: host }
  return { family: 6, addr: addr & mask, mask, len: v6MaskLen(mask) }
}

/**
 * Fast path for the overwhelmingly common `a.b.c.d` or `a.b.c.d/len` in plain decimal (what
 * iptables-save prints), read without allocating. Undefined sends the item to the general reader.
 */
function fastV4(item: string): AddrMatch['cidr'] | undefined {
  return fastV4At(item, 0, item.length)
}

/** {@link fastV4} on `src[from, n)`, read in place. */
export function fastV4At(src: string, from: number, n: number): AddrMatch['cidr'] | undefined {
  let addr = 0
  let part = 0
  let digits = 0
  let dots = 0
  let i = from
  for (; i < n; i++) {
    const ch = src.charCodeAt(i)
    if (ch >= 48 && ch <= 57) {
      // A leading zero means octal to libxtables: leave that to the general reader.
      if (digits > 0 && part === 0) return undefined
      part = part * 10 + (ch - 48)
      if (++digits > 3 || part > 255) return undefined
    } else if (ch === 46 && digits > 0 && dots < 3) {
      addr = addr * 256 + part
      part = 0
      digits = 0
      dots++
    } else break
  }
  if (dots !== 3 || digits === 0) return undefined
  addr = (addr * 256 + part) >>> 0
  let len = 32
  if (i < n) {
    if (src.charCodeAt(i) !== 47 || i + 1 >= n || n - i > 3) return undefined
    len = 0
    for (let j = i + 1; j < n; j++) {
      const ch = src.charCodeAt(j)
      if (ch < 48 || ch > 57) return undefined
      len = len * 10 + (ch - 48)
    }
    if (len > 32 || (n - i === 3 && src.charCodeAt(i + 1) === 48)) return undefined
  }
  const mask = v4Mask(len)
  return { family: 4, addr: (addr & mask) >>> 0, mask, len }
}

/** Parse one `-s`/`-d` argument into its prefixes, in order. */
export function parseAddressList(text: string, family: Family): (AddrMatch['cidr'] | AddrError)[] {
  if (family === 4 && text.indexOf(',') < 0) {
    const fast = fastV4(text)
    if (fast) return [fast]
  }
  const out: (AddrMatch['cidr'] | AddrError)[] = []
  for (const raw of text.split(',')) {
    // xtables_ipparse_multiple skips leading white space of each item.
    const item = raw.replace(/^[\t\n\v\f\r ]+/, '')
    out.push(family === 4 ? (fastV4(item) ?? v4Item(item)) : v6Item(item))
  }
  return out
}

/**
 * One `-s`/`-d` argument that names a single prefix (no comma), as {@link parseAddressList}
 * reads it; undefined for a list, or for an item with leading white space (which the list
 * reader skips).
 */
export function parseOneAddress(
  text: string,
  family: Family,
): AddrMatch['cidr'] | AddrError | undefined {
  if (text.indexOf(',') >= 0 || (text.length > 0 && text.charCodeAt(0) <= 32)) return undefined
  return family === 4 ? (fastV4(text) ?? v4Item(text)) : v6Item(text)
}

export function isAddrError(v: AddrMatch['cidr'] | AddrError): v is AddrError {
  return 'kind' in v
}

/**
 * Whether iptables-save would print the address at all: IPv4 leaves out `0.0.0.0/0`, IPv6 any
 * `/0`, unless negated (`save_ipv4_addr`, `save_ipv6_addr`).
 */
export function isPrinted(a: AddrMatch): boolean {
  if (a.negated) return true
  return a.cidr.family === 4 ? a.cidr.mask !== 0 || a.cidr.addr !== 0 : a.cidr.len !== 0
}

/** IFNAMSIZ - 1. */
export const MAX_IFNAME = 15

const protos = new Map<string, ProtoMatch | null>()

/** `-p`: lower-cased, then a number, a libxtables name or an /etc/protocols name (memoised). */
export function parseProto(text: string, negated: boolean): ProtoMatch | undefined {
  const key = negated ? `!${text}` : text
  let p = protos.get(key)
  if (p === undefined) {
    const n = protocolNumber(text.toLowerCase())
    p =
      n === undefined
        ? null
        : { name: n === 0 ? 'all' : (protocolName(n) ?? String(n)), number: n, negated }
    if (protos.size < 1000) protos.set(key, p)
  }
  return p ?? undefined
}
