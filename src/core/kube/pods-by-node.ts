/**
 * @module core/kube/pods-by-node
 * The pods bound to each node, in the cluster's pod order. Every CNI model and the assembly ask
 * "which pods are on node N" once per node; scanning all pods each time is quadratic (1,000
 * nodes × 30,000 pods is 30 million checks), so the grouping is made once per pod list.
 */
import type { Cluster, Pod } from './model.js'

const byList = new WeakMap<readonly Pod[], ReadonlyMap<string, readonly Pod[]>>()
const NONE: readonly Pod[] = []

/** Pods whose `spec.nodeName` is `node`, in input order (hostNetwork and finished ones too). */
export function podsOnNode(cluster: Pick<Cluster, 'pods'>, node: string): readonly Pod[] {
  let index = byList.get(cluster.pods)
  if (index === undefined) {
    const m = new Map<string, Pod[]>()
    for (const p of cluster.pods) {
      const n = p.spec.nodeName
      if (n === undefined) continue
      const list = m.get(n)
      if (list === undefined) m.set(n, [p])
      else list.push(p)
    }
    index = m
    byList.set(cluster.pods, index)
  }
  return index.get(node) ?? NONE
}
