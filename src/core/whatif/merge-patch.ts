/**
 * @module core/whatif/merge-patch
 * JSON merge patch, RFC 7386 §2 (what `kubectl patch --type merge` sends): an object patch
 * merges key by key, `null` removes a key, anything else (lists included) replaces the target.
 */

function isMap(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

/**
 * @example
 * mergePatch({ a: 'b', c: { d: 'e', f: 'g' } }, { a: 'z', c: { f: null } })
 * // → { a: 'z', c: { d: 'e' } }
 */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isMap(patch)) return patch
  const out: Record<string, unknown> = isMap(target) ? { ...target } : {}
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete out[key]
    else
      Object.defineProperty(out, key, {
        value: mergePatch(out[key], value),
        enumerable: true,
        writable: true,
        configurable: true,
      })
  }
  return out
}
