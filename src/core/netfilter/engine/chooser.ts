/**
 * @module core/netfilter/engine/chooser
 * Random choices in the data plane (`-m statistic --mode random`, random NAT ports) are answered
 * by a {@link Chooser}. Replaying a fixed list of answers makes a walk deterministic, which is
 * how {@link enumerate} visits every branch with its probability; a seeded PRNG samples one.
 */

export interface Chooser {
  /** Does an event of probability `p` happen? `label` names it in the trace. */
  choose(p: number, label: string): boolean
  /** A uniformly random integer in [0, n), for NAT port selection. */
  pick(n: number): number
}

/** One decision taken along a branch. */
export interface Decision {
  readonly label: string
  readonly p: number
  readonly taken: boolean
}

/** Replays `prefix`, then answers `true` and records every later decision point. */
export class ReplayChooser implements Chooser {
  readonly decisions: Decision[] = []
  private index = 0

  constructor(private readonly prefix: readonly boolean[]) {}

  choose(p: number, label: string): boolean {
    // Certain outcomes are not branch points (p is exactly 0 or 1 after the kernel's rounding).
    if (p <= 0) return false
    if (p >= 1) return true
    const taken = this.index < this.prefix.length ? this.prefix[this.index] === true : true
    this.index++
    this.decisions.push({ label, p, taken })
    return taken
  }

  pick(): number {
    // Port selection does not branch: the lowest free candidate stands for "a port the kernel
    // picks at random", which traces say in words.
    return 0
  }
}

/** mulberry32: a small, fast, seedable PRNG; good enough for sampling traces. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

export class SampleChooser implements Chooser {
  readonly decisions: Decision[] = []
  private readonly rand: () => number

  constructor(seed: number) {
    this.rand = seededRandom(seed)
  }

  choose(p: number, label: string): boolean {
    if (p <= 0) return false
    if (p >= 1) return true
    const taken = this.rand() < p
    this.decisions.push({ label, p, taken })
    return taken
  }

  pick(n: number): number {
    return Math.floor(this.rand() * n)
  }
}

export interface Branch<T> {
  readonly probability: number
  readonly decisions: readonly Decision[]
  readonly value: T
}

/**
 * Run `walk` once per branch of its random decisions. Each run gets a chooser replaying one
 * path; the probability of a branch is the product of its decisions. `limit` bounds the number
 * of branches (a Service with thousands of endpoints is summarised, not expanded forever).
 */
export function enumerate<T>(walk: (c: Chooser) => T, limit = 4096): Branch<T>[] {
  const out: Branch<T>[] = []
  const pending: boolean[][] = [[]]
  while (pending.length > 0 && out.length < limit) {
    const prefix = pending.pop() as boolean[]
    const chooser = new ReplayChooser(prefix)
    const value = walk(chooser)
    let probability = 1
    for (const d of chooser.decisions) probability *= d.taken ? d.p : 1 - d.p
    // Queue the alternative of every decision taken beyond the replayed prefix.
    for (let i = chooser.decisions.length - 1; i >= prefix.length; i--) {
      pending.push([...chooser.decisions.slice(0, i).map((d) => d.taken), false])
    }
    out.push({ probability, decisions: chooser.decisions, value })
  }
  return out
}
