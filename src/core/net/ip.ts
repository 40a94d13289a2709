/**
 * @module core/net/ip
 * IPv4 and IPv6 addresses and prefixes. IPv4 is held as an unsigned 32-bit number and IPv6 as a
 * 128-bit bigint, so matching a packet against a prefix is a mask and a compare, as in the kernel.
 * Text forms follow the kernel's tools: dotted quad, and RFC 5952 compressed IPv6.
 */

export type Family = 4 | 6

/** An address of either family. `value` is a number for IPv4 and a bigint for IPv6. */
export type Addr =
  | { readonly family: 4; readonly value: number }
  | { readonly family: 6; readonly value: bigint }

/** A prefix: address plus mask. `len` is undefined for a non-contiguous mask (iptables allows it). */
export type Cidr =
  | {
      readonly family: 4
      readonly addr: number
      readonly mask: number
      readonly len: number | undefined
    }
  | {
      readonly family: 6
      readonly addr: bigint
      readonly mask: bigint
      readonly len: number | undefined
    }

const V6_ALL = (1n << 128n) - 1n

/**
 * Strict dotted-quad parse (no octal or hex forms): four groups of one to three decimal digits,
 * no leading zero, each at most 255. Returns undefined when invalid. One pass over the character
 * codes, without splitting or regular expressions: the data plane parses packet addresses on
 * every hook, and this is its hottest helper.
 */
export function parseIPv4(s: string): number | undefined {
  const n = s.length
  if (n < 7 || n > 15) return undefined
  let v = 0
  let groups = 0
  let i = 0
  while (i <= n) {
    const start = i
    let octet = 0
    while (i < n) {
      const c = s.charCodeAt(i)
      if (c === 46) break // '.'
      if (c < 48 || c > 57) return undefined
      octet = octet * 10 + (c - 48)
      i++
    }
    const len = i - start
    if (len === 0 || len > 3 || octet > 255) return undefined
    if (len > 1 && s.charCodeAt(start) === 48) return undefined
    v = v * 256 + octet
    groups++
    i++ // past the '.' (or the end)
  }
  return groups === 4 ? v >>> 0 : undefined
}

export function formatIPv4(v: number): string {
  return `${(v >>> 24) & 255}.${(v >>> 16) & 255}.${(v >>> 8) & 255}.${v & 255}`
}

/** Parse IPv6 text, including `::` and an embedded dotted quad. */
export function parseIPv6(s: string): bigint | undefined {
  if (s.length < 2 || s.length > 45) return undefined
  let text = s
  const lastColon = text.lastIndexOf(':')
  if (text.includes('.', lastColon)) {
    // An embedded dotted quad ("::ffff:10.0.0.1") stands for the last two groups.
    const v4 = parseIPv4(text.slice(lastColon + 1))
    if (v4 === undefined) return undefined
    text = `${text.slice(0, lastColon + 1)}${(v4 >>> 16).toString(16)}:${(v4 & 0xffff).toString(16)}`
  }
  const halves = text.split('::')
  if (halves.length > 2) return undefined
  const parseGroups = (h: string): number[] | undefined => {
    if (h === '') return []
    const out: number[] = []
    for (const g of h.split(':')) {
      if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined
      out.push(Number.parseInt(g, 16))
    }
    return out
  }
  const head = parseGroups(halves[0] ?? '')
  const rest = halves.length === 2 ? parseGroups(halves[1] ?? '') : []
  if (!head || !rest) return undefined
  const given = head.length + rest.length
  if (halves.length === 1 && given !== 8) return undefined
  if (halves.length === 2 && given > 7) return undefined
  const groups = [...head, ...new Array<number>(8 - given).fill(0), ...rest]
  let v = 0n
  for (const g of groups) v = (v << 16n) | BigInt(g)
  return v
}

