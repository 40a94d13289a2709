/**
 * @module core/kube/controllers/pod-ips
 * Pod addresses and status, as a host-local IPAM CNI plugin and the kubelet would set them:
 *
 * - From each of the node's podCIDRs (one address per family): `.1` (the first host address)
 *   is the bridge's gateway, pods get `.2` upwards, lowest free first, in pod order (input order,
 *   then controller-made). IPv4 skips the broadcast address. Addresses given in the input are
 *   kept and reserved. The CNI issue refines this per plugin.
 * - A hostNetwork pod has the node's InternalIPs.
 * - A bound pod without a status is Running with the PodScheduled, Initialized,
 *   ContainersReady and Ready conditions True, and hostIP = the node's first InternalIP. A given
 *   phase or condition list is kept; a pod whose phase is not Running gets no address.
 */
import type { Node, Pod } from '../model.js'
import { addressAt, familyOf, indexIn, parseRanges, type Range, rangeSize } from './ranges.js'
import { type ClusterDraft, originOf, type Warning } from './types.js'

const READY_CONDITIONS = ['PodScheduled', 'Initialized', 'ContainersReady', 'Ready'].map(
  (type) => ({ type, status: 'True' as const }),
)

interface NodePool {
  readonly ranges: readonly Range[]
  readonly used: readonly Set<bigint>[]
}

export function assignPodIPs(draft: ClusterDraft): ClusterDraft {
  const nodes = new Map(draft.nodes.map((n) => [n.metadata.name, n]))
  const pools = new Map(draft.nodes.map((n) => [n.metadata.name, nodePool(n)]))
  for (const pod of draft.pods) reserveGiven(pools, pod)
  const warnings: Warning[] = []
  const pods = draft.pods.map((pod) => {
    const nodeName = pod.spec.nodeName
    if (nodeName === undefined) return pendingStatus(pod)
    const node = nodes.get(nodeName)
    const phase = pod.status?.phase ?? 'Running'
    if (phase !== 'Running' || hasIP(pod)) return withStatus(pod, node, [])
    const ips = addressesFor(pod, node, pools.get(nodeName))
    if (ips.length === 0) warnings.push(noAddress(draft, pod, node))
    return withStatus(pod, node, ips)
  })
  return { ...draft, pods, warnings: [...draft.warnings, ...warnings] }
}

function nodePool(node: Node): NodePool {
  const ranges = parseRanges((node.spec.podCIDRs ?? []).join(','))
  return { ranges, used: ranges.map(() => new Set([0n, 1n])) }
}

function reserveGiven(pools: ReadonlyMap<string, NodePool>, pod: Pod): void {
  const pool = pod.spec.nodeName === undefined ? undefined : pools.get(pod.spec.nodeName)
  if (pool === undefined || pod.spec.hostNetwork) return
  for (const ip of givenIPs(pod))
    pool.ranges.forEach((r, i) => {
      const at = indexIn(r, ip)
      if (at !== undefined) pool.used[i]?.add(at)
    })
}

function givenIPs(pod: Pod): string[] {
  const s = pod.status
  return [...(s?.podIP === undefined ? [] : [s.podIP]), ...(s?.podIPs ?? []).map((p) => p.ip)]
}

function hasIP(pod: Pod): boolean {
  return givenIPs(pod).length > 0
}

function addressesFor(pod: Pod, node: Node | undefined, pool: NodePool | undefined): string[] {
  if (pod.spec.hostNetwork) return node === undefined ? [] : internalIPs(node)
  if (pool === undefined) return []
  return pool.ranges.flatMap((r, i) => {
    const used = pool.used[i] ?? new Set<bigint>()
    // IPv4: the last address of the range is the broadcast address.
    const end = r.family === 4 ? rangeSize(r) - 1n : rangeSize(r)
    for (let at = 2n; at < end; at++)
      if (!used.has(at)) {
        used.add(at)
        return [addressAt(r, at)]
      }
    return []
  })
}

function internalIPs(node: Node): string[] {
  const ips = node.status.addresses.filter((a) => a.type === 'InternalIP').map((a) => a.address)
  // One address per family, in the node's order (the kubelet reports at most one of each).
  return ips.filter((ip, i) => ips.findIndex((x) => familyOf(x) === familyOf(ip)) === i)
}

function withStatus(pod: Pod, node: Node | undefined, ips: readonly string[]): Pod {
  const s = pod.status
  const phase = s?.phase ?? 'Running'
  const hostIP = s?.hostIP ?? (node === undefined ? undefined : internalIPs(node)[0])
  const podIP = s?.podIP ?? s?.podIPs?.[0]?.ip ?? ips[0]
  const podIPs =
    s?.podIPs ?? (s?.podIP !== undefined ? [{ ip: s.podIP }] : ips.map((ip) => ({ ip })))
  return {
    ...pod,
    status: {
      ...s,
      phase,
      conditions: s?.conditions ?? (phase === 'Running' ? READY_CONDITIONS : []),
      ...(hostIP === undefined ? {} : { hostIP }),
      ...(podIP === undefined ? {} : { podIP }),
      ...(podIPs.length === 0 ? {} : { podIPs }),
    },
  }
}

/** An unbound pod is Pending with PodScheduled False (the scheduler's Unschedulable). */
function pendingStatus(pod: Pod): Pod {
  if (pod.status?.phase !== undefined) return pod
  const conditions = pod.status?.conditions ?? [{ type: 'PodScheduled', status: 'False' as const }]
  return { ...pod, status: { ...pod.status, phase: 'Pending', conditions } }
}

function noAddress(draft: ClusterDraft, pod: Pod, node: Node | undefined): Warning {
  const name = `${pod.metadata.namespace}/${pod.metadata.name}`
  const why =
    node === undefined
      ? `its node ${pod.spec.nodeName} is not in the input`
      : pod.spec.hostNetwork
        ? `node ${node.metadata.name} has no InternalIP`
        : (node.spec.podCIDRs ?? []).length === 0
          ? `node ${node.metadata.name} has no podCIDR`
          : `node ${node.metadata.name} has no free address in its podCIDR`
  const location = originOf(draft, 'Pod', pod.metadata)
  return {
    message: `pod ${name} gets no IP: ${why}`,
    ...(location === undefined ? {} : { location }),
  }
}
