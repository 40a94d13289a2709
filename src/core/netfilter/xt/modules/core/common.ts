/**
 * @module core/netfilter/xt/modules/core/common
 * What the core extensions share: libxtables' generic option rules (an option may be given once,
 * some are mandatory or exclusive, see `xtables_option_parse` / `xtables_options_fcheck` in
 * libxtables/xtoptions.c) and the value syntaxes its parsers accept (C numbers, ports, marks).
 */
import type { XtOption } from '../../../rule.js'
import type { CanonContext, OptionSpec, RawOption } from '../../types.js'
import { parseCNumber, servicePort } from './netdb.js'

/** An option spec: `names[0]` is the spelling iptables-save prints. */
export function spec(
  names: string | readonly string[],
  arity: OptionSpec['arity'] = 1,
  negatable = false,
): OptionSpec {
  const list = typeof names === 'string' ? [names] : names
  return negatable ? { names: list, arity, negatable } : { names: list, arity }
}

/**
 * The options of one extension instance by canonical name. A linear list, not a Map: an
 * extension gets a handful of options and one of these is made per rule of a large dump.
 */
export class Got {
  constructor(private readonly raw: readonly RawOption[]) {}

  get size(): number {
    return this.raw.length
  }
  get(name: string): RawOption | undefined {
    for (const o of this.raw) if (o.canonical === name) return o
    return undefined
  }
  has(name: string): boolean {
    return this.get(name) !== undefined
  }
}

/**
 * Index the options by canonical name. A second use of an option fails as in libxtables
 * ("can only be used once") unless it is listed in `multi`.
 */
export function byName(
  ext: string,
  raw: readonly RawOption[],
  ctx: CanonContext,
  multi: readonly string[] = [],
): Got {
  for (let i = 1; i < raw.length; i++) {
    const o = raw[i] as RawOption
    for (let j = 0; j < i; j++) {
      if (raw[j]?.canonical === o.canonical && !multi.includes(o.canonical)) {
        ctx.fail(`${ext}: option "${o.canonical}" can only be used once`, o)
      }
    }
  }
  return new Got(raw)
}

/** Options that libxtables declares mutually exclusive (`.excl`). */
export function exclusive(
  ext: string,
  got: Got,
  names: readonly string[],
  ctx: CanonContext,
): void {
  const present = names.filter((n) => got.has(n))
  if (present.length > 1) {
    ctx.fail(`${ext}: ${present.join(' and ')} cannot be used together`, got.get(present[1] ?? ''))
  }
}

/** An option that needs another (`.also`). */
export function needs(ext: string, got: Got, name: string, other: string, ctx: CanonContext): void {
  const o = got.get(name)
  if (o && !got.has(other)) ctx.fail(`${ext}: ${name} needs ${other}`, o)
}

/** A mandatory option (`XTOPT_MAND`). */
export function mandatory(ext: string, got: Got, name: string, ctx: CanonContext): RawOption {
  const o = got.get(name)
  if (!o) ctx.fail(`${ext}: option "${name}" must be specified`, undefined, `add ${name}`)
  return o
}

/** The single value of a one-argument option. */
export function value(o: RawOption): string {
  return o.values[0] ?? ''
}

/** An unsigned integer as `xtables_strtoui` reads it (any C base), within [min, max]. */
export function uint(text: string, min: number, max: number): number | undefined {
  const n = parseCNumber(text)
  return n !== undefined && n >= min && n <= max ? n : undefined
}

/** Like {@link uint}, but failing with a located error naming the range. */
export function needUint(
  ext: string,
  o: RawOption,
  text: string,
  min: number,
  max: number,
  ctx: CanonContext,
): number {
  const n = uint(text, min, max)
  if (n === undefined)
    ctx.fail(`${ext}: bad value "${text}" for ${o.canonical}, or out of range (${min}-${max})`, o)
  return n
}

