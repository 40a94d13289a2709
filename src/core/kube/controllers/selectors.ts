/**
 * @module core/kube/controllers/selectors
 * Service selectors over Pods. A Service selector is a set of label pairs a pod must all carry
 * (labels.SelectorFromSet); pods are indexed by namespace and label so each Service looks only
 * at pods carrying its first pair, which keeps 10,000 Services over 30,000 Pods fast.
 */
import type { Pod, Service } from '../model.js'

/** Pods by `namespace, label key, label value`, so a selector looks at its candidates only. */
export type PodIndex = ReadonlyMap<string, readonly Pod[]>

export function indexPods(pods: readonly Pod[]): PodIndex {
  const index = new Map<string, Pod[]>()
  for (const p of pods)
    for (const [k, v] of Object.entries(p.metadata.labels ?? {})) {
      const key = labelKey(p.metadata.namespace, k, v)
      const list = index.get(key)
      if (list === undefined) index.set(key, [p])
      else list.push(p)
    }
  return index
}

function labelKey(ns: string | undefined, k: string, v: string): string {
  return `${ns ?? 'default'}\u0000${k}\u0000${v}`
}

/** Pods the selector matches. */
export function matchPods(index: PodIndex, svc: Service): readonly Pod[] {
  const selector = Object.entries(svc.spec.selector ?? {})
  const [first] = selector
  if (first === undefined) return []
  const candidates = index.get(labelKey(svc.metadata.namespace, first[0], first[1])) ?? []
  return candidates.filter((p) => selector.every(([k, v]) => p.metadata.labels?.[k] === v))
}

/** Matched pods minus terminal ones and those without an IP (ShouldPodBeInEndpoints). */
export function selectPods(index: PodIndex, svc: Service): Pod[] {
  return matchPods(index, svc).filter(
    (p) =>
      p.status?.phase !== 'Succeeded' &&
      p.status?.phase !== 'Failed' &&
      (p.status?.podIPs ?? []).length > 0,
  )
}
