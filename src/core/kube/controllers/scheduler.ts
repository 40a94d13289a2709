/**
 * @module core/kube/controllers/scheduler
 * Binds Pods without `spec.nodeName` to a Node, deterministically. Filters follow
 * kube-scheduler's: NodeUnschedulable (a cordoned node takes no pods), NodeAffinity's
 * nodeSelector part (every label must match), TaintToleration (a NoSchedule or NoExecute taint
 * must be tolerated). Scoring is kpath's stand-in for the default spread: nodes whose
 * PreferNoSchedule taints are tolerated first, then the node with the fewest pods, ties broken
 * by node name. Pods are bound in the order of `draft.pods` (input order, then controller-made).
 */
import type { SourceLocation } from '../../errors.js'
import type { Node, ObjectMeta, Pod, PodSpec, Taint } from '../model.js'
import { type ClusterDraft, originOf, type Warning } from './types.js'

type Toleration = NonNullable<PodSpec['tolerations']>[number]

/** Whether `t` tolerates `taint` (core/v1 helper ToleratesTaint). */
export function tolerates(t: Toleration, taint: Taint): boolean {
  if (t.effect !== undefined && t.effect !== '' && t.effect !== taint.effect) return false
  if (t.operator === 'Exists') return t.key === undefined || t.key === '' || t.key === taint.key
  return t.key === taint.key && (t.value ?? '') === (taint.value ?? '')
}

function untolerated(spec: PodSpec, node: Node, effects: readonly string[]): Taint[] {
  return (node.spec.taints ?? []).filter(
    (taint) =>
      effects.includes(taint.effect) && !(spec.tolerations ?? []).some((t) => tolerates(t, taint)),
  )
}

/** The scheduler's filters: can a pod with `spec` run on `node`? */
export function fits(spec: PodSpec, node: Node): boolean {
  if (node.spec.unschedulable && !toleratesUnschedulable(spec)) return false
  const labels = node.metadata.labels ?? {}
  for (const [k, v] of Object.entries(spec.nodeSelector ?? {})) if (labels[k] !== v) return false
  return untolerated(spec, node, ['NoSchedule', 'NoExecute']).length === 0
}

