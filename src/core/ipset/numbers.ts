/**
 * @module core/ipset/numbers
 * Numbers as the ipset tool reads them. ipset parses every number with `strtoull(…, 0)`
 * semantics (lib/parse.c), so `0x50` is 80, `010` is 8 and `08` is an error; we follow that
 * exactly, but refuse signs and spaces, which only the C library tolerates.
 */

/** Parse an unsigned C-style number (decimal, `0x` hex or leading-zero octal), or undefined. */
export function parseCNumber(text: string): bigint | undefined {
  if (/^0[xX][0-9a-fA-F]+$/.test(text)) return BigInt(text.toLowerCase())
  if (/^0[0-7]*$/.test(text)) return text.length === 1 ? 0n : BigInt(`0o${text.slice(1)}`)
  if (/^[1-9][0-9]*$/.test(text)) return BigInt(text)
  return undefined
}

/** Why a number was refused, in the words ipset uses (`'08' is invalid as number`). */
export type NumberProblem =
  | { readonly kind: 'invalid' }
  | { readonly kind: 'range'; readonly max: bigint }

/** Parse a number in `[min, max]`; the problem tells the caller which message to give. */
export function parseBounded(
  text: string,
  max: bigint,
  min = 0n,
): { readonly value: bigint } | NumberProblem {
  const v = parseCNumber(text)
  if (v === undefined) return { kind: 'invalid' }
  if (v < min || v > max) return { kind: 'range', max }
  return { value: v }
}

/** The ipset wording of a number problem, e.g. `'33' is out of range 0-32`. */
export function numberMessage(text: string, p: NumberProblem, min = 0n): string {
  return p.kind === 'invalid'
    ? `'${text}' is invalid as number`
    : `'${text}' is out of range ${min}-${p.max}`
}

export const U16_MAX = 0xffffn
export const U32_MAX = 0xffffffffn
/** ipset caps counters one below 2^64 (ULLONG_MAX means "not given" in the protocol). */
export const COUNTER_MAX = 0xfffffffffffffffen
/** Largest timeout ipset accepts, in seconds (UINT_MAX / MSEC_PER_SEC, lib/parse.c). */
export const TIMEOUT_MAX = 2147483n