/** A 64-bit unsigned counter value (`strtoull`, any base). */
export function uint64(text: string): bigint | undefined {
  const t = text.trim()
  if (!/^\+?(?:0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)$/.test(t)) return undefined
  const s = t.replace(/^\+/, '')
  const v =
    s.length > 1 && s[0] === '0' && s[1] !== 'x' && s[1] !== 'X'
      ? BigInt(`0o${s.slice(1)}`)
      : BigInt(s)
  return v < 1n << 64n ? v : undefined
}

/** `0x…` lower-case hex as libxtables prints marks and masks (`%#x`, but `0x0` for zero). */
export function hex(n: number): string {
  return `0x${(n >>> 0).toString(16)}`
}

/**
 * `value[/mask]` with C numbers (`xtables_parse_mark_mask`). The mask defaults to all ones.
 */
export function markMask(text: string): { value: number; mask: number } | undefined {
  const slash = text.indexOf('/')
  const v = uint(slash < 0 ? text : text.slice(0, slash), 0, 0xffffffff)
  if (v === undefined) return undefined
  if (slash < 0) return { value: v, mask: 0xffffffff }
  const m = uint(text.slice(slash + 1), 0, 0xffffffff)
  return m === undefined ? undefined : { value: v, mask: m }
}

/** `xtables_print_mark_mask`: `0xV/0xM`, or `0xV` when the mask is all ones. */
export function formatMarkMask(value: number, mask: number): string {
  return mask >>> 0 === 0xffffffff ? hex(value) : `${hex(value)}/${hex(mask)}`
}

/**
 * A port as `xtables_parse_port` reads it: a C number up to 65535, or a service name of the
 * protocol (`getservbyname`).
 */
export function port(text: string, proto?: string): number | undefined {
  return uint(text, 0, 65535) ?? (text === '' ? undefined : servicePort(text, proto))
}

/**
 * A port as the newer `XTTYPE_PORT*` types read it: glibc's `getaddrinfo` takes a service made
 * of (optionally space- and `+`-prefixed) decimal digits as a number and keeps its low 16 bits
 * (`--dport 99999` is port 34463), else looks up a tcp/udp service name. No hex or octal.
 */
export function decimalPort(text: string): number | undefined {
  const m = /^[\t\n\v\f\r ]*\+?([0-9]+)$/.exec(text)
  if (m?.[1] !== undefined) {
    const v = BigInt(m[1])
    // strtoul saturates at ULONG_MAX on overflow.
    return v >= 1n << 64n ? 0xffff : Number(v & 0xffffn)
  }
  return servicePort(text)
}

/**
 * `lo[:hi]` port range (`parse_tcp_ports` / `XTTYPE_PORTRC`): an empty bound defaults to 0 or
 * 65535. `parse` reads one port.
 */
export function portRange(
  text: string,
  parse: (t: string) => number | undefined,
): [number, number] | undefined {
  const colon = text.indexOf(':')
  if (colon < 0) {
    const p = parse(text)
    return p === undefined ? undefined : [p, p]
  }
  const a = text.slice(0, colon)
  const b = text.slice(colon + 1)
  if (b.includes(':')) return undefined
  const lo = a === '' ? 0 : parse(a)
  const hi = b === '' ? 65535 : parse(b)
  return lo === undefined || hi === undefined ? undefined : [lo, hi]
}

/** `lo:hi`, or `lo` when both are equal (what every port match's save prints). */
export function formatRange(lo: number, hi: number): string {
  return lo === hi ? String(lo) : `${lo}:${hi}`
}

/** A canonical option, keeping the user's negation. */
export function keep(o: RawOption, name: string, values: readonly string[]): XtOption {
  return { name, negated: o.negated, values }
}

/**
 * A comma-separated list of names matched case-insensitively by *prefix* in table order, as
 * libxt_conntrack and libxt_addrtype parse state and type lists (`strncasecmp(arg, name, len)`).
 * Returns the bit positions, or undefined on an empty or unknown item.
 */
export function prefixList(text: string, names: readonly string[]): number[] | undefined {
  const out: number[] = []
  for (const item of text.split(',')) {
    if (item === '') return undefined
    const low = item.toLowerCase()
    const i = names.findIndex((n) => n.toLowerCase().startsWith(low))
    if (i < 0) return undefined
    out.push(i)
  }
  return out
}
