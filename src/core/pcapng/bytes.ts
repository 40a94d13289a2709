/**
 * @module core/pcapng/bytes
 * A growable little-endian byte writer over Uint8Array (no Buffer: core runs in browsers), and
 * the Internet checksum (RFC 1071) the IPv4, TCP, UDP and ICMP headers carry.
 */

export class ByteWriter {
  private buf = new Uint8Array(256)
  private view = new DataView(this.buf.buffer)
  private len = 0

  get length(): number {
    return this.len
  }

  private room(n: number): void {
    if (this.len + n <= this.buf.length) return
    let size = this.buf.length * 2
    while (size < this.len + n) size *= 2
    const next = new Uint8Array(size)
    next.set(this.buf.subarray(0, this.len))
    this.buf = next
    this.view = new DataView(next.buffer)
  }

  u8(v: number): this {
    this.room(1)
    this.view.setUint8(this.len, v)
    this.len += 1
    return this
  }

  u16(v: number, littleEndian = true): this {
    this.room(2)
    this.view.setUint16(this.len, v, littleEndian)
    this.len += 2
    return this
  }

  u32(v: number, littleEndian = true): this {
    this.room(4)
    this.view.setUint32(this.len, v >>> 0, littleEndian)
    this.len += 4
    return this
  }

  bytes(b: Uint8Array): this {
    this.room(b.length)
    this.buf.set(b, this.len)
    this.len += b.length
    return this
  }

  /** Zero bytes up to the next multiple of 4 (pcapng aligns every field to 32 bits). */
  pad4(): this {
    while (this.len % 4 !== 0) this.u8(0)
    return this
  }

  /** Overwrite a 32-bit value already written (block lengths known only at the end). */
  setU32(at: number, v: number): void {
    this.view.setUint32(at, v >>> 0, true)
  }

  done(): Uint8Array {
    return this.buf.slice(0, this.len)
  }
}

/** Concatenate byte arrays. */
export function concat(...parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0))
  let at = 0
  for (const p of parts) {
    out.set(p, at)
    at += p.length
  }
  return out
}

/** The 16-bit ones' complement of the ones' complement sum of the data (RFC 1071). */
export function internetChecksum(...parts: readonly Uint8Array[]): number {
  let sum = 0
  let odd: number | undefined
  for (const p of parts) {
    for (const b of p) {
      if (odd === undefined) odd = b
      else {
        sum += (odd << 8) | b
        odd = undefined
      }
    }
  }
  if (odd !== undefined) sum += odd << 8
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16)
  return ~sum & 0xffff
}
