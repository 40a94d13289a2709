/**
 * @module core/conntrack/jhash
 * Bob Jenkins' lookup3 hash over 32-bit words (the kernel's jhash2), which NAT uses to pick an
 * address from a range (find_best_ips_proto). Written from the public algorithm description;
 * all arithmetic is unsigned 32-bit.
 */

const JHASH_INITVAL = 0xdeadbeef

function rol32(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0
}

interface Abc {
  a: number
  b: number
  c: number
}

/** __jhash_mix: reversibly mix three words. */
function mix(s: Abc): void {
  s.a = (s.a - s.c) >>> 0
  s.a = (s.a ^ rol32(s.c, 4)) >>> 0
  s.c = (s.c + s.b) >>> 0
  s.b = (s.b - s.a) >>> 0
  s.b = (s.b ^ rol32(s.a, 6)) >>> 0
  s.a = (s.a + s.c) >>> 0
  s.c = (s.c - s.b) >>> 0
  s.c = (s.c ^ rol32(s.b, 8)) >>> 0
  s.b = (s.b + s.a) >>> 0
  s.a = (s.a - s.c) >>> 0
  s.a = (s.a ^ rol32(s.c, 16)) >>> 0
  s.c = (s.c + s.b) >>> 0
  s.b = (s.b - s.a) >>> 0
  s.b = (s.b ^ rol32(s.a, 19)) >>> 0
  s.a = (s.a + s.c) >>> 0
  s.c = (s.c - s.b) >>> 0
  s.c = (s.c ^ rol32(s.b, 4)) >>> 0
  s.b = (s.b + s.a) >>> 0
}

/** __jhash_final: final mixing of three words into c. */
function final(s: Abc): void {
  const step = (x: number, y: number, k: number) => ((x ^ y) - rol32(y, k)) >>> 0
  s.c = step(s.c, s.b, 14)
  s.a = step(s.a, s.c, 11)
  s.b = step(s.b, s.a, 25)
  s.c = step(s.c, s.b, 16)
  s.a = step(s.a, s.c, 4)
  s.b = step(s.b, s.a, 14)
  s.c = step(s.c, s.b, 24)
}

/** jhash2(k, length, initval): hash an array of u32 words. */
export function jhash2(words: readonly number[], initval: number): number {
  const start = (JHASH_INITVAL + words.length * 4 + initval) >>> 0
  const s: Abc = { a: start, b: start, c: start }
  let i = 0
  let left = words.length
  while (left > 3) {
    s.a = (s.a + (words[i] ?? 0)) >>> 0
    s.b = (s.b + (words[i + 1] ?? 0)) >>> 0
    s.c = (s.c + (words[i + 2] ?? 0)) >>> 0
    mix(s)
    i += 3
    left -= 3
  }
  if (left === 0) return s.c
  if (left === 3) s.c = (s.c + (words[i + 2] ?? 0)) >>> 0
  if (left >= 2) s.b = (s.b + (words[i + 1] ?? 0)) >>> 0
  s.a = (s.a + (words[i] ?? 0)) >>> 0
  final(s)
  return s.c
}

/** reciprocal_scale: map a u32 hash onto [0, range) as `(val * range) >> 32`. */
export function reciprocalScale(val: number, range: number): number {
  return Number((BigInt(val >>> 0) * BigInt(range >>> 0)) >> 32n)
}

/** A big-endian 32-bit word read as a little-endian CPU loads it from memory (x86). */
export function byteSwap32(v: number): number {
  return (((v & 0xff) << 24) | ((v & 0xff00) << 8) | ((v >>> 8) & 0xff00) | (v >>> 24)) >>> 0
}
