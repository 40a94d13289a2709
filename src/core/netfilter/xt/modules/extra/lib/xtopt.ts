/**
 * @module core/netfilter/xt/modules/extra/lib/xtopt
 * The value types of libxtables' option parser (`XTTYPE_UINT*`, `XTTYPE_UINT*RC`,
 * `XTTYPE_STRING`, `XTTYPE_ETHERMAC`, `XTTYPE_MARKMASK32`, value/mask with a name map), with
 * the same accepted forms, limits and messages as iptables 1.8.9 `libxtables/xtoptions.c`.
 */
import type { CanonContext, RawOption } from '../../../types.js'
import { strtoul, xtStrtoul, xtStrtoulPrefix } from './cnum.js'

/** The single value of an option (the parser guarantees one for arity-1 options). */
export function arg(o: RawOption): string {
  return o.values[0] ?? ''
}

const BITS_MAX = { 8: 0xffn, 16: 0xffffn, 32: 0xffffffffn, 64: (1n << 64n) - 1n } as const
export type Bits = keyof typeof BITS_MAX

/** `XTTYPE_UINT<bits>` with the entry's `.min`/`.max` (0 meaning "the type's limit"). */
export function uint(
  ext: string,
  o: RawOption,
  ctx: CanonContext,
  bits: Bits,
  min = 0n,
  max = 0n,
): bigint {
  const hi = max === 0n ? BITS_MAX[bits] : max
  const v = xtStrtoul(arg(o), min, hi)
  if (v === undefined) {
    ctx.fail(
      `${ext}: bad value for option "${o.canonical}", or out of range (${min}-${hi})`,
      o,
      `give a number from ${min} to ${hi}`,
    )
  }
  return v
}

/** `XTTYPE_UINT*RC` (`a`, `a:b`, `:b`, `a:`): up to two values; empty parts default to 0 / max. */
export function uintRange(ext: string, o: RawOption, ctx: CanonContext, bits: Bits): bigint[] {
  const text = arg(o)
  const lmax = BITS_MAX[bits]
  const vals: bigint[] = []
  let pos = 0
  for (;;) {
    if (vals.length === 2) {
      ctx.fail(
        `${ext}: too many components for option "${o.canonical}" (max: 2)`,
        o,
        'give a value or a range a:b',
      )
    }
    let end = pos
    if (pos >= text.length || text[pos] === ':') vals.push(vals.length === 1 ? lmax : 0n)
    else {
      const r = xtStrtoulPrefix(text, 0n, lmax, pos)
      if (!r) {
        const near = text.slice(pos)
        ctx.fail(
          `${ext}: bad value for option "${o.canonical}" near "${near}", or out of range (0-${lmax})`,
          o,
        )
      }
      end = r.end
      if (end < text.length && text[end] !== ':') {
        ctx.fail(
          `${ext}: argument to "${o.canonical}" has unexpected characters near "${text.slice(end)}"`,
          o,
        )
      }
      vals.push(r.value)
    }
    if (end >= text.length) return vals
    pos = end + 1
  }
}

/** `XTTYPE_STRING` with `.min`/`.max` length checks, truncated to a `size`-byte C buffer. */
export function str(
  o: RawOption,
  ctx: CanonContext,
  limits: { min?: number; max?: number; size?: number } = {},
): string {
  const s = arg(o)
  const len = new TextEncoder().encode(s).length
  if (limits.min !== undefined && limits.min !== 0 && len < limits.min) {
    ctx.fail(`argument must have a minimum length of ${limits.min} characters`, o)
  }
  if (limits.max !== undefined && limits.max !== 0 && len > limits.max) {
    ctx.fail(`argument must have a maximum length of ${limits.max} characters`, o)
  }
  return limits.size === undefined ? s : truncateBytes(s, limits.size - 1)
}

/** The first `n` bytes of `s` (C `strncpy` into a fixed buffer). */
export function truncateBytes(s: string, n: number): string {
  const bytes = new TextEncoder().encode(s)
  return bytes.length <= n ? s : new TextDecoder().decode(bytes.slice(0, n))
}

/** `XTTYPE_ETHERMAC`: six groups of one or two hex digits separated by colons. */
export function etherMac(o: RawOption, ctx: CanonContext): number[] {
  const parts = arg(o).split(':')
  const ok = parts.length === 6 && parts.every((p) => /^[0-9a-fA-F]{1,2}$/.test(p))
  if (!ok)
    ctx.fail(
      'invalid MAC address specified',
      o,
      'write it as six hex bytes, e.g. 00:11:22:33:44:55',
    )
  return parts.map((p) => Number.parseInt(p, 16))
}

export function formatMac(bytes: readonly number[], upper = false): string {
  const s = bytes.map((b) => b.toString(16).padStart(2, '0')).join(':')
  return upper ? s.toUpperCase() : s
}

/** A name ↔ number map such as `/etc/iproute2/group` (see lib/names). */
export type LMap = ReadonlyMap<string, number>

/**
 * `xtables_parse_val_mask`: `value[/mask]` (numbers in C base-0 form), or a name from `lmap`.
 * The mask defaults to all ones.
 */
export function valMask(
  ext: string,
  o: RawOption,
  ctx: CanonContext,
  lmap?: LMap,
): { val: number; mask: number } {
  const text = arg(o)
  const r = xtStrtoulPrefix(text, 0n, 0xffffffffn)
  const byName = (): { val: number; mask: number } => {
    const v = lmap?.get(text)
    if (v === undefined) {
      const msg = `${ext}: could not map name ${text} to an integer value for option "${o.canonical}"`
      return ctx.fail(msg, o, 'use a number, or a name from the iproute2 tables')
    }
    return { val: v, mask: 0xffffffff }
  }
  const bad = `${ext}: bad integer value for option "${o.canonical}", or out of range`
  if (!r) return lmap ? byName() : ctx.fail(bad, o)
  if (r.end === text.length) return { val: Number(r.value), mask: 0xffffffff }
  if (text[r.end] !== '/') {
    if (lmap) return byName()
    return ctx.fail(`${ext}: trailing garbage after value for option "${o.canonical}"`, o)
  }
  const m = xtStrtoulPrefix(text, 0n, 0xffffffffn, r.end + 1)
  if (!m) return ctx.fail(bad, o)
  if (m.end !== text.length)
    return ctx.fail(`${ext}: trailing garbage after value for option "${o.canonical}"`, o)
  return { val: Number(r.value), mask: Number(m.value) }
}

/** `xtables_print_val_mask`: `0xV/0xM`, or the name of V when the mask is all ones. */
export function formatValMask(val: number, mask: number, lmap?: LMap): string {
  if (mask !== 0xffffffff) return `0x${val.toString(16)}/0x${mask.toString(16)}`
  if (lmap) for (const [name, v] of lmap) if (v === val) return name
  return `0x${val.toString(16)}`
}

/** A port as `getaddrinfo(NULL, name)` resolves it: decimal (wrapping at 16 bits) or a service. */
export function port(o: RawOption, text: string, ctx: CanonContext, services: LMap): number {
  const r = strtoul(text, 10)
  if (r.end === text.length) return Number(r.overflow ? 0xffffn : r.value & 0xffffn)
  const p = services.get(text)
  if (p === undefined) {
    ctx.fail(
      `port "${text}" does not resolve to anything`,
      o,
      'use a port number; kpath knows only common service names',
    )
  }
  return p
}
