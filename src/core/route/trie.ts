/**
 * @module core/route/trie
 * A binary trie for longest-prefix match over 32- or 128-bit keys: the role of the kernel's LC
 * trie in net/ipv4/fib_trie.c and of fib6's radix tree, without their path compression. A
 * lookup returns every stored prefix that covers the key, longest first, because the kernel
 * backtracks to shorter prefixes when no alias at a longer one is usable (fib_table_lookup's
 * `backtrace`).
 */
import { type Family, maskOf, widthOf } from './key.js'

interface TrieNode<T> {
  zero?: TrieNode<T>
  one?: TrieNode<T>
  value?: T
}

/** A stored prefix and its value, as {@link LpmTrie.matches} returns them. */
export interface TrieMatch<T> {
  readonly net: bigint
  readonly len: number
  readonly value: T
}

const SHIFTS: Record<Family, bigint[]> = { 4: [], 6: [] }
for (const family of [4, 6] as const) {
  const w = widthOf(family)
  for (let i = 0; i < w; i++) SHIFTS[family].push(BigInt(w - 1 - i))
}

export class LpmTrie<T> {
  private readonly root: TrieNode<T> = {}
  private readonly shifts: readonly bigint[]
  private count = 0

  constructor(readonly family: Family) {
    this.shifts = SHIFTS[family]
  }

  get size(): number {
    return this.count
  }

  /** The value stored at exactly `net/len`, if any. */
  get(net: bigint, len: number): T | undefined {
    return this.node(net, len, false)?.value
  }

  /** Store `value` at `net/len` (host bits of `net` are ignored), replacing any previous one. */
  set(net: bigint, len: number, value: T): void {
    const n = this.node(net, len, true)
    if (n === undefined) return
    if (n.value === undefined) this.count++
    n.value = value
  }

  /** Every stored prefix covering `key`, longest first. */
  matches(key: bigint): TrieMatch<T>[] {
    const out: TrieMatch<T>[] = []
    let n: TrieNode<T> | undefined = this.root
    for (let depth = 0; n !== undefined; depth++) {
      if (n.value !== undefined) {
        out.push({ net: key & maskOf(this.family, depth), len: depth, value: n.value })
      }
      if (depth === this.shifts.length) break
      n = this.bit(key, depth) ? n.one : n.zero
    }
    return out.reverse()
  }

  /** Every stored prefix, shortest first then by address (for listings and tests). */
  entries(): TrieMatch<T>[] {
    const out: TrieMatch<T>[] = []
    const walk = (n: TrieNode<T> | undefined, net: bigint, depth: number): void => {
      if (n === undefined) return
      if (n.value !== undefined) out.push({ net, len: depth, value: n.value })
      const shift = this.shifts[depth]
      if (shift === undefined) return
      walk(n.zero, net, depth + 1)
      walk(n.one, net | (1n << shift), depth + 1)
    }
    walk(this.root, 0n, 0)
    return out.sort((a, b) => a.len - b.len || (a.net < b.net ? -1 : a.net > b.net ? 1 : 0))
  }

  private bit(key: bigint, depth: number): boolean {
    return ((key >> (this.shifts[depth] ?? 0n)) & 1n) === 1n
  }

  private node(net: bigint, len: number, create: boolean): TrieNode<T> | undefined {
    if (len < 0 || len > widthOf(this.family)) {
      throw new RangeError(`prefix length ${len} out of range for IPv${this.family}`)
    }
    let n = this.root
    for (let depth = 0; depth < len; depth++) {
      const side = this.bit(net, depth) ? 'one' : 'zero'
      let next = n[side]
      if (next === undefined) {
        if (!create) return undefined
        next = {}
        n[side] = next
      }
      n = next
    }
    return n
  }
}
