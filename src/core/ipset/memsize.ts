/**
 * @module core/ipset/memsize
 * What `ipset list` shows as `Size in memory`, computed the way the kernel adds it up
 * (mtype_head in ip_set_hash_gen.h, bitmap_port's and list:set's head functions), with the
 * structure sizes of Linux 6.18 on x86-64 measured through ipset 7.17:
 *
 * - hash types: a fixed part per type and family, 24 bytes per extra lock region (one region
 *   per 1024 buckets), and per occupied bucket a 32-byte header plus room for 2 elements
 *   (buckets grow 2 at a time), plus every comment (16 + length + 1 bytes);
 * - bitmap:port: 72 bytes, the bitmap in 64-bit words, and the extension area of every port
 *   in the range;
 * - list:set: 80 bytes and 48 bytes per member, plus extensions and comments.
 *
 * Exact for bitmap:port and list:set. For hash types kpath assumes every member has a bucket
 * of its own; members that share a bucket (decided by jhash and the set's initval) make the
 * kernel's figure smaller, so for hash sets this is an upper bound.
 */
import type { CreateSpec } from './create-spec.js'
import type { IpSetMember, IpSetType } from './model.js'

/** `[fixed part, element bytes]` for IPv4 and IPv6, by hash type. */
const HASH_SIZES: Readonly<
  Record<string, readonly [readonly [number, number], readonly [number, number]]>
> = {
  'hash:ip': [
    [216, 4],
    [224, 16],
  ],
  'hash:net': [
    [456, 8],
    [1240, 20],
  ],
  'hash:ip,port': [
    [216, 8],
    [232, 20],
  ],
  'hash:ip,port,ip': [
    [208, 12],
    [232, 36],
  ],
  'hash:ip,port,net': [
    [464, 12],
    [1256, 36],
  ],
  'hash:net,port': [
    [456, 8],
    [1240, 20],
  ],
  'hash:net,iface': [
    [488, 28],
    [1264, 40],
  ],
}

const align = (n: number, a: number) => Math.ceil(n / a) * a

/** ip_set_elem_len: extensions in kernel order (counter, timeout, skbinfo, comment). */
function elemLen(len: number, alignment: number, spec: CreateSpec): number {
  let size = len
  let a = alignment
  const add = (extLen: number, extAlign: number) => {
    size = align(size, extAlign) + extLen
    a = Math.max(a, extAlign)
  }
  if (spec.counters) add(16, 8)
  if (spec.timeout !== undefined) add(8, 8)
  if (spec.skbinfo) add(16, 4)
  if (spec.comment) add(8, 8)
  return align(size, a)
}

function commentBytes(members: readonly IpSetMember[]): number {
  const enc = new TextEncoder()
  let total = 0
  for (const m of members) {
    const c = m.options.find((o) => o.name === 'comment')?.value
    if (c !== undefined) total += 16 + enc.encode(c).length + 1
  }
  return total
}

function hashRegions(hashsize: number): number {
  const bits = Math.round(Math.log2(hashsize))
  return bits < 10 ? 1 : 2 ** (bits - 10)
}

/** The `Size in memory` the kernel would report for a set with these members. */
export function estimateMemsize(
  type: IpSetType,
  spec: CreateSpec,
  members: readonly IpSetMember[],
): number {
  const comments = commentBytes(members)
  if (type === 'bitmap:port') {
    const [lo, hi] = spec.range ?? [0, 0]
    const n = hi - lo + 1
    return 72 + 8 * Math.ceil(n / 64) + n * elemLen(0, 1, spec) + comments
  }
  if (type === 'list:set') return 80 + members.length * elemLen(48, 8, spec) + comments
  const sizes = HASH_SIZES[type]
  if (!sizes) throw new Error(`no size table for ${type}`)
  const [fixed, len] = spec.family === 6 ? sizes[1] : sizes[0]
  const dsize = elemLen(len, 4, spec)
  return (
    fixed +
    24 * (hashRegions(spec.hashsize ?? 1024) - 1) +
    members.length * (32 + 2 * dsize) +
    comments
  )
}
