/**
 * @module core/cni/calico/blocks
 * Calico IPAM blocks: a pool is cut into blocks of `blockSize`; a block is affine to one node
 * and hands out its addresses by ordinal, lowest first, every address usable (.0 and the last
 * too: Calico reserves none, which is why the first IPIP tunnel address is the block's `.0`).
 */
import { formatIPv4, parseCidr, parseIPv4 } from '../../net/ip.js'
import type { IpPool } from './config-types.js'

export class Block {
  /** Ordinals in use (tunnel addresses and pods). */
  readonly used = new Set<number>()

  constructor(
    readonly pool: IpPool,
    /** First address as a number. */
    readonly base: number,
    readonly node: string,
  ) {}

  get size(): number {
    return 2 ** (32 - this.pool.blockSize)
  }

  get cidr(): string {
    return `${formatIPv4(this.base)}/${this.pool.blockSize}`
  }

  contains(ip: number): boolean {
    return ip >= this.base && ip < this.base + this.size
  }

  /** Take `ip`; false when it is outside the block or already taken. */
  take(ip: number): boolean {
    const ordinal = ip - this.base
    if (!this.contains(ip) || this.used.has(ordinal)) return false
    this.used.add(ordinal)
    return true
  }

  /** The lowest free address, taken; undefined when the block is full. */
  next(): string | undefined {
    for (let o = 0; o < this.size; o++) {
      if (this.used.has(o)) continue
      this.used.add(o)
      return formatIPv4(this.base + o)
    }
    return undefined
  }
}

/** The pool's prefix as numbers. */
export function poolRange(pool: IpPool): { base: number; size: number } {
  const c = parseCidr(pool.cidr)
  if (c?.family !== 4 || c.len === undefined) return { base: 0, size: 0 }
  return { base: c.addr, size: 2 ** (32 - c.len) }
}

export function poolContains(pool: IpPool, ip: number): boolean {
  const r = poolRange(pool)
  return ip >= r.base && ip < r.base + r.size
}

/** The base address of the block of `pool` that holds `ip`. */
export function blockBaseOf(pool: IpPool, ip: number): number {
  const size = 2 ** (32 - pool.blockSize)
  return Math.floor(ip / size) * size
}

/** Blocks of `pool` in address order, as base addresses. */
export function* blockBases(pool: IpPool): Generator<number> {
  const r = poolRange(pool)
  const size = 2 ** (32 - pool.blockSize)
  for (let b = r.base; b < r.base + r.size; b += size) yield b
}

/** An IPv4 address (optionally `/32`) as a number. */
export function ipNumber(text: string): number | undefined {
  return parseIPv4(text.replace(/\/32$/, ''))
}
