/**
 * @module core/kube/proxy/sha256
 * SHA-256 (FIPS 180-4) of a UTF-8 string, synchronously and without `node:crypto`, so that the
 * renderers run in a browser. kube-proxy hashes service-port names into chain names with it
 * (`crypto/sha256` in pkg/proxy/iptables and pkg/proxy/nftables); inputs are short, so a plain
 * implementation is fast enough.
 */

/** Round constants, read with `getUint32(i * 4)`. */
const K = words([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
])

/** Initial hash value H(0). */
const INIT: readonly number[] = [
  0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
]

/** 32-bit words in a DataView, so that reads are plain numbers. */
function words(list: readonly number[]): DataView {
  const view = new DataView(new ArrayBuffer(list.length * 4))
  list.forEach((x, i) => {
    view.setUint32(i * 4, x)
  })
  return view
}

const rotr = (x: number, n: number): number => (x >>> n) | (x << (32 - n))

/** The message padded to a multiple of 64 bytes, with its bit length in the last 8 bytes. */
function pad(message: Uint8Array): Uint8Array {
  const total = Math.ceil((message.length + 9) / 64) * 64
  const out = new Uint8Array(total)
  out.set(message)
  out[message.length] = 0x80
  const view = new DataView(out.buffer)
  const bits = message.length * 8
  view.setUint32(total - 8, Math.floor(bits / 2 ** 32))
  view.setUint32(total - 4, bits >>> 0)
  return out
}

/** One 64-byte block into the state `h` (8 words); `w` is the 64-word message schedule. */
function compress(h: DataView, block: DataView, offset: number, w: DataView): void {
  const W = (i: number): number => w.getUint32(i * 4)
  for (let i = 0; i < 16; i++) w.setUint32(i * 4, block.getUint32(offset + i * 4))
  for (let i = 16; i < 64; i++) {
    const s0 = rotr(W(i - 15), 7) ^ rotr(W(i - 15), 18) ^ (W(i - 15) >>> 3)
    const s1 = rotr(W(i - 2), 17) ^ rotr(W(i - 2), 19) ^ (W(i - 2) >>> 10)
    w.setUint32(i * 4, (W(i - 16) + s0 + W(i - 7) + s1) >>> 0)
  }
  const H = (i: number): number => h.getUint32(i * 4)
  let [a, b, c, d, e, f, g, hh] = [H(0), H(1), H(2), H(3), H(4), H(5), H(6), H(7)]
  for (let i = 0; i < 64; i++) {
    const ch = (e & f) ^ (~e & g)
    const t1 =
      (hh + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ch + K.getUint32(i * 4) + W(i)) >>> 0
    const maj = (a & b) ^ (a & c) ^ (b & c)
    const t2 = ((rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + maj) >>> 0
    hh = g
    g = f
    f = e
    e = (d + t1) >>> 0
    d = c
    c = b
    b = a
    a = (t1 + t2) >>> 0
  }
  const out = [a, b, c, d, e, f, g, hh]
  out.forEach((x, i) => {
    h.setUint32(i * 4, (h.getUint32(i * 4) + x) >>> 0)
  })
}

/** The 32-byte SHA-256 digest of `text` encoded as UTF-8. */
export function sha256(text: string): Uint8Array {
  const padded = pad(new TextEncoder().encode(text))
  const view = new DataView(padded.buffer)
  const h = words(INIT)
  const w = new DataView(new ArrayBuffer(256))
  for (let off = 0; off < padded.length; off += 64) compress(h, view, off, w)
  return new Uint8Array(h.buffer)
}
