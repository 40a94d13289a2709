/**
 * @module core/kube/controllers/workloads
 * The workload controllers: each creates the Pods its object asks for, and no more than the
 * input already has (a Pod whose ownerReferences name the workload counts as one of its
 * replicas; a given ReplicaSet owned by a Deployment stands for that Deployment's Pods).
 *
 * - Deployment → ReplicaSet `<deploy>-<pod-template-hash>` → Pods `<rs>-<5 chars>`, labelled
 *   `pod-template-hash` (see pod-template-hash.ts for how the hash is computed).
 * - ReplicaSet → Pods `<rs>-<5 chars>`.
 * - StatefulSet → Pods `<sts>-0` … `<sts>-<replicas-1>`, with hostname and subdomain set and
 *   the `statefulset.kubernetes.io/pod-name` and `apps.kubernetes.io/pod-index` labels.
 * - DaemonSet → one Pod `<ds>-<5 chars>` per Node it fits, bound to that Node.
 * - Job → min(parallelism, completions) Pods `<job>-<5 chars>` labelled with the job name.
 *
 * Pods are made unbound (except DaemonSet pods); the scheduler controller binds them.
 */
import { unsupported } from '../../errors.js'
import type { Node, ObjectMeta, Pod, PodSpec, Workload } from '../model.js'
import { freshName } from './names.js'
import { podTemplateHash } from './pod-template-hash.js'
import { fits } from './scheduler.js'
import { type ClusterDraft, type ControllerOptions, originOf } from './types.js'

/** kpath's bound on the pods one workload makes: an emulator, not a load generator. */
export const MAX_PODS_PER_WORKLOAD = 10_000

interface Ctx {
  readonly draft: ClusterDraft
  /** Given pods by owner (`Kind/namespace/name`), so each workload counts its own quickly. */
  readonly owned: ReadonlyMap<string, readonly Pod[]>
  readonly seed: string
  /** Pod names per namespace, given and made so far. */
  readonly names: Map<string, Set<string>>
  readonly pods: Pod[]
}

export function runWorkloads(draft: ClusterDraft, options: ControllerOptions): ClusterDraft {
  const ctx: Ctx = {
    draft,
    owned: byOwner(draft.pods),
    seed: options.seed,
    names: new Map(),
    pods: [],
  }
  for (const p of draft.pods) taken(ctx, p.metadata.namespace).add(p.metadata.name)
  // A Deployment's ReplicaSet comes right after it: pods are made in the input's order.
  const made = new Map(deploymentReplicaSets(draft).map((rs) => [ownerName(rs), rs]))
  const workloads = draft.workloads.flatMap((w) => {
    const rs =
      w.kind === 'Deployment' ? made.get(`${ns(w.metadata)}/${w.metadata.name}`) : undefined
    return rs === undefined ? [w] : [w, rs]
  })
  for (const w of workloads) makePods(ctx, w)
  return { ...draft, workloads, pods: [...draft.pods, ...ctx.pods] }
}

function ownerKey(kind: string, namespace: string, name: string): string {
  return `${kind}/${namespace}/${name}`
}

function byOwner<T extends { readonly metadata: ObjectMeta }>(
  objs: readonly T[],
): Map<string, T[]> {
  const out = new Map<string, T[]>()
  for (const o of objs)
    for (const r of o.metadata.ownerReferences ?? []) {
      const key = ownerKey(r.kind, ns(o.metadata), r.name)
      const list = out.get(key)
      if (list === undefined) out.set(key, [o])
      else list.push(o)
    }
  return out
}

function ownedPods(ctx: Ctx, w: Workload): readonly Pod[] {
  return ctx.owned.get(ownerKey(w.kind, ns(w.metadata), w.metadata.name)) ?? []
}

function ownerName(rs: Workload): string {
  return `${ns(rs.metadata)}/${rs.metadata.ownerReferences?.[0]?.name ?? ''}`
}

function makePods(ctx: Ctx, w: Workload): void {
  checkSize(ctx, w)
  if (w.kind === 'ReplicaSet') replicaPods(ctx, w, w.spec.replicas ?? 1, {})
  else if (w.kind === 'Job') replicaPods(ctx, w, jobPods(w), jobLabels(w))
  else if (w.kind === 'StatefulSet') statefulPods(ctx, w)
  else if (w.kind === 'DaemonSet') daemonPods(ctx, w)
  // A Deployment makes no pods itself: its ReplicaSet does.
}

function checkSize(ctx: Ctx, w: Workload): void {
  const asked = Math.max(w.spec.replicas ?? 1, w.kind === 'Job' ? jobPods(w) : 0)
  if (asked <= MAX_PODS_PER_WORKLOAD) return
  const field = w.kind === 'Job' ? 'parallelism' : 'replicas'
  throw unsupported(
    `${w.kind} ${w.metadata.namespace}/${w.metadata.name} asks for ${asked} pods; kpath makes at most ${MAX_PODS_PER_WORKLOAD} per workload`,
    originOf(ctx.draft, w.kind, w.metadata, ['spec', field]),
    'lower the replica count, or give the pods (or EndpointSlices) explicitly',
  )
}

