/**
 * @module core/kube/proxy/sha256
 * SHA-256 (FIPS 180-4) of a UTF-8 string, synchronously and without `node:crypto`, so that the
 * renderers run in a browser. kube-proxy hashes service-port names into chain names with it
 * (`crypto/sha256` in pkg/proxy/iptables and pkg/proxy/nftables).
 *
 * A large sync hashes ~40,000 short strings (one per service port, one per endpoint), so the
 * hot path allocates nothing: the string is encoded into a reused byte buffer, padded in place,
 * and compressed with a reused 64-word schedule into a reused 8-word state. Arithmetic is on
 * int32 (`| 0`), which is what the engines compile best; `>>>` only where the sign matters.
 * Nothing here is re-entrant, which JavaScript's single thread makes safe.
 *
 * Typed-array reads carry `!`: every index is in bounds by construction (fixed 64- and 8-word
 * arrays, a buffer padded to whole 64-byte blocks), which `noUncheckedIndexedAccess` cannot see.
 */

/** Round constants K(0..63): the first 32 bits of the fractional cube roots of the first 64 primes. */
const K = Int32Array.of(
  0x428a2f98,
  0x71374491,
  0xb5c0fbcf,
  0xe9b5dba5,
  0x3956c25b,
  0x59f111f1,
  0x923f82a4,
  0xab1c5ed5,
  0xd807aa98,
  0x12835b01,
  0x243185be,
  0x550c7dc3,
  0x72be5d74,
  0x80deb1fe,
  0x9bdc06a7,
  0xc19bf174,
  0xe49b69c1,
  0xefbe4786,
  0x0fc19dc6,
  0x240ca1cc,
  0x2de92c6f,
  0x4a7484aa,
  0x5cb0a9dc,
  0x76f988da,
  0x983e5152,
  0xa831c66d,
  0xb00327c8,
  0xbf597fc7,
  0xc6e00bf3,
  0xd5a79147,
  0x06ca6351,
  0x14292967,
  0x27b70a85,
  0x2e1b2138,
  0x4d2c6dfc,
  0x53380d13,
  0x650a7354,
  0x766a0abb,
  0x81c2c92e,
  0x92722c85,
  0xa2bfe8a1,
  0xa81a664b,
  0xc24b8b70,
  0xc76c51a3,
  0xd192e819,
  0xd6990624,
  0xf40e3585,
  0x106aa070,
  0x19a4c116,
  0x1e376c08,
  0x2748774c,
  0x34b0bcb5,
  0x391c0cb3,
  0x4ed8aa4a,
  0x5b9cca4f,
  0x682e6ff3,
  0x748f82ee,
  0x78a5636f,
  0x84c87814,
  0x8cc70208,
  0x90befffa,
  0xa4506ceb,
  0xbef9a3f7,
  0xc67178f2,
)

/** Initial hash value H(0): the first 32 bits of the fractional square roots of the first 8 primes. */
const INIT = Int32Array.of(
  0x6a09e667,
  0xbb67ae85,
  0x3c6ef372,
  0xa54ff53a,
  0x510e527f,
  0x9b05688c,
  0x1f83d9ab,
  0x5be0cd19,
)

/** The message schedule W(0..63), reused by every block. */
const W = new Int32Array(64)
/** The hash state H(0..7) of the current message; read it before the next call. */
const STATE = new Int32Array(8)
/** The reused message buffer; chain-name inputs are far shorter than this. */
const SCRATCH = new Uint8Array(4096)

/**
 * `text` as UTF-8 into `out` from index 0; returns the byte count. Follows the WHATWG encoder
 * (TextEncoder, and Node's `'utf8'`): a lone surrogate becomes U+FFFD. `out` must hold
 * 3 bytes per UTF-16 unit (a surrogate pair, 2 units, takes 4).
 */
function encodeUtf8(text: string, out: Uint8Array): number {
  let n = 0
  for (let i = 0; i < text.length; i++) {
    let c = text.charCodeAt(i)
    if (c < 0x80) {
      out[n++] = c
      continue
    }
    if (c < 0x800) {
      out[n++] = 0xc0 | (c >> 6)
      out[n++] = 0x80 | (c & 63)
      continue
    }
    if (c >= 0xd800 && c <= 0xdfff) {
      const next = i + 1 < text.length ? text.charCodeAt(i + 1) : 0
      if (c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
        const cp = 0x10000 + ((c - 0xd800) << 10) + (next - 0xdc00)
        i++
        out[n++] = 0xf0 | (cp >> 18)
        out[n++] = 0x80 | ((cp >> 12) & 63)
        out[n++] = 0x80 | ((cp >> 6) & 63)
        out[n++] = 0x80 | (cp & 63)
        continue
      }
      c = 0xfffd
    }
    out[n++] = 0xe0 | (c >> 12)
    out[n++] = 0x80 | ((c >> 6) & 63)
    out[n++] = 0x80 | (c & 63)
  }
  return n
}