/** RFC 5952 text: lower case, longest run of two or more zero groups compressed to `::`. */
export function formatIPv6(v: bigint): string {
  const groups: number[] = []
  for (let i = 7; i >= 0; i--) groups.push(Number((v >> BigInt(i * 16)) & 0xffffn))
  let bestStart = -1
  let bestLen = 0
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++
      continue
    }
    let j = i
    while (j < 8 && groups[j] === 0) j++
    if (j - i > bestLen && j - i >= 2) {
      bestStart = i
      bestLen = j - i
    }
    i = j
  }
  // glibc's inet_ntop prints a dotted IPv4 tail for IPv4-mapped (::ffff:a.b.c.d) and for
  // IPv4-compatible (::a.b.c.d, the first six groups zero) addresses; iptables-save and
  // conntrack print what inet_ntop gives. ::1 and ::x (seven zero groups) stay hexadecimal.
  if (bestStart === 0 && bestLen === 6) return `::${formatIPv4(Number(v & 0xffffffffn))}`
  if (bestStart === 0 && bestLen === 5 && groups[5] === 0xffff) {
    const v4 = Number(v & 0xffffffffn)
    return `::ffff:${formatIPv4(v4)}`
  }
  const hex = (a: number[]) => a.map((g) => g.toString(16)).join(':')
  if (bestStart < 0) return hex(groups)
  return `${hex(groups.slice(0, bestStart))}::${hex(groups.slice(bestStart + bestLen))}`
}

export function parseAddr(s: string): Addr | undefined {
  if (s.includes(':')) {
    const v = parseIPv6(s)
    return v === undefined ? undefined : { family: 6, value: v }
  }
  const v = parseIPv4(s)
  return v === undefined ? undefined : { family: 4, value: v }
}

export function formatAddr(a: Addr): string {
  return a.family === 4 ? formatIPv4(a.value) : formatIPv6(a.value)
}

/** Canonical text of an address given as text, or undefined if it is not an address. */
export function canonicalAddr(s: string): string | undefined {
  const a = parseAddr(s)
  return a && formatAddr(a)
}

export function addrEquals(a: Addr, b: Addr): boolean {
  return a.family === b.family && a.value === b.value
}

export function v4Mask(len: number): number {
  return len === 0 ? 0 : (0xffffffff << (32 - len)) >>> 0
}

export function v6Mask(len: number): bigint {
  return len === 0 ? 0n : (V6_ALL << BigInt(128 - len)) & V6_ALL
}

/** Prefix length of a contiguous mask, or undefined for a non-contiguous one. */
export function v4MaskLen(mask: number): number | undefined {
  for (let len = 0; len <= 32; len++) if (v4Mask(len) === mask >>> 0) return len
  return undefined
}

export function v6MaskLen(mask: bigint): number | undefined {
  for (let len = 0; len <= 128; len++) if (v6Mask(len) === mask) return len
  return undefined
}

/**
 * Parse `addr`, `addr/len` or (IPv4 and IPv6) `addr/mask`. With `strictHost` false (the
 * iptables behaviour) host bits are cleared: `10.1.2.3/8` becomes `10.0.0.0/8`.
 */
export function parseCidr(s: string): Cidr | undefined {
  const slash = s.indexOf('/')
  const addrText = slash < 0 ? s : s.slice(0, slash)
  const maskText = slash < 0 ? undefined : s.slice(slash + 1)
  const a = parseAddr(addrText)
  if (!a) return undefined
  if (a.family === 4) {
    let mask: number
    if (maskText === undefined) mask = 0xffffffff
    else if (/^[0-9]{1,2}$/.test(maskText) && Number(maskText) <= 32)
      mask = v4Mask(Number(maskText))
    else {
      const m = parseIPv4(maskText)
      if (m === undefined) return undefined
      mask = m
    }
    return { family: 4, addr: (a.value & mask) >>> 0, mask, len: v4MaskLen(mask) }
  }
  let mask: bigint
  if (maskText === undefined) mask = V6_ALL
  else if (/^[0-9]{1,3}$/.test(maskText) && Number(maskText) <= 128) mask = v6Mask(Number(maskText))
  else {
    const m = parseIPv6(maskText)
    if (m === undefined) return undefined
    mask = m
  }
  return { family: 6, addr: a.value & mask, mask, len: v6MaskLen(mask) }
}

/** `a.b.c.d/len`, or `a.b.c.d/m.m.m.m` for a non-contiguous mask, as iptables-save prints. */
export function formatCidr(c: Cidr): string {
  if (c.family === 4) {
    const suffix = c.len === undefined ? formatIPv4(c.mask) : String(c.len)
    return `${formatIPv4(c.addr)}/${suffix}`
  }
  const suffix = c.len === undefined ? formatIPv6(c.mask) : String(c.len)
  return `${formatIPv6(c.addr)}/${suffix}`
}

export function cidrContains(c: Cidr, a: Addr): boolean {
  if (c.family === 4) return a.family === 4 && (a.value & c.mask) >>> 0 === c.addr
  return a.family === 6 && (a.value & c.mask) === c.addr
}
