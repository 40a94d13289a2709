/**
 * @module core/netfilter/xt/modules/extra/lib/cnum
 * Number parsing and printing the way iptables' C code does it. Extensions parse their
 * arguments with `strtoumax(…, 0)` (so `0x10`, `010` and ` +5` are all numbers), `atoi` (which
 * stops at the first non-digit: `5x/min` is 5) or `strtod`, and print with `printf`. Emulating
 * those exactly is what makes `canonicalize` agree with `iptables-save` on odd input.
 */

const U64_MAX = (1n << 64n) - 1n

function isSpace(c: string | undefined): boolean {
  return c === ' ' || c === '\t' || c === '\n' || c === '\v' || c === '\f' || c === '\r'
}

function digitValue(c: string | undefined): number {
  if (c === undefined) return 99
  const code = c.charCodeAt(0)
  if (code >= 48 && code <= 57) return code - 48
  if (code >= 97 && code <= 122) return code - 87
  if (code >= 65 && code <= 90) return code - 55
  return 99
}

/** Result of a C `strto*` call: the value and the index of the first unparsed character. */
export interface CParse {
  readonly value: bigint
  /** Index in the input of the first character not consumed (0 when nothing was parsed). */
  readonly end: number
  /** The value did not fit in 64 bits (errno ERANGE). */
  readonly overflow: boolean
  readonly negative: boolean
}

/**
 * `strtoumax(s + start, &end, base)`: leading white space, an optional sign, then digits of
 * `base` (0 means auto: `0x` hex, `0` octal, else decimal). Overflow clamps, as in C.
 */
export function strtoumax(s: string, base = 0, start = 0): CParse {
  let i = start
  while (isSpace(s[i])) i++
  let negative = false
  if (s[i] === '+' || s[i] === '-') {
    negative = s[i] === '-'
    i++
  }
  let b = base
  const hexPrefix =
    s[i] === '0' && (s[i + 1] === 'x' || s[i + 1] === 'X') && digitValue(s[i + 2]) < 16
  if ((b === 0 || b === 16) && hexPrefix) {
    i += 2
    b = 16
  } else if (b === 0) b = s[i] === '0' ? 8 : 10
  const first = i
  let v = 0n
  let overflow = false
  while (digitValue(s[i]) < b) {
    v = v * BigInt(b) + BigInt(digitValue(s[i]))
    if (v > U64_MAX) overflow = true
    i++
  }
  if (i === first) return { value: 0n, end: start, overflow: false, negative: false }
  if (overflow) v = U64_MAX
  else if (negative) v = (U64_MAX + 1n - v) & U64_MAX
  return { value: v, end: i, overflow, negative }
}

/**
 * `xtables_strtoul(s, NULL, …, min, max)`: the whole string must be a number in [min, max]
 * (max 0 means no upper bound); a leading minus is refused. Undefined when not.
 */
export function xtStrtoul(s: string, min = 0n, max = 0n): bigint | undefined {
  const r = xtStrtoulPrefix(s, min, max)
  return r && r.end === s.length ? r.value : undefined
}

/** `xtables_strtoul(s, &end, …)`: a number at the start of `s`; the caller checks what follows. */
export function xtStrtoulPrefix(s: string, min = 0n, max = 0n, start = 0): CParse | undefined {
  let i = start
  while (isSpace(s[i])) i++
  if (s[i] === '-') return undefined
  const r = strtoumax(s, 0, start)
  if (r.end === start || r.overflow) return undefined
  if (r.value < min || (max !== 0n && r.value > max)) return undefined
  return r
}

/** C `strtoul(s, &end, base)` on a 64-bit system (sign allowed, wraps when negative). */
export function strtoul(s: string, base: number, start = 0): CParse {
  return strtoumax(s, base, start)
}

/** C `atoll`: a decimal prefix, 0 when there is none; clamps to the signed 64-bit range. */
export function atoll(s: string): bigint {
  let i = 0
  while (isSpace(s[i])) i++
  let neg = false
  if (s[i] === '+' || s[i] === '-') {
    neg = s[i] === '-'
    i++
  }
  let v = 0n
  while (digitValue(s[i]) < 10) {
    v = v * 10n + BigInt(digitValue(s[i]))
    if (v > 1n << 63n) v = 1n << 63n
    i++
  }
  if (neg) return -v
  return v > (1n << 63n) - 1n ? (1n << 63n) - 1n : v
}

/** C `atoi`: `(int)strtol(s)`. */
export function atoi(s: string): number {
  return Number(BigInt.asIntN(32, atoll(s)))
}

/** C `strtod` prefix parse: the value and the index after it (0 when none). */
export function strtod(s: string): { readonly value: number; readonly end: number } {
  const m = /^[ \t\n\v\f\r]*[+-]?(?:(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|inf(?:inity)?|nan)/i.exec(
    s,
  )
  if (!m) return { value: 0, end: 0 }
  const text = m[0].trim()
  const lower = text.toLowerCase().replace(/^[+-]/, '')
  const sign = text.startsWith('-') ? -1 : 1
  if (lower.startsWith('inf')) return { value: sign * Number.POSITIVE_INFINITY, end: m[0].length }
  if (lower === 'nan') return { value: Number.NaN, end: m[0].length }
  return { value: Number(text), end: m[0].length }
}

/**
 * `printf("%.<digits>f", x)`. JavaScript's `toFixed` rounds exact ties away from zero while
 * glibc rounds them to even; ties are exactly representable, so they can be detected.
 */
export function cFixed(x: number, digits: number): string {
  const scaled = x * 10 ** digits
  if (
    Number.isFinite(scaled) &&
    Math.abs(scaled) < 2 ** 52 &&
    scaled - Math.floor(scaled) === 0.5
  ) {
    const down = Math.floor(scaled)
    const even = down % 2 === 0 ? down : down + 1
    return (even / 10 ** digits).toFixed(digits)
  }
  return x.toFixed(digits)
}

/** `printf("0x%0<width>x", n)`. */
export function hex(n: number | bigint, width = 0): string {
  return `0x${n.toString(16).padStart(width, '0')}`
}

/** Unsigned 32-bit wrap-around, as C does for `uint32_t` arithmetic. */
export function u32(n: bigint): bigint {
  return BigInt.asUintN(32, n)
}

/** Unsigned 64-bit wrap-around. */
export function u64(n: bigint): bigint {
  return BigInt.asUintN(64, n)
}

export const UINT64_MAX = U64_MAX
export const UINT32_MAX = 0xffffffffn