/** NodeUnschedulable lets through pods tolerating node.kubernetes.io/unschedulable. */
function toleratesUnschedulable(spec: PodSpec): boolean {
  const taint: Taint = { key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' }
  return (spec.tolerations ?? []).some((t) => tolerates(t, taint))
}

/**
 * The nodes `spec` fits, best first when loads are equal: PreferNoSchedule taints tolerated
 * first, then by node name. Filtering and this order depend only on the pod's placement
 * constraints, so they are computed once per distinct constraint set, not once per pod.
 */
function rankCandidates(spec: PodSpec, nodes: readonly Node[]): RankedNode[] {
  const ranked = nodes
    .filter((n) => fits(spec, n))
    .map((node) => ({
      node,
      name: node.metadata.name,
      pref: untolerated(spec, node, ['PreferNoSchedule']).length === 0 ? 0 : 1,
    }))
  return ranked.sort((a, b) => a.pref - b.pref || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
}

interface RankedNode {
  readonly node: Node
  readonly name: string
  readonly pref: number
}

/**
 * {@link leastLoaded} over one ranked list for many pods in a row: a heap of
 * (preference, pod count, rank) per list. Counts only grow, so an entry whose count is out of
 * date is an underestimate: the entry on top is the winner once its count is current (every
 * other entry's true key is at least its own key); otherwise it goes back with the current
 * count. Binding 30,000 pods on 1,000 nodes is then 30,000 heap steps, not 30 million reads.
 */
/** A heap entry: [preference, pod count when last looked at, rank]. */
type Entry = [number, number, number]

class LoadHeap {
  /** A binary min-heap. */
  private readonly heap: Entry[]

  constructor(
    private readonly ranked: readonly RankedNode[],
    load: ReadonlyMap<string, number>,
  ) {
    this.heap = ranked.map((r, i): Entry => [r.pref, load.get(r.name) ?? 0, i])
    for (let i = (this.heap.length >> 1) - 1; i >= 0; i--) this.down(i)
  }

  /** The same node {@link leastLoaded} picks for the current counts. */
  pick(load: ReadonlyMap<string, number>): RankedNode | undefined {
    for (;;) {
      const top = this.heap[0]
      if (top === undefined) return undefined
      const r = this.ranked[top[2]] as RankedNode
      const now = load.get(r.name) ?? 0
      if (now === top[1]) return r
      top[1] = now
      this.down(0)
    }
  }

  private less(a: Entry, b: Entry): boolean {
    return a[0] < b[0] || (a[0] === b[0] && (a[1] < b[1] || (a[1] === b[1] && a[2] < b[2])))
  }

  private down(i: number): void {
    const h = this.heap
    for (;;) {
      const l = 2 * i + 1
      const r = l + 1
      let m = i
      if (l < h.length && this.less(h[l] as Entry, h[m] as Entry)) m = l
      if (r < h.length && this.less(h[r] as Entry, h[m] as Entry)) m = r
      if (m === i) return
      const swap = h[i] as Entry
      h[i] = h[m] as Entry
      h[m] = swap
      i = m
    }
  }
}

/** The first of `ranked` with the lowest (preference, pod count): the scoring's winner. */
function leastLoaded(
  ranked: readonly RankedNode[],
  load: ReadonlyMap<string, number>,
): Node | undefined {
  let best: RankedNode | undefined
  let bestLoad = 0
  for (const r of ranked) {
    const l = load.get(r.name) ?? 0
    if (best === undefined || r.pref < best.pref || (r.pref === best.pref && l < bestLoad)) {
      best = r
      bestLoad = l
    }
  }
  return best?.node
}

/** The best node for `spec` given the current pod count per node, or undefined. */
export function pickNode(
  spec: PodSpec,
  nodes: readonly Node[],
  load: ReadonlyMap<string, number>,
): Node | undefined {
  return leastLoaded(rankCandidates(spec, nodes), load)
}

/** Bind every unbound pod; a pod no node fits stays Pending, with a warning. */
export function schedulePods(draft: ClusterDraft): ClusterDraft {
  const load = new Map<string, number>()
  for (const p of draft.pods)
    if (p.spec.nodeName !== undefined)
      load.set(p.spec.nodeName, (load.get(p.spec.nodeName) ?? 0) + 1)
  const ranks = new Map<string, LoadHeap>()
  const rankedFor = (spec: PodSpec) => {
    const key = JSON.stringify([spec.nodeSelector ?? null, spec.tolerations ?? null])
    let r = ranks.get(key)
    if (r === undefined) {
      r = new LoadHeap(rankCandidates(spec, draft.nodes), load)
      ranks.set(key, r)
    }
    return r
  }
  const warnings: Warning[] = []
  const pods = draft.pods.map((pod): Pod => {
    if (pod.spec.nodeName !== undefined || isFinished(pod)) return pod
    const node = rankedFor(pod.spec).pick(load)?.node
    if (node === undefined) {
      warnings.push(unschedulable(draft, pod))
      return pod
    }
    load.set(node.metadata.name, (load.get(node.metadata.name) ?? 0) + 1)
    return { ...pod, spec: { ...pod.spec, nodeName: node.metadata.name } }
  })
  return { ...draft, pods, warnings: [...draft.warnings, ...warnings] }
}

function isFinished(pod: Pod): boolean {
  return pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed'
}

function unschedulable(draft: ClusterDraft, pod: Pod): Warning {
  const why =
    draft.nodes.length === 0
      ? 'the input defines no Nodes'
      : 'no Node fits its nodeSelector and tolerations'
  const location = originOf(draft, 'Pod', pod.metadata) ?? ownerLocation(draft, pod.metadata)
  return {
    message: `pod ${pod.metadata.namespace}/${pod.metadata.name} stays Pending: ${why}`,
    ...(location === undefined ? {} : { location }),
  }
}

/** The pod's own origin, or its owner's (a ReplicaSet made for a Deployment: the Deployment). */
function ownerLocation(
  draft: ClusterDraft,
  meta: ObjectMeta,
  depth = 0,
): SourceLocation | undefined {
  for (const ref of meta.ownerReferences ?? []) {
    const owner = { name: ref.name, namespace: meta.namespace }
    const loc = originOf(draft, ref.kind, owner)
    if (loc !== undefined) return loc
    const w = draft.workloads.find(
      (x) =>
        x.kind === ref.kind &&
        x.metadata.name === ref.name &&
        x.metadata.namespace === meta.namespace,
    )
    if (w !== undefined && depth < 4) return ownerLocation(draft, w.metadata, depth + 1)
  }
  return undefined
}