/** Pad `length` message bytes in place (0x80, zeros, 64-bit bit length); returns the new length. */
function pad(buf: Uint8Array, length: number): number {
  const total = (((length + 8) >> 6) + 1) << 6
  buf[length] = 0x80
  buf.fill(0, length + 1, total - 8)
  // The bit length as a 64-bit big-endian number; `length` < 2^53 / 8 in any engine.
  const hi = Math.floor(length / 0x20000000)
  const lo = (length << 3) | 0
  buf[total - 8] = hi >>> 24
  buf[total - 7] = hi >>> 16
  buf[total - 6] = hi >>> 8
  buf[total - 5] = hi
  buf[total - 4] = lo >>> 24
  buf[total - 3] = lo >>> 16
  buf[total - 2] = lo >>> 8
  buf[total - 1] = lo
  return total
}

/** Fill W from the 64-byte block at `offset` (big-endian words) and expand it to 64 words. */
function schedule(buf: Uint8Array, offset: number): void {
  for (let i = 0; i < 16; i++) {
    const j = offset + i * 4
    W[i] = (buf[j]! << 24) | (buf[j + 1]! << 16) | (buf[j + 2]! << 8) | buf[j + 3]!
  }
  for (let i = 16; i < 64; i++) {
    const x = W[i - 15]!
    const y = W[i - 2]!
    const s0 = ((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3)
    const s1 = ((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10)
    W[i] = (W[i - 16]! + s0 + W[i - 7]! + s1) | 0
  }
}

/** The 64 rounds over W, added into STATE (FIPS 180-4 §6.2.2 steps 2–4). */
function rounds(): void {
  let a = STATE[0]!
  let b = STATE[1]!
  let c = STATE[2]!
  let d = STATE[3]!
  let e = STATE[4]!
  let f = STATE[5]!
  let g = STATE[6]!
  let h = STATE[7]!
  for (let i = 0; i < 64; i++) {
    const S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7))
    const t1 = (h + S1 + ((e & f) ^ (~e & g)) + K[i]! + W[i]!) | 0
    const S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10))
    const t2 = (S0 + ((a & b) ^ (a & c) ^ (b & c))) | 0
    h = g
    g = f
    f = e
    e = (d + t1) | 0
    d = c
    c = b
    b = a
    a = (t1 + t2) | 0
  }
  STATE[0] = (STATE[0]! + a) | 0
  STATE[1] = (STATE[1]! + b) | 0
  STATE[2] = (STATE[2]! + c) | 0
  STATE[3] = (STATE[3]! + d) | 0
  STATE[4] = (STATE[4]! + e) | 0
  STATE[5] = (STATE[5]! + f) | 0
  STATE[6] = (STATE[6]! + g) | 0
  STATE[7] = (STATE[7]! + h) | 0
}

/**
 * The SHA-256 of `text` (UTF-8) as 8 big-endian 32-bit words, signed (`| 0`). The array is
 * shared and overwritten by the next call: read what you need first.
 */
export function sha256Words(text: string): Int32Array {
  // 3 bytes per UTF-16 unit at most, plus up to 72 bytes of padding.
  const need = text.length * 3 + 72
  // Long inputs get their own buffer, so that one huge string does not stay allocated.
  const buf = need <= SCRATCH.length ? SCRATCH : new Uint8Array(need)
  const total = pad(buf, encodeUtf8(text, buf))
  STATE.set(INIT)
  for (let off = 0; off < total; off += 64) {
    schedule(buf, off)
    rounds()
  }
  return STATE
}

/** The 32-byte SHA-256 digest of `text` encoded as UTF-8 (a fresh array). */
export function sha256(text: string): Uint8Array {
  const words = sha256Words(text)
  const out = new Uint8Array(32)
  for (let i = 0; i < 8; i++) {
    const w = words[i]!
    out[i * 4] = w >>> 24
    out[i * 4 + 1] = w >>> 16
    out[i * 4 + 2] = w >>> 8
    out[i * 4 + 3] = w
  }
  return out
}