/** ReplicaSets the Deployment controller would create: none if one owned by it is given. */
function deploymentReplicaSets(draft: ClusterDraft): Workload[] {
  const owned = byOwner(draft.workloads)
  return draft.workloads
    .filter((d) => d.kind === 'Deployment')
    .filter((d) => {
      const children = owned.get(ownerKey('Deployment', ns(d.metadata), d.metadata.name)) ?? []
      return !children.some((w) => w.kind === 'ReplicaSet')
    })
    .map((d): Workload => {
      const hash = podTemplateHash(d.spec.template)
      const labels = { ...d.spec.template.metadata?.labels, 'pod-template-hash': hash }
      return {
        apiVersion: 'apps/v1',
        kind: 'ReplicaSet',
        metadata: {
          name: `${d.metadata.name}-${hash}`,
          namespace: ns(d.metadata),
          labels,
          ownerReferences: [{ kind: 'Deployment', name: d.metadata.name }],
        },
        spec: {
          replicas: d.spec.replicas ?? 1,
          selector: { matchLabels: { ...d.spec.selector?.matchLabels, 'pod-template-hash': hash } },
          template: { ...d.spec.template, metadata: { ...d.spec.template.metadata, labels } },
        },
      }
    })
}

/** A Job runs `parallelism` pods at once, never more than `completions` (both default 1). */
function jobPods(w: Workload): number {
  const parallelism = w.spec.parallelism ?? 1
  return Math.min(parallelism, w.spec.completions ?? parallelism)
}

function jobLabels(w: Workload): Record<string, string> {
  return { 'batch.kubernetes.io/job-name': w.metadata.name, 'job-name': w.metadata.name }
}

function replicaPods(ctx: Ctx, w: Workload, want: number, extra: Record<string, string>): void {
  const have = ownedPods(ctx, w).length
  for (let i = have; i < want; i++) {
    const base = `${w.metadata.name}-`
    const name = freshName(base, taken(ctx, ns(w.metadata)), ctx.seed, ns(w.metadata), w.kind, i)
    add(ctx, podFor(w, name, extra, {}))
  }
}

function statefulPods(ctx: Ctx, w: Workload): void {
  const replicas = w.spec.replicas ?? 1
  for (let i = 0; i < replicas; i++) {
    const name = `${w.metadata.name}-${i}`
    if (taken(ctx, ns(w.metadata)).has(name)) continue
    const labels = {
      'statefulset.kubernetes.io/pod-name': name,
      'apps.kubernetes.io/pod-index': `${i}`,
    }
    const spec = {
      hostname: name,
      ...(w.spec.serviceName === undefined ? {} : { subdomain: w.spec.serviceName }),
    }
    add(ctx, podFor(w, name, labels, spec))
  }
}

/**
 * DaemonSet pods tolerate the node-condition taints and cordoning (the DaemonSet controller
 * adds these tolerations: pkg/controller/daemon/util AddOrUpdateDaemonPodTolerations).
 */
const DAEMON_TOLERATIONS = [
  'node.kubernetes.io/not-ready',
  'node.kubernetes.io/unreachable',
  'node.kubernetes.io/disk-pressure',
  'node.kubernetes.io/memory-pressure',
  'node.kubernetes.io/pid-pressure',
  'node.kubernetes.io/unschedulable',
].map((key) => ({ key, operator: 'Exists' }))

function daemonPods(ctx: Ctx, w: Workload): void {
  const tolerations = [...(w.spec.template.spec.tolerations ?? []), ...DAEMON_TOLERATIONS]
  const spec: PodSpec = { ...w.spec.template.spec, tolerations }
  for (const node of ctx.draft.nodes) {
    if (!fits(spec, node) || hasDaemonPod(ctx, w, node)) continue
    const base = `${w.metadata.name}-`
    const nodeName = node.metadata.name
    const name = freshName(base, taken(ctx, ns(w.metadata)), ctx.seed, ns(w.metadata), nodeName)
    add(ctx, podFor(w, name, {}, { tolerations, nodeName }))
  }
}

function hasDaemonPod(ctx: Ctx, w: Workload, node: Node): boolean {
  return ownedPods(ctx, w).some((p) => p.spec.nodeName === node.metadata.name)
}

function podFor(
  w: Workload,
  name: string,
  labels: Record<string, string>,
  spec: Partial<PodSpec>,
): Pod {
  const t = w.spec.template
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: ns(w.metadata),
      labels: { ...t.metadata?.labels, ...labels },
      ...(t.metadata?.annotations === undefined ? {} : { annotations: t.metadata.annotations }),
      ownerReferences: [{ kind: w.kind, name: w.metadata.name }],
    },
    spec: { ...t.spec, ...spec },
  }
}

function add(ctx: Ctx, pod: Pod): void {
  taken(ctx, ns(pod.metadata)).add(pod.metadata.name)
  ctx.pods.push(pod)
}

function taken(ctx: Ctx, namespace: string | undefined): Set<string> {
  const key = namespace ?? 'default'
  let set = ctx.names.get(key)
  if (set === undefined) {
    set = new Set()
    ctx.names.set(key, set)
  }
  return set
}

function ns(meta: ObjectMeta): string {
  return meta.namespace ?? 'default'
}
