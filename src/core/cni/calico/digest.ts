/**
 * @module core/cni/calico/digest
 * The two digests Calico's names hang on, synchronously and without `node:crypto` so that the
 * model runs in a browser:
 *
 * - **SHA-1** (FIPS 180-4): the CNI plugin names a pod's host veth `cali` + the first 11 hex
 *   digits of SHA-1(`<namespace>.<pod>`) (libcalico-go `VethNameForWorkload`), and felix derives a
 *   node's VXLAN tunnel MAC from SHA-1(node name) (`vtepMACForHost`).
 * - **SHA-224**: felix hashes every iptables rule it writes, chaining SHA-224 over the chain
 *   name and the rules (generictables `RuleHashes`); the result is the `cali:<hash>` comment.
 *
 * SHA-256 (for felix's length-limited chain names) is the project's `kube/proxy/sha256`. Inputs
 * here are short, so plain implementations are fast enough.
 */

/** SHA-224 and SHA-256 round constants (FIPS 180-4 §4.2.2). */
const K256 = new Uint32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
])

/** SHA-224's initial hash value (FIPS 180-4 §5.3.2); it keeps the first 7 of the 8 words. */
const SHA224_INIT = [
  0xc1059ed8, 0x367cd507, 0x3070dd17, 0xf70e5939, 0xffc00b31, 0x68581511, 0x64f98fa7, 0xbefa4fa4,
]

const SHA1_INIT = [0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0xc3d2e1f0]

const rotr = (x: number, n: number): number => (x >>> n) | (x << (32 - n))
const rotl = (x: number, n: number): number => (x << n) | (x >>> (32 - n))

/** The bytes of a string in UTF-8, or the bytes themselves. */
export function utf8(data: string | Uint8Array): Uint8Array {
  return typeof data === 'string' ? new TextEncoder().encode(data) : data
}

/** Message padding shared by SHA-1 and SHA-2: 0x80, zeros, the bit length big-endian. */
function pad(message: Uint8Array): DataView {
  const total = Math.ceil((message.length + 9) / 64) * 64
  const out = new Uint8Array(total)
  out.set(message)
  out[message.length] = 0x80
  const view = new DataView(out.buffer)
  const bits = message.length * 8
  view.setUint32(total - 8, Math.floor(bits / 2 ** 32))
  view.setUint32(total - 4, bits >>> 0)
  return view
}

function sha256Block(h: Uint32Array, block: DataView, offset: number, w: Uint32Array): void {
  for (let i = 0; i < 16; i++) w[i] = block.getUint32(offset + i * 4)
  for (let i = 16; i < 64; i++) {
    const a = w[i - 15] ?? 0
    const b = w[i - 2] ?? 0
    const s0 = rotr(a, 7) ^ rotr(a, 18) ^ (a >>> 3)
    const s1 = rotr(b, 17) ^ rotr(b, 19) ^ (b >>> 10)
    w[i] = (w[i - 16] ?? 0) + s0 + (w[i - 7] ?? 0) + s1
  }
  let [a, b, c, d, e, f, g, hh] = h
  for (let i = 0; i < 64; i++) {
    const ch = ((e ?? 0) & (f ?? 0)) ^ (~(e ?? 0) & (g ?? 0))
    const s1 = rotr(e ?? 0, 6) ^ rotr(e ?? 0, 11) ^ rotr(e ?? 0, 25)
    const t1 = ((hh ?? 0) + s1 + ch + (K256[i] ?? 0) + (w[i] ?? 0)) >>> 0
    const maj = ((a ?? 0) & (b ?? 0)) ^ ((a ?? 0) & (c ?? 0)) ^ ((b ?? 0) & (c ?? 0))
    const t2 = ((rotr(a ?? 0, 2) ^ rotr(a ?? 0, 13) ^ rotr(a ?? 0, 22)) + maj) >>> 0
    hh = g
    g = f
    f = e
    e = ((d ?? 0) + t1) >>> 0
    d = c
    c = b
    b = a
    a = (t1 + t2) >>> 0
  }
  ;[a, b, c, d, e, f, g, hh].forEach((x, i) => {
    h[i] = (h[i] ?? 0) + (x ?? 0)
  })
}

/** The 28-byte SHA-224 digest of `data` (a string is hashed as UTF-8). */
export function sha224(data: string | Uint8Array): Uint8Array {
  const view = pad(utf8(data))
  const h = new Uint32Array(SHA224_INIT)
  const w = new Uint32Array(64)
  for (let off = 0; off < view.byteLength; off += 64) sha256Block(h, view, off, w)
  return bigEndian(h.subarray(0, 7))
}

function sha1Block(h: Uint32Array, block: DataView, offset: number, w: Uint32Array): void {
  for (let i = 0; i < 16; i++) w[i] = block.getUint32(offset + i * 4)
  for (let i = 16; i < 80; i++) {
    w[i] = rotl((w[i - 3] ?? 0) ^ (w[i - 8] ?? 0) ^ (w[i - 14] ?? 0) ^ (w[i - 16] ?? 0), 1)
  }
  let [a, b, c, d, e] = [h[0] ?? 0, h[1] ?? 0, h[2] ?? 0, h[3] ?? 0, h[4] ?? 0]
  for (let i = 0; i < 80; i++) {
    const [f, k] =
      i < 20
        ? [(b & c) | (~b & d), 0x5a827999]
        : i < 40
          ? [b ^ c ^ d, 0x6ed9eba1]
          : i < 60
            ? [(b & c) | (b & d) | (c & d), 0x8f1bbcdc]
            : [b ^ c ^ d, 0xca62c1d6]
    const t = (rotl(a, 5) + f + e + k + (w[i] ?? 0)) >>> 0
    e = d
    d = c
    c = rotl(b, 30) >>> 0
    b = a
    a = t
  }
  ;[a, b, c, d, e].forEach((x, i) => {
    h[i] = (h[i] ?? 0) + x
  })
}

/** The 20-byte SHA-1 digest of `data` (a string is hashed as UTF-8). */
export function sha1(data: string | Uint8Array): Uint8Array {
  const view = pad(utf8(data))
  const h = new Uint32Array(SHA1_INIT)
  const w = new Uint32Array(80)
  for (let off = 0; off < view.byteLength; off += 64) sha1Block(h, view, off, w)
  return bigEndian(h)
}

function bigEndian(words: Uint32Array): Uint8Array {
  const out = new Uint8Array(words.length * 4)
  const view = new DataView(out.buffer)
  words.forEach((x, i) => {
    view.setUint32(i * 4, x)
  })
  return out
}

export function hex(bytes: Uint8Array): string {
  return [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('')
}

const B64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'

/** Unpadded URL-safe base64 (Go's `base64.RawURLEncoding`), which felix uses for hashes. */
export function base64Url(bytes: Uint8Array): string {
  let out = ''
  for (let i = 0; i < bytes.length; i += 3) {
    const n = ((bytes[i] ?? 0) << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0)
    const chars = Math.min(4, Math.ceil(((bytes.length - i) * 8) / 6))
    for (let j = 0; j < chars; j++) out += B64URL[(n >>> (18 - 6 * j)) & 63]
  }
  return out
}
