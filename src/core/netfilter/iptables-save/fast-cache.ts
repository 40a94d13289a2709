/**
 * @module core/netfilter/iptables-save/fast-cache
 * The fast path's memo of canonical matches and targets, for one parse. An extension's result
 * depends only on its module, the words given to it and, if it looks, the rule's `-p`; so it
 * is keyed by the module, the exact text of those words in the line and — only when the module
 * read `ctx.proto` while computing it — the protocol. (kube-proxy writes one comment on a
 * rule with `-p tcp` and on one without: both share it.)
 *
 * Each memo remembers where its last two texts were in the input and compares them in place,
 * without making a string (consecutive rules repeat themselves), and keeps a map of the texts
 * seen before. Each earns its keep: after a trial, a memo whose texts rarely repeat (DNAT
 * addresses, endpoint comments) stops filling its map, and one that never meets its last texts
 * again stops comparing.
 */
import type { Canonical } from './canon-cache.js'

/** Lookups of one memo before judging them, and the hit rate that keeps the map. */
const TRIAL = 512
const MIN_HIT_RATE = 0.5
/** Entries over all maps of one parse before they are dropped (a dump of unique texts). */
const MAX_ENTRIES = 200_000
/** The protocol key of results that did not look at the protocol. */
const ANY_PROTO = -2

/** Whether `src[a, a + n)` and `src[b, b + n)` are the same text (compared from the end). */
function sameText(src: string, a: number, b: number, n: number): boolean {
  for (let i = n - 1; i >= 0; i--) if (src.charCodeAt(a + i) !== src.charCodeAt(b + i)) return false
  return true
}

/** What one module has produced for one protocol key. */
class SpanMemo {
  /**
   * Where the last two texts found or stored are in the input (-1: none), and their results.
   * Two, because kube-proxy alternates (`--probability 0.333…` then `0.5` in every service).
   */
  start = -1
  length = 0
  value: Canonical | undefined = undefined
  start2 = -1
  length2 = 0
  value2: Canonical | undefined = undefined
  /** Comparisons with the last texts, how many matched, and whether it is still worth it. */
  compared = 0
  matched = 0
  compare = true
  map: Map<string, Canonical> | undefined = new Map()
  lookups = 0
  hits = 0

  /** The result of one of the last two texts, if `src[start, end)` is one of them. */
  recent(src: string, start: number, end: number): Canonical | undefined {
    if (!this.compare) return undefined
    const n = end - start
    let hit: Canonical | undefined
    if (this.start >= 0 && this.length === n && sameText(src, this.start, start, n))
      hit = this.value
    else if (this.start2 >= 0 && this.length2 === n && sameText(src, this.start2, start, n))
      hit = this.value2
    if (hit !== undefined) this.matched++
    if (++this.compared === TRIAL && this.matched === 0) this.compare = false
    return hit
  }

  /** Look the text up in the map; on a hit it becomes the last text. */
  find(src: string, start: number, end: number): Canonical | undefined {
    const map = this.map
    if (map === undefined) return undefined
    const hit = map.get(src.slice(start, end))
    this.lookups++
    if (hit !== undefined) {
      this.hits++
      this.remember(start, end, hit)
    }
    if (this.lookups === TRIAL && this.hits < TRIAL * MIN_HIT_RATE) this.map = undefined
    return hit
  }

  remember(start: number, end: number, value: Canonical): void {
    this.start2 = this.start
    this.length2 = this.length
    this.value2 = this.value
    this.start = start
    this.length = end - start
    this.value = value
  }
}

/** The memos of one module, by protocol key + 2 (see {@link SpanCache.lookup}). */
export type ModuleMemos = (SpanMemo | undefined)[]

/** A memo made only to keep its class alive (see KEEP_SHAPES in fast-path.ts). */
export function keepMemoShape(): unknown {
  return new SpanMemo()
}

export class SpanCache {
  private readonly lists: ModuleMemos[] = []
  private entries = 0

  constructor(private readonly src: string) {}

  /** A new, empty set of memos for one module (the caller keeps it with the module). */
  forModule(): ModuleMemos {
    const list: ModuleMemos = []
    this.lists.push(list)
    return list
  }

  /** The memo of a module for a protocol key (number × 2 + negated; -1 without `-p`). */
  private memo(list: ModuleMemos, protoKey: number): SpanMemo {
    let m = list[protoKey + 2]
    if (m === undefined) {
      m = new SpanMemo()
      list[protoKey + 2] = m
    }
    return m
  }

  /** The result of a module for the words in `src[start, end)` with this protocol, if known. */
  lookup(list: ModuleMemos, protoKey: number, start: number, end: number): Canonical | undefined {
    const src = this.src
    const any = this.memo(list, ANY_PROTO)
    const own = this.memo(list, protoKey)
    return (
      any.recent(src, start, end) ??
      own.recent(src, start, end) ??
      any.find(src, start, end) ??
      own.find(src, start, end)
    )
  }

  /**
   * Record the result computed for `src[start, end)` after a {@link lookup} missed;
   * `protoRead` says whether the module looked at the protocol.
   */
  store(
    list: ModuleMemos,
    protoKey: number,
    protoRead: boolean,
    start: number,
    end: number,
    value: Canonical,
  ): void {
    const m = this.memo(list, protoRead ? protoKey : ANY_PROTO)
    m.remember(start, end, value)
    if (m.map === undefined) return
    m.map.set(this.src.slice(start, end), value)
    if (++this.entries > MAX_ENTRIES) {
      for (const l of this.lists) for (const x of l) x?.map?.clear()
      this.entries = 0
    }
  }
}
