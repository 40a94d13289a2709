/**
 * @module core/whatif/objects
 * Object edits applied to the input documents, before they are loaded: the edited objects are
 * rewritten in their files (each a `kind: List` item or a document of its own), so that the
 * API-server defaults, the controllers (EndpointSlices, pod IPs, …) and the renderers all see
 * the changed object, exactly as after `kubectl patch`. Files with no edited object are kept
 * byte for byte; an edited file is re-serialised, and named `FILE (what-if)` in later errors.
 */
import { type Document, parseAllDocuments } from 'yaml'
import type { LoadInput } from '../kube/load/index.js'
import { editError } from './errors.js'
import { setAtPath } from './field-path.js'
import { formatFieldPath } from './format.js'
import { mergePatch } from './merge-patch.js'
import { canonicalKind, describeObject } from './targets.js'
import { isObjectEdit, type ObjectEdit, type ObjectTarget, type WhatIfEdit } from './types.js'

type Obj = Record<string, unknown>

function isMap(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

function meta(o: Obj): { name?: unknown; namespace?: unknown } {
  return isMap(o.metadata) ? o.metadata : {}
}

function matches(o: Obj, t: ObjectTarget): boolean {
  if (typeof o.kind !== 'string' || canonicalKind(o.kind) !== t.kind) return false
  const m = meta(o)
  if (t.name !== undefined && m.name !== t.name) return false
  return t.namespace === undefined || (m.namespace ?? 'default') === t.namespace
}

function applyOne(o: Obj, e: ObjectEdit): Obj {
  if (e.kind === 'merge-patch') return mergePatch(o, e.patch) as Obj
  const r = setAtPath(o, e.path, e.value)
  if (r.ok) return r.value as Obj
  const column = e.source.text.indexOf(':') + 2
  throw editError(
    e.source,
    column,
    `${describeObject(e.target)}: ${formatFieldPath(r.at)} cannot hold a value`,
    'a list index must exist already, and a key needs a map above it',
  )
}

/** Every object of a document (the items of a `kind: …List`), with a setter to replace it. */
function objectsOf(value: unknown): { get: Obj; set: (o: Obj) => unknown }[] {
  if (!isMap(value)) return []
  const items = value.items
  if (typeof value.kind === 'string' && value.kind.endsWith('List') && Array.isArray(items))
    return items.flatMap((item, i) =>
      isMap(item)
        ? [
            {
              get: item,
              set: (o: Obj) => ({ ...value, items: items.map((x, j) => (j === i ? o : x)) }),
            },
          ]
        : [],
    )
  return [{ get: value, set: (o: Obj) => o }]
}

interface Seen {
  readonly hits: Map<ObjectEdit, number>
  readonly kinds: Map<string, Set<string>>
}

function label(o: Obj): string {
  const m = meta(o)
  const ns = typeof m.namespace === 'string' ? `${m.namespace}/` : ''
  return `${String(o.kind)}${typeof m.name === 'string' ? ` ${ns}${m.name}` : ''}`
}

/** Apply the edits addressed to the objects of one document; true when one changed. */
function editDocument(doc: Document, edits: readonly ObjectEdit[], seen: Seen): boolean {
  let value: unknown = doc.toJS()
  let changed = false
  const count = objectsOf(value).length
  for (let i = 0; i < count; i++) {
    // Re-read the slots: replacing a List item gives a new List value.
    const slot = objectsOf(value)[i]
    if (slot === undefined) continue
    const kind = typeof slot.get.kind === 'string' ? canonicalKind(slot.get.kind) : ''
    seen.kinds.set(kind, (seen.kinds.get(kind) ?? new Set()).add(label(slot.get)))
    const mine = edits.filter((e) => matches(slot.get, e.target))
    if (mine.length === 0) continue
    for (const e of mine) seen.hits.set(e, (seen.hits.get(e) ?? 0) + 1)
    value = slot.set(mine.reduce(applyOne, slot.get))
    changed = true
  }
  if (changed) doc.contents = doc.createNode(value)
  return changed
}

function checkHits(edits: readonly ObjectEdit[], seen: Seen): void {
  for (const e of edits) {
    const n = seen.hits.get(e) ?? 0
    const known = [...(seen.kinds.get(e.target.kind) ?? [])]
    if (n === 1) continue
    const what = describeObject(e.target)
    const message = n === 0 ? `no ${what} in the input` : `${what} names ${n} objects`
    const hint =
      n === 0
        ? `objects of that kind: ${known.length > 0 ? known.join(', ') : '(none)'}`
        : 'name the object: KIND/NS/NAME'
    throw editError(e.source, 1, message, hint)
  }
}

/**
 * The inputs with every object edit applied (other edits are left for `applyNetnsEdits`).
 *
 * @example
 * applyObjectEdits(inputs, [parseSetEdit('svc/default/web:spec.externalTrafficPolicy=Local')])
 * @throws KpathError KPATH_INVALID_ARGUMENT when an edit names no object, or several
 */
export function applyObjectEdits(
  inputs: readonly LoadInput[],
  all: readonly WhatIfEdit[],
): LoadInput[] {
  const edits = all.filter(isObjectEdit)
  if (edits.length === 0) return [...inputs]
  const seen: Seen = { hits: new Map(), kinds: new Map() }
  const out = inputs.map((input) => {
    const docs = parseAllDocuments(input.text)
    // A file that does not parse is left to the loader, which reports it located.
    if (docs.some((d) => d.errors.length > 0)) return input
    const changed = docs.map((d) => editDocument(d, edits, seen))
    if (!changed.includes(true)) return input
    return { file: `${input.file} (what-if)`, text: docs.map((d) => d.toString()).join('') }
  })
  checkHits(edits, seen)
  return out
}
