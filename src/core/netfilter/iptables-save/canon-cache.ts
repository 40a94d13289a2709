/**
 * @module core/netfilter/iptables-save/canon-cache
 * Canonical matches and targets are memoised per table block, keyed by the module, the rule's
 * protocol and the exact text of the extension's words (when they are contiguous in the line,
 * as in any iptables-save output). Equal text canonicalises equally, so a dump full of
 * `-m tcp --dport 80` canonicalises each distinct form once and shares the immutable result,
 * at the cost of one hashed substring per extension instead of one per word. A module whose
 * options are mostly unique (comments, DNAT addresses) stops being cached after a trial, since
 * then the substring costs more than it saves.
 */
import type { XtMatch, XtTarget } from '../rule.js'

export type Canonical = XtMatch | XtTarget

/** Lookups per module before judging its hit rate, and the rate that keeps caching on. */
const TRIAL = 512
const MIN_HIT_RATE = 0.5

interface Stats {
  lookups: number
  hits: number
  on: boolean
}

export class CanonCache {
  private readonly roots = new Map<object, Map<number, Map<string, Canonical>>>()
  private readonly stats = new Map<object, Stats>()
  private size = 0

  /** Whether results of this module are worth caching (decided after a trial). */
  enabled(module: object): boolean {
    return this.stats.get(module)?.on ?? true
  }

  /** Record a lookup; after the trial, caching stays on only for a good hit rate. */
  count(module: object, hit: boolean): void {
    let s = this.stats.get(module)
    if (!s) {
      s = { lookups: 0, hits: 0, on: true }
      this.stats.set(module, s)
    }
    s.lookups++
    if (hit) s.hits++
    if (s.lookups === TRIAL) s.on = s.hits >= TRIAL * MIN_HIT_RATE
  }

  /** The results for one module and protocol (`protoKey`), by the words' text. */
  table(module: object, protoKey: number): Map<string, Canonical> {
    let byProto = this.roots.get(module)
    if (!byProto) {
      byProto = new Map()
      this.roots.set(module, byProto)
    }
    let t = byProto.get(protoKey)
    if (!t) {
      t = new Map()
      byProto.set(protoKey, t)
    }
    return t
  }

  /** Count a stored result; forget everything past a bound (a dump of unique values). */
  stored(): void {
    if (++this.size > 200_000) {
      this.roots.clear()
      this.size = 0
    }
  }
}
