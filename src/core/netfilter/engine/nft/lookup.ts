/**
 * @module core/netfilter/engine/nft/lookup
 * Keys (one selector or a concatenation `ip daddr . meta l4proto . th dport`), set elements
 * compiled for the key's types, and lookups in named or anonymous sets and maps.
 */
import type { NftElement, NftExpr, NftSet, NftVerdict } from '../../nft/model.js'
import { keyTypes } from '../../nft/selectors.js'
import { durationSeconds } from '../../nft/time.js'
import type { PacketState } from '../state.js'
import type { RuleContext } from './context.js'
import { compileScalar } from './read.js'
import { type CompiledElement, CompiledSet, type ElementData } from './sets.js'
import { type Literal, parseLiteral, type Scalar } from './values.js'

export interface KeyReader {
  readonly read: (s: PacketState) => readonly Scalar[] | undefined
  readonly types: readonly (string | undefined)[]
}

/** An error thrower for literals, so that sets can be compiled outside a rule too. */
export type Fail = (what: string) => Error

/** A selector or a concatenation of them, read as a tuple; undefined if any part is. */
export function compileKey(
  e: NftExpr,
  ctx: RuleContext,
  dataHint?: readonly (string | undefined)[],
): KeyReader {
  if (e.kind === 'map') return compileMapLookup(e, ctx, dataHint)
  const items = e.kind === 'concat' ? e.items : [e]
  const readers = items.map((i) => compileScalar(i, ctx))
  return {
    types: readers.map((r) => r.type),
    read: (s) => {
      const out: Scalar[] = []
      for (const r of readers) {
        const v = r.read(s)
        if (v === undefined) return undefined
        out.push(v)
      }
      return out
    },
  }
}

function literalOf(e: NftExpr, type: string | undefined, fail: Fail): Literal {
  if (e.kind !== 'value') throw fail(`the set element part "${e.kind}"`)
  const lit = parseLiteral(type, e.text, e.quoted === true)
  if (!lit) throw fail(`the value ${e.quoted ? `"${e.text}"` : e.text} (as ${type ?? 'untyped'})`)
  return lit
}

/** The literal parts of an element key (or of a match's right side) for `types`. */
export function literalParts(
  e: NftExpr,
  types: readonly (string | undefined)[],
  fail: Fail,
): Literal[] {
  const items = e.kind === 'concat' ? e.items : [e]
  if (items.length !== types.length) {
    throw fail(`a ${items.length}-part value compared with a ${types.length}-part key`)
  }
  return items.map((item, i) => literalOf(item, types[i], fail))
}

function dataOf(e: NftExpr, types: readonly (string | undefined)[], fail: Fail): ElementData {
  if (e.kind === 'verdict') return { kind: 'verdict', verdict: e }
  // An anonymous map's data types come from where its value goes, e.g. `dnat to` takes an
  // address and an optional port: the element says which.
  const n = e.kind === 'concat' ? e.items.length : 1
  const parts = literalParts(e, types.length > n ? types.slice(0, n) : types, fail)
  return {
    kind: 'values',
    values: parts.map((p) => {
      if (p.kind !== 'exact') throw fail('a range as map data')
      return p.value
    }),
  }
}

function compileElement(
  el: NftElement,
  types: readonly (string | undefined)[],
  dataTypes: readonly (string | undefined)[] | undefined,
  fail: Fail,
): CompiledElement {
  const left = el.expires ?? el.timeout
  const expiresIn = left === undefined ? undefined : durationSeconds(left)
  return {
    parts: literalParts(el.key, types, fail),
    ...(el.data ? { data: dataOf(el.data, dataTypes ?? [], fail) } : {}),
    ...(expiresIn === undefined ? {} : { expiresIn }),
  }
}

/** A named set or map of a table. */
export function compileNamedSet(id: string, set: NftSet, fail: Fail): CompiledSet {
  const types = keyTypes(set.key)
  const dataTypes = set.data ? keyTypes(set.data) : undefined
  const elements = (set.elements ?? []).map((el) => compileElement(el, types, dataTypes, fail))
  const t = set.timeout === undefined ? undefined : durationSeconds(set.timeout)
  return new CompiledSet(id, types, dataTypes, elements, t)
}

/** An anonymous set or map of a rule; `dataTypes` are the types of its data, if a map. */
function anonymousSet(
  e: Extract<NftExpr, { kind: 'set' }>,
  types: readonly (string | undefined)[],
  dataTypes: readonly (string | undefined)[] | undefined,
  ctx: RuleContext,
): CompiledSet {
  const fail: Fail = (what) => ctx.unsupported(what)
  const els = e.elements.map((el) => compileElement(el, types, dataTypes, fail))
  return new CompiledSet(ctx.nextId(), types, dataTypes, els, undefined)
}

/** `{ … }` or `@name` on the right of a key of `types`. */
export function compileSetOperand(
  e: NftExpr,
  types: readonly (string | undefined)[],
  ctx: RuleContext,
  dataTypes?: readonly (string | undefined)[],
): CompiledSet {
  if (e.kind === 'ref') {
    const set = ctx.set(e.name)
    if (set.keyTypes.length !== types.length) {
      throw ctx.unsupported(
        `a ${types.length}-part key looked up in the ${set.keyTypes.length}-part set @${e.name}`,
      )
    }
    return set
  }
  if (e.kind === 'set') return anonymousSet(e, types, dataTypes, ctx)
  throw ctx.unsupported(`a lookup in "${e.kind}"`)
}

/** Look a key up; undefined when the key cannot be read or is absent. */
export function lookupIn(s: PacketState, set: CompiledSet, key: readonly Scalar[]) {
  const nft = s.rt.nft
  if (!nft) return undefined
  return nft.lookup(set, key, s.rt.now)
}

/**
 * `key map @m` / `key map { … }`: the data of the element found. A named map declares its data
 * type; an anonymous one takes it from where the value goes (`hint`), as nft does.
 */
function compileMapLookup(
  e: Extract<NftExpr, { kind: 'map' }>,
  ctx: RuleContext,
  hint: readonly (string | undefined)[] | undefined,
): KeyReader {
  const key = compileKey(e.key, ctx)
  const set = compileSetOperand(e.map, key.types, ctx, hint)
  return {
    types: set.dataTypes ?? hint ?? [],
    read: (s) => {
      const k = key.read(s)
      const hit = k && lookupIn(s, set, k)
      return hit?.data?.kind === 'values' ? hit.data.values : undefined
    },
  }
}

/** The verdict a vmap lookup found, if any. */
export function verdictOf(data: ElementData | undefined): NftVerdict | undefined {
  return data?.kind === 'verdict' ? data.verdict : undefined
}
