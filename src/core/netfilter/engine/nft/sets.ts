/**
 * @module core/netfilter/engine/nft/sets
 * Sets and maps compiled for lookups: elements whose every component is one value are found by
 * key in a hash map (kube-proxy's service maps hold one element per Service port); elements with
 * a prefix or range component are scanned in order, as the kernel's interval sets match them.
 * The compiled set is immutable; elements added by `add`/`update` live in the runtime
 * ({@link NftState}).
 */
import type { NftVerdict } from '../../nft/model.js'
import { type Literal, literalHas, type Scalar } from './values.js'

/** A map element's data: a verdict (vmap) or values (`: 10.0.0.1 . 8080`). */
export type ElementData =
  | { readonly kind: 'verdict'; readonly verdict: NftVerdict }
  | { readonly kind: 'values'; readonly values: readonly Scalar[] }

export interface CompiledElement {
  readonly parts: readonly Literal[]
  readonly data?: ElementData
  /** Seconds after the runtime's creation when the element expires (from `expires`/`timeout`). */
  readonly expiresIn?: number
}

/** The lookup key of exact values; NUL cannot occur in any value. */
export function keyOf(values: readonly Scalar[]): string {
  return values.map(String).join('\u0000')
}

function exactValues(parts: readonly Literal[]): Scalar[] | undefined {
  const out: Scalar[] = []
  for (const p of parts) {
    if (p.kind !== 'exact') return undefined
    out.push(p.value)
  }
  return out
}

function matches(el: CompiledElement, values: readonly Scalar[]): boolean {
  if (el.parts.length !== values.length) return false
  return el.parts.every((p, i) => literalHas(p, values[i] as Scalar))
}

export class CompiledSet {
  readonly exact = new Map<string, CompiledElement>()
  readonly ranges: CompiledElement[] = []
  /** Set when kpath could not read the listed elements: every lookup throws it. */
  poison: Error | undefined = undefined

  constructor(
    /** `family table name` for named sets, a rule key for anonymous ones. */
    readonly id: string,
    /** Component datatypes of the key. */
    readonly keyTypes: readonly (string | undefined)[],
    /** Component datatypes of a map's data (`['verdict']` for a vmap). */
    readonly dataTypes: readonly (string | undefined)[] | undefined,
    elements: readonly CompiledElement[],
    /** The default timeout of dynamically added elements, in seconds. */
    readonly timeout: number | undefined,
  ) {
    for (const el of elements) {
      const v = exactValues(el.parts)
      if (v) this.exact.set(keyOf(v), el)
      else this.ranges.push(el)
    }
  }

  /** The first live static element holding `values` (exact elements first, then intervals). */
  find(
    values: readonly Scalar[],
    live: (el: CompiledElement) => boolean,
  ): CompiledElement | undefined {
    const hit = this.exact.get(keyOf(values))
    if (hit && live(hit)) return hit
    return this.ranges.find((el) => live(el) && matches(el, values))
  }
}
