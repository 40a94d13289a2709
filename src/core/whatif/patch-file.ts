/**
 * @module core/whatif/patch-file
 * `--patch FILE`: YAML or JSON merge patches (RFC 7386), one per document, each addressed by
 * its own `kind`, `metadata.name` and `metadata.namespace` (namespace `default` for namespaced
 * kinds), the way `kubectl apply` finds an object:
 *
 * ```yaml
 * kind: Service
 * metadata: {name: web, namespace: default}
 * spec: {externalTrafficPolicy: Local}
 * ```
 *
 * `kind` alone (no name) addresses the only object of a configuration kind
 * (`kind: KubeProxyConfiguration`).
 */
import { LineCounter, parseAllDocuments } from 'yaml'
import { KpathError, parseError } from '../errors.js'
import { canonicalKind, parseObjectTarget } from './targets.js'
import type { ObjectTarget, WhatIfEdit } from './types.js'

function isMap(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

function targetOf(v: Record<string, unknown>): ObjectTarget | string {
  if (typeof v.kind !== 'string') return 'a patch needs `kind` to say which object it changes'
  const meta = isMap(v.metadata) ? v.metadata : {}
  const name = typeof meta.name === 'string' ? meta.name : undefined
  const ns = typeof meta.namespace === 'string' ? meta.namespace : undefined
  const ref = [v.kind, ...(ns === undefined ? [] : [ns]), ...(name === undefined ? [] : [name])]
  if (ns !== undefined && name === undefined) return 'metadata.namespace without metadata.name'
  const t = parseObjectTarget(ref.join('/'))
  if (t === undefined) return `cannot address ${ref.join('/')}`
  return { ...t, kind: canonicalKind(v.kind) }
}

/** The patch without what addresses the object (kind, apiVersion, metadata name and namespace). */
function patchBody(v: Record<string, unknown>): Record<string, unknown> {
  const { kind: _k, apiVersion: _a, metadata, ...rest } = v
  if (!isMap(metadata)) return rest
  const { name: _n, namespace: _ns, ...meta } = metadata
  return Object.keys(meta).length === 0 ? rest : { ...rest, metadata: meta }
}

/**
 * @example
 * parsePatchFile('kind: Service\nmetadata: {name: web}\nspec: {externalTrafficPolicy: Local}\n', 'p.yaml')
 * // → [{ kind: 'merge-patch', target: { kind: 'service', namespace: 'default', name: 'web' }, patch: {…} }]
 * @throws KpathError KPATH_PARSE located in the file
 */
export function parsePatchFile(text: string, file: string): WhatIfEdit[] {
  const counter = new LineCounter()
  const lines = text.split(/\r?\n/)
  const at = (offset: number) => {
    const { line, col } = counter.linePos(offset)
    return { line, col, text: lines[line - 1] ?? '' }
  }
  const edits: WhatIfEdit[] = []
  for (const doc of parseAllDocuments(text, { lineCounter: counter, prettyErrors: false })) {
    const start = doc.contents?.range?.[0] ?? doc.range[0]
    const fail = (offset: number, message: string, hint: string) => {
      const p = at(offset)
      return parseError(message, p.line, p.col, p.text, hint).inFile(file)
    }
    const first = doc.errors[0]
    if (first) throw fail(first.pos[0], `YAML: ${first.message.split('\n')[0]}`, 'fix the YAML')
    const value: unknown = doc.toJS()
    if (value === null || value === undefined) continue
    if (!isMap(value))
      throw fail(start, 'a merge patch must be a mapping', 'write kind, metadata and the fields')
    const target = targetOf(value)
    if (typeof target === 'string')
      throw fail(start, target, 'give kind, metadata.name (and metadata.namespace)')
    const p = at(start)
    const source = {
      option: file,
      text: p.text,
      location: { file, line: p.line, column: p.col, text: p.text },
    }
    edits.push({ kind: 'merge-patch', target, patch: patchBody(value), source })
  }
  if (edits.length === 0)
    throw new KpathError('KPATH_PARSE', `${file}: no merge patch in the file`, {
      hint: 'write one YAML or JSON document per object to change',
    })
  return edits
}
