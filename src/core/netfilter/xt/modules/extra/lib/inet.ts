/**
 * @module core/netfilter/xt/modules/extra/lib/inet
 * Address options as libxtables parses them (`XTTYPE_HOST`, `XTTYPE_PLEN`, `XTTYPE_PLENMASK`,
 * `XTTYPE_HOSTMASK`) and prints them (`xtables_ipaddr_to_numeric`, `…mask_to_numeric`).
 *
 * iptables resolves addresses with `getaddrinfo`, which for IPv4 accepts every `inet_aton`
 * form (`10.1` is 10.0.0.1, `0x7f.1` is 127.0.0.1). A prefix length that is not a number is
 * tried as a dotted mask; a mask that is not contiguous leaves the length at 255 (it is a
 * `uint8_t` holding -1), which the mask builder treats as "all ones". Host names are not
 * resolved: kpath reports them instead of guessing.
 */
import type { Family } from '../../../../../net/ip.js'
import { formatIPv4, formatIPv6, parseIPv6 } from '../../../../../net/ip.js'
import type { CanonContext, RawOption } from '../../../types.js'
import { strtoul, xtStrtoul } from './cnum.js'

export const ALL_ONES: Readonly<Record<Family, bigint>> = { 4: 0xffffffffn, 6: (1n << 128n) - 1n }
const WIDTH: Readonly<Record<Family, number>> = { 4: 32, 6: 128 }

/** glibc `inet_aton` (as `getaddrinfo` uses it): 1 to 4 parts, each decimal, octal or hex. */
export function inetAton(s: string): bigint | undefined {
  const parts = s.split('.')
  if (parts.length > 4 || s === '') return undefined
  const vals: bigint[] = []
  for (const p of parts) {
    if (!/^[0-9]/.test(p)) return undefined
    const r = strtoul(p, 0)
    if (r.end !== p.length || r.overflow) return undefined
    vals.push(r.value)
  }
  const last = vals[vals.length - 1] as bigint
  const head = vals.slice(0, -1)
  if (head.some((v) => v > 255n) || last >= 1n << BigInt(8 * (5 - vals.length))) return undefined
  let v = 0n
  for (const h of head) v = (v << 8n) | h
  return (v << BigInt(8 * (5 - vals.length))) | last
}

/** A numeric address of the family, or undefined. */
export function numericHost(s: string, family: Family): bigint | undefined {
  return family === 4 ? inetAton(s) : parseIPv6(s)
}

/** `XTTYPE_HOST`: one numeric address of the rule's family. */
export function host(o: RawOption, text: string, family: Family, ctx: CanonContext): bigint {
  const v = numericHost(text, family)
  if (v !== undefined) return v
  if (numericHost(text, family === 4 ? 6 : 4) !== undefined) {
    return ctx.fail(
      'getaddrinfo: Address family for hostname not supported',
      o,
      `give an IPv${family} address`,
    )
  }
  return ctx.fail(
    `"${text}" is not a numeric IPv${family} address`,
    o,
    'kpath does not resolve host names; use an address',
  )
}

/** The prefix length of a contiguous mask, or -1 (`xtables_ipmask_to_cidr`). */
export function maskToCidr(mask: bigint, family: Family): number {
  const w = WIDTH[family]
  for (let len = w; len >= 0; len--) if (prefixMask(len, family) === mask) return len
  return -1
}

export function prefixMask(len: number, family: Family): bigint {
  const w = BigInt(WIDTH[family])
  return len === 0 ? 0n : (ALL_ONES[family] << (w - BigInt(len))) & ALL_ONES[family]
}

/** `XTTYPE_PLEN`: a length 0..32/128, or a dotted/colon mask; non-contiguous masks give 255. */
export function plen(
  ext: string,
  o: RawOption,
  text: string,
  family: Family,
  ctx: CanonContext,
): number {
  const w = WIDTH[family]
  const n = xtStrtoul(text, 0n, BigInt(w))
  if (n !== undefined) return Number(n)
  const m = numericHost(text, family)
  if (m === undefined) {
    const msg = `${ext}: bad value for option "${o.canonical}", neither a valid network mask nor valid CIDR (0-${w})`
    return ctx.fail(msg, o, `give a prefix length from 0 to ${w}`)
  }
  return maskToCidr(m, family) & 0xff
}

/** The mask `XTTYPE_PLENMASK` builds from a length (a length of 255 means all ones). */
export function plenToMask(len: number, family: Family): bigint {
  return len > WIDTH[family] ? ALL_ONES[family] : prefixMask(len, family)
}

export interface HostMask {
  readonly addr: bigint
  readonly mask: bigint
  readonly len: number
}

/** `XTTYPE_HOSTMASK`: `addr[/len|/mask]`; the address is not masked. */
export function hostMask(
  ext: string,
  o: RawOption,
  text: string,
  family: Family,
  ctx: CanonContext,
): HostMask {
  const slash = text.indexOf('/')
  if (slash < 0)
    return { addr: host(o, text, family, ctx), mask: ALL_ONES[family], len: WIDTH[family] }
  const addr = host(o, text.slice(0, slash), family, ctx)
  const len = plen(ext, o, text.slice(slash + 1), family, ctx)
  return { addr, mask: plenToMask(len, family), len }
}

/**
 * glibc `inet_ntop(AF_INET6)`: RFC 5952 text, except that an address whose first six groups are
 * zero and whose seventh is not (`::1.2.3.4`, the old IPv4-compatible form) keeps a dotted tail.
 */
export function ntop6(v: bigint): string {
  const high96Zero = v >> 32n === 0n
  const word6 = Number((v >> 16n) & 0xffffn)
  if (high96Zero && word6 !== 0) return `::${formatIPv4(Number(v & 0xffffffffn))}`
  return formatIPv6(v)
}

/** `xtables_ipaddr_to_numeric` / `xtables_ip6addr_to_numeric`. */
export function formatHost(v: bigint, family: Family): string {
  return family === 4 ? formatIPv4(Number(v)) : ntop6(v)
}

/** `xtables_ipmask_to_numeric`: "" for a host mask, `/len`, or `/dotted` when not contiguous. */
export function formatMaskSuffix(mask: bigint, family: Family): string {
  const len = maskToCidr(mask, family)
  if (len === WIDTH[family]) return ''
  return len < 0 ? `/${formatHost(mask, family)}` : `/${len}`
}
