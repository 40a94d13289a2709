/**
 * @module core/whatif/field-path
 * Field paths as kubectl and the API server write them: `spec.ports[0].port`, with `["…"]` for
 * keys holding dots (`metadata.labels["app.kubernetes.io/name"]`), and setting a value at one
 * inside a plain JSON-like object (missing maps are created, as `kubectl patch` would).
 */
import type { FieldPath } from './types.js'

export type PathResult =
  | { readonly ok: true; readonly path: FieldPath }
  | { readonly ok: false; readonly column: number; readonly message: string }

function quotedKey(text: string, i: number): { key: string; next: number } | undefined {
  const end = text.indexOf('"]', i + 2)
  if (end < 0) return undefined
  return { key: text.slice(i + 2, end), next: end + 2 }
}

/**
 * @example
 * parseFieldPath('spec.ports[0].port') // { ok: true, path: ['spec', 'ports', 0, 'port'] }
 */
export function parseFieldPath(text: string): PathResult {
  const path: (string | number)[] = []
  let i = 0
  const fail = (message: string): PathResult => ({ ok: false, column: i + 1, message })
  while (i < text.length) {
    if (text[i] === '[') {
      if (text[i + 1] === '"') {
        const q = quotedKey(text, i)
        if (q === undefined) return fail('unterminated ["key"] in the field path')
        path.push(q.key)
        i = q.next
      } else {
        const m = /^\[([0-9]+)\]/.exec(text.slice(i))
        if (m === null) return fail('expected [INDEX] or ["key"] in the field path')
        path.push(Number(m[1]))
        i += m[0].length
      }
    } else {
      const m = /^[A-Za-z0-9_-]+/.exec(text.slice(i))
      if (m === null) return fail(`unexpected ${JSON.stringify(text[i])} in the field path`)
      path.push(m[0])
      i += m[0].length
    }
    if (i < text.length && text[i] === '.') {
      i++
      if (i === text.length) return fail('the field path ends with a dot')
    } else if (i < text.length && text[i] !== '[') return fail('expected . or [ in the field path')
  }
  if (path.length === 0) return { ok: false, column: 1, message: 'empty field path' }
  return { ok: true, path }
}

function isMap(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

/** A copy of `v` with a key or index set (defineProperty keeps `__proto__` a plain key). */
function withChild(v: unknown, key: string | number, child: unknown): unknown {
  if (typeof key === 'number') {
    const copy = Array.isArray(v) ? [...v] : []
    copy[key] = child
    return copy
  }
  const copy: Record<string, unknown> = isMap(v) ? { ...v } : {}
  Object.defineProperty(copy, key, { value: child, enumerable: true, writable: true })
  return copy
}

/**
 * `obj` with `value` at `path`. An index past the end of a list, or a key into a scalar or a
 * list, is refused (returns the path prefix that cannot hold it).
 */
export function setAtPath(
  obj: unknown,
  path: FieldPath,
  value: unknown,
): { ok: true; value: unknown } | { ok: false; at: FieldPath } {
  const [head, ...rest] = path
  if (head === undefined) return { ok: true, value }
  if (typeof head === 'number' && (!Array.isArray(obj) || head >= obj.length))
    return { ok: false, at: [head] }
  if (typeof head === 'string' && obj !== undefined && !isMap(obj)) return { ok: false, at: [head] }
  const current = Array.isArray(obj) ? obj[head as number] : isMap(obj) ? obj[head] : undefined
  const inner = setAtPath(current, rest, value)
  if (!inner.ok) return { ok: false, at: [head, ...inner.at] }
  return { ok: true, value: withChild(obj, head, inner.value) }
}
