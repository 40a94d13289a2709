/**
 * @module core/netfilter/engine/nft/state
 * The mutable nftables state of one namespace: elements added to (or deleted from) sets by
 * `add`/`update`/`delete` with their expiry, and the `numgen inc` counters. The compiled
 * ruleset is shared; a trace branch works on a {@link NftState.fork}.
 */
import type { CompiledNft } from './compiled.js'
import { type CompiledElement, type CompiledSet, type ElementData, keyOf } from './sets.js'
import type { Scalar } from './values.js'

/** An element added at run time. `expiresAt` is on the runtime clock (seconds). */
export interface DynamicElement {
  readonly values: readonly Scalar[]
  readonly expiresAt: number | undefined
  readonly data?: ElementData
}

/** A set lookup's hit: its data (for maps). */
export interface SetHit {
  readonly data?: ElementData
}

export class NftState {
  constructor(
    readonly compiled: CompiledNft,
    /** The runtime clock when the listing was loaded: listed `expires` count from here. */
    readonly loadedAt: number,
    readonly dynamic = new Map<string, Map<string, DynamicElement>>(),
    /** Keys of listed elements deleted by `delete @set`. */
    readonly deleted = new Map<string, Set<string>>(),
    readonly numgen = new Map<string, number>(),
  ) {}

  fork(): NftState {
    return new NftState(
      this.compiled,
      this.loadedAt,
      new Map([...this.dynamic].map(([k, m]) => [k, new Map(m)])),
      new Map([...this.deleted].map(([k, s]) => [k, new Set(s)])),
      new Map(this.numgen),
    )
  }

  private live(set: CompiledSet, now: number): (el: CompiledElement) => boolean {
    const gone = this.deleted.get(set.id)
    return (el) => {
      if (el.expiresIn !== undefined && this.loadedAt + el.expiresIn <= now) return false
      if (!gone) return true
      const key = el.parts.every((p) => p.kind === 'exact')
        ? keyOf(el.parts.map((p) => (p.kind === 'exact' ? p.value : '')))
        : undefined
      return key === undefined || !gone.has(key)
    }
  }

  lookup(set: CompiledSet, values: readonly Scalar[], now: number): SetHit | undefined {
    if (set.poison) throw set.poison
    const dyn = this.dynamic.get(set.id)?.get(keyOf(values))
    if (dyn && (dyn.expiresAt === undefined || dyn.expiresAt > now)) {
      return dyn.data ? { data: dyn.data } : {}
    }
    const el = set.find(values, this.live(set, now))
    if (!el) return undefined
    return el.data ? { data: el.data } : {}
  }

  /**
   * `add` (refresh = false) inserts an element if it is absent; `update` (refresh = true) also
   * restarts the timeout of one present (nft_dynset: NFT_DYNSET_OP_ADD / _UPDATE).
   */
  add(
    set: CompiledSet,
    values: readonly Scalar[],
    timeout: number | undefined,
    data: ElementData | undefined,
    now: number,
    refresh: boolean,
  ): void {
    const present = this.lookup(set, values, now)
    if (present && !refresh) return
    let m = this.dynamic.get(set.id)
    if (!m) {
      m = new Map()
      this.dynamic.set(set.id, m)
    }
    const t = timeout ?? set.timeout
    m.set(keyOf(values), {
      values,
      expiresAt: t === undefined ? undefined : now + t,
      ...(data ? { data } : {}),
    })
  }

  delete(set: CompiledSet, values: readonly Scalar[]): void {
    const key = keyOf(values)
    this.dynamic.get(set.id)?.delete(key)
    let gone = this.deleted.get(set.id)
    if (!gone) {
      gone = new Set()
      this.deleted.set(set.id, gone)
    }
    gone.add(key)
  }

  /** The next value of a `numgen inc` expression: 0, 1, 2, … modulo `mod`. */
  nextInc(key: string, mod: number): number {
    const n = this.numgen.get(key) ?? 0
    this.numgen.set(key, (n + 1) % mod)
    return n
  }
}
