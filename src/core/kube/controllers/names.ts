/**
 * @module core/kube/controllers/names
 * Generated object names. Kubernetes appends 5 random characters from the alphabet
 * `bcdfghjklmnpqrstvwxz2456789` (apimachinery util/rand: no vowels, so no words, and no 0/1/3
 * that read like letters) to a `generateName`. kpath draws them from a seeded hash instead, so
 * the same input always gives the same names.
 */

/** Kubernetes' name-suffix alphabet (apimachinery `util/rand`). */
export const ALPHANUMS = 'bcdfghjklmnpqrstvwxz2456789'

/** A generated name is at most 63 characters; the base is cut to 58 for the 5-char suffix. */
const MAX_GENERATED_BASE = 58

const encoder = new TextEncoder()

/** FNV-1a, 32 bits, over the UTF-8 bytes of `text` (Go's hash/fnv New32a). */
export function fnv32a(text: string): number {
  let h = 0x811c9dc5
  for (const b of encoder.encode(text)) {
    h ^= b
    h = Math.imul(h, 0x01000193) >>> 0
  }
  return h
}

/**
 * apimachinery's `SafeEncodeString`: each character is replaced by `ALPHANUMS[code % 27]`, so a
 * decimal hash becomes a string with no vowels (that is why pod-template-hashes use only
 * `456789bcdf`).
 */
export function safeEncode(s: string): string {
  let out = ''
  for (const ch of s) out += ALPHANUMS[(ch.codePointAt(0) ?? 0) % ALPHANUMS.length]
  return out
}

/** 5 characters from {@link ALPHANUMS}, a pure function of `seed` and `parts`. */
export function suffix(seed: string, ...parts: readonly (string | number)[]): string {
  let state = fnv32a([seed, ...parts].join('\u0000'))
  let out = ''
  for (let i = 0; i < 5; i++) {
    // mulberry32 step: spreads the 32-bit state before each draw.
    state = (state + 0x6d2b79f5) >>> 0
    let t = Math.imul(state ^ (state >>> 15), state | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    out += ALPHANUMS[((t ^ (t >>> 14)) >>> 0) % ALPHANUMS.length]
  }
  return out
}

/** `generateName` + 5 chars, as the API server's name generator makes it. */
export function generatedName(base: string, seed: string, ...parts: readonly (string | number)[]) {
  return `${base.slice(0, MAX_GENERATED_BASE)}${suffix(seed, base, ...parts)}`
}

/**
 * A generated name not in `taken`: the API server retries on a clash; kpath moves to the next
 * draw of the same seeded sequence.
 */
export function freshName(
  base: string,
  taken: ReadonlySet<string>,
  seed: string,
  ...parts: readonly (string | number)[]
): string {
  for (let attempt = 0; ; attempt++) {
    const name = generatedName(base, seed, ...parts, attempt)
    if (!taken.has(name)) return name
  }
}
