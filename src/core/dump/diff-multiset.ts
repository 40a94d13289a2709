/**
 * @module core/dump/diff-multiset
 * Two lists of texts compared as multisets: what the render wants and the node lacks is
 * `missing`, what the node has beyond it is `extra`. Order does not matter (a kernel lists
 * hash sets, routes and chains in its own order), repetitions do.
 */
import type { Drift } from './diff-types.js'

export function multisetDiff(
  real: readonly string[],
  want: readonly string[],
  make: (change: 'missing' | 'extra', text: string) => Drift,
): Drift[] {
  const left = new Map<string, number>()
  for (const r of real) left.set(r, (left.get(r) ?? 0) + 1)
  const out: Drift[] = []
  for (const w of want) {
    const n = left.get(w) ?? 0
    if (n > 0) left.set(w, n - 1)
    else out.push(make('missing', w))
  }
  // The node's extras in the node's order.
  for (const r of real) {
    const n = left.get(r) ?? 0
    if (n === 0) continue
    left.set(r, n - 1)
    out.push(make('extra', r))
  }
  return out
}
