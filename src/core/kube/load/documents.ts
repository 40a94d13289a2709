/**
 * @module core/kube/load/documents
 * Multi-document YAML text → raw Kubernetes objects, each with a {@link Locator}. A
 * `kubectl get … -o yaml` List (`kind: List` or `kind: ServiceList`, with `items`) is flattened
 * into its items. YAML syntax errors are located parse errors; `null` values are dropped, as the
 * API server's decoder treats an explicit null like an absent field.
 */
import { LineCounter, parseAllDocuments } from 'yaml'
import { parseError, type SourceLocation } from '../../errors.js'
import { fieldError, Locator } from './locate.js'

export interface RawObject {
  readonly value: Readonly<Record<string, unknown>>
  readonly locator: Locator
}

export interface RawWarning {
  readonly message: string
  readonly location: SourceLocation
}

export interface ReadResult {
  readonly objects: RawObject[]
  readonly warnings: RawWarning[]
}

/** Alias expansion bound: a "billion laughs" document must fail, not eat the heap. */
const MAX_ALIAS_COUNT = 1000

export function readDocuments(text: string, file: string): ReadResult {
  const counter = new LineCounter()
  const lines = text.split(/\r?\n/)
  const docs = parseAllDocuments(text, { lineCounter: counter, prettyErrors: false })
  const objects: RawObject[] = []
  const warnings: RawWarning[] = []
  for (const doc of docs) {
    const locator = new Locator(doc, counter, lines, file)
    const first = doc.errors[0]
    if (first) throw located(locator, first.pos[0], yamlMessage(first.message))
    for (const w of doc.warnings)
      warnings.push({ message: yamlMessage(w.message), location: locator.offsetLocation(w.pos[0]) })
    let value: unknown
    try {
      value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT })
    } catch (e) {
      const reason = e instanceof Error ? e.message : String(e)
      throw located(locator, doc.range[0], `YAML document cannot be read: ${reason}`)
    }
    if (value === null || value === undefined) continue // an empty document between `---`
    collect(dropNulls(value), locator, objects)
  }
  return { objects, warnings }
}

function collect(value: unknown, locator: Locator, out: RawObject[]): void {
  if (!isRecord(value))
    throw fieldError(
      locator,
      [],
      'a YAML document must be a Kubernetes object (a mapping with apiVersion and kind)',
      'each document between `---` lines holds one object, or a List with `items`',
    )
  const kind = value.kind
  if (typeof kind === 'string' && kind.endsWith('List') && Array.isArray(value.items)) {
    value.items.forEach((item, i) => {
      collect(item, locator.child(['items', i]), out)
    })
    return
  }
  out.push({ value, locator })
}

function located(locator: Locator, offset: number, message: string) {
  const loc = locator.offsetLocation(offset)
  return parseError(
    message,
    loc.line,
    loc.column,
    loc.text ?? '',
    'fix the YAML syntax (indentation, quoting, a missing `:` or bracket)',
  ).inFile(locator.file)
}

/** `yaml` appends " at line N, column M" to some messages; the location is ours to print. */
function yamlMessage(message: string): string {
  return `YAML: ${message.replace(/ at line \d+, column \d+:?[\s\S]*$/, '')}`
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

function dropNulls(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(dropNulls)
  if (!isRecord(v)) return v
  const out: Record<string, unknown> = {}
  // defineProperty: a `__proto__` key in the YAML must stay a plain field.
  for (const [k, x] of Object.entries(v))
    if (x !== null)
      Object.defineProperty(out, k, { value: dropNulls(x), enumerable: true, writable: true })
  return out
}
