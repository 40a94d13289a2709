/**
 * @module core/dump/tar
 * A tar archive read from bytes (no gzip: the caller decompresses), enough for the tarballs the
 * collect script makes with `tar -czf` (GNU tar 1.34, busybox tar): POSIX ustar headers, GNU's
 * `././@LongLink` entries for names over 100 bytes (type `L`/`K`) and pax extended headers
 * (type `x`: `path`, `linkpath`, `size`). Layout (POSIX.1-2017 pax, "ustar Interchange Format"):
 * 512-byte headers, each followed by its data padded to 512 bytes, the archive ended by zero
 * blocks. Links, devices and FIFOs are reported, never skipped: a node dump holds none.
 */
import { KpathError } from '../errors.js'

const BLOCK = 512

export interface TarEntry {
  /** The member's path as stored (`kpath-dump-node1/ip-addr.json`), directories without `/`. */
  readonly path: string
  readonly type: 'file' | 'directory'
  /** The file's bytes (empty for a directory). */
  readonly data: Uint8Array
}

function bad(source: string, offset: number, message: string, hint?: string): KpathError {
  return new KpathError('KPATH_PARSE', `${source}: byte ${offset}: ${message}`, {
    hint: hint ?? 'is it a tarball kpath collect made? Check it with: tar -tzf FILE',
  })
}

/** A NUL-terminated field, as text. */
function text(b: Uint8Array, at: number, len: number): string {
  const field = b.subarray(at, at + len)
  const end = field.indexOf(0)
  return new TextDecoder().decode(end < 0 ? field : field.subarray(0, end))
}

/**
 * A numeric field: octal digits (space or NUL padded), or GNU's base-256 form (first byte's high
 * bit set) for values over 8 GiB.
 */
function number(b: Uint8Array, at: number, len: number): number | undefined {
  const first = b[at] ?? 0
  if (first & 0x80) {
    let v = first & 0x7f
    for (let i = 1; i < len; i++) v = v * 256 + (b[at + i] ?? 0)
    return v
  }
  const digits = text(b, at, len).trim()
  return /^[0-7]*$/.test(digits) ? Number.parseInt(digits || '0', 8) : undefined
}

/** The header checksum: the sum of its bytes with the checksum field read as spaces. */
function checksum(b: Uint8Array, at: number): number {
  let sum = 0
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : (b[at + i] ?? 0)
  return sum
}

function isZeroBlock(b: Uint8Array, at: number): boolean {
  for (let i = at; i < at + BLOCK; i++) if (b[i] !== 0) return false
  return true
}

/** pax records: `LENGTH KEY=VALUE\n`, LENGTH counting the whole record. */
function paxRecords(data: Uint8Array, source: string, offset: number): Map<string, string> {
  const out = new Map<string, string>()
  const all = new TextDecoder().decode(data)
  let i = 0
  while (i < all.length) {
    const space = all.indexOf(' ', i)
    const len = Number(all.slice(i, space))
    // The length counts bytes; the records kpath reads (path, size) are ASCII-safe enough that
    // a mismatch only shows on a corrupt header, which is an error.
    const record = all.slice(space + 1, i + len - 1)
    const eq = record.indexOf('=')
    if (space < 0 || !Number.isInteger(len) || len <= 0 || eq < 0)
      throw bad(source, offset, 'a pax extended header record is malformed')
    out.set(record.slice(0, eq), record.slice(eq + 1))
    i += len
  }
  return out
}

interface Pending {
  path?: string
  size?: number
}

const TYPE_NAMES: Readonly<Record<string, string>> = {
  '1': 'a hard link',
  '2': 'a symbolic link',
  '3': 'a character device',
  '4': 'a block device',
  '6': 'a FIFO',
  '7': 'a contiguous file',
}

/**
 * Every file and directory of the archive, in archive order.
 *
 * @example
 * readTar(bytes, 'dump.tar').map((e) => e.path) // ['kpath-dump-alpha', 'kpath-dump-alpha/hostname.txt', …]
 * @throws KpathError KPATH_PARSE for a bad checksum, a field that is not a number or a member
 *   cut short; KPATH_UNSUPPORTED for links, devices and FIFOs
 */
export function readTar(bytes: Uint8Array, source: string): TarEntry[] {
  const out: TarEntry[] = []
  let pending: Pending = {}
  let at = 0
  while (at + BLOCK <= bytes.length && !isZeroBlock(bytes, at)) {
    const sum = number(bytes, at + 148, 8)
    if (sum !== checksum(bytes, at))
      throw bad(source, at, 'tar header checksum does not match (not a tar archive, or damaged)')
    const size = pending.size ?? number(bytes, at + 124, 12)
    if (size === undefined) throw bad(source, at + 124, 'the size field is not an octal number')
    const start = at + BLOCK
    if (start + size > bytes.length)
      throw bad(source, at, `a member of ${size} bytes is cut short (the archive is truncated)`)
    const data = bytes.subarray(start, start + size)
    const type = String.fromCharCode(bytes[at + 156] ?? 0)
    const ustar = text(bytes, at + 257, 6) === 'ustar' && text(bytes, at + 263, 2) === '00'
    const prefix = ustar ? text(bytes, at + 345, 155) : ''
    const name = pending.path ?? (prefix ? `${prefix}/` : '') + text(bytes, at, 100)
    at = start + Math.ceil(size / BLOCK) * BLOCK
    if (type === 'L') pending = { ...pending, path: text(data, 0, data.length) }
    else if (type === 'x') {
      const pax = paxRecords(data, source, start)
      const paxSize = pax.get('size')
      pending = {
        ...pending,
        ...(pax.has('path') ? { path: pax.get('path') } : {}),
        ...(paxSize === undefined ? {} : { size: Number(paxSize) }),
      }
    } else if (type === 'K' || type === 'g') {
      // A long link name (only links use it) or global pax defaults: nothing a file needs.
    } else if (type === '0' || type === '\0' || type === '5') {
      const path = name.replace(/\/+$/, '')
      out.push({ path, type: type === '5' ? 'directory' : 'file', data })
      pending = {}
    } else
      throw new KpathError(
        'KPATH_UNSUPPORTED',
        `${source}: ${name} is ${TYPE_NAMES[type] ?? `a member of tar type "${type}"`}: a node dump holds only files`,
        { hint: 'unpack it (tar -xzf) and pass the dump folder' },
      )
  }
  // tar always ends an archive with zero blocks: without them, it was cut short.
  if (at + BLOCK > bytes.length)
    throw bad(source, at, 'the archive ends without its end-of-archive block (it is truncated)')
  return out
}
