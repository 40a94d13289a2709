/**
 * @module core/kube/proxy/categorize
 * `CategorizeEndpoints` (pkg/proxy/topology.go, v1.33) as a pure function: which endpoints a
 * service port uses under Cluster and under Local traffic policy, which endpoint chains this
 * node needs, and whether the service has usable endpoints anywhere.
 *
 * "Usable" means ready; when no endpoint is ready, serving-and-terminating endpoints are used
 * instead, separately for the cluster list and for the local list, so that connections drain
 * rather than fail. Topology hints narrow the cluster list only while every ready endpoint
 * carries a hint and one names this node (or its zone).
 */
import type { EndpointInfo, ServicePortInfo } from './types.js'
import { usesClusterEndpoints, usesLocalEndpoints } from './types.js'

export type TopologyMode = '' | 'PreferSameZone' | 'PreferSameNode'

export interface Categorized {
  /** Endpoints for Cluster traffic policy; empty when the port never uses Cluster policy. */
  readonly cluster: readonly EndpointInfo[]
  /** Endpoints for Local traffic policy; empty when the port never uses Local policy. */
  readonly local: readonly EndpointInfo[]
  /** Every endpoint this node may send to: one KUBE-SEP / endpoint chain each. */
  readonly allReachable: readonly EndpointInfo[]
  /** Some endpoint anywhere is usable (this decides REJECT versus DROP). */
  readonly hasAnyEndpoints: boolean
}

export interface NodeTopology {
  readonly nodeName: string
  /** The node's `topology.kubernetes.io/zone` label, if any. */
  readonly zone: string | undefined
  /** Feature gate PreferSameTrafficDistribution (node hints). */
  readonly preferSameNode: boolean
}

/** Every ready endpoint carries hints of the kind, and one names `name` (node or zone). */
function hintsPick(
  endpoints: readonly EndpointInfo[],
  kind: 'nodeHints' | 'zoneHints',
  name: string,
): boolean {
  let all = true
  let some = false
  for (const ep of endpoints) {
    if (!ep.ready) continue
    const hints = ep[kind]
    if (hints.size === 0) all = false
    else if (hints.has(name)) some = true
  }
  return all && some
}

/**
 * `topologyModeFromHints`: look only at ready endpoints; all must carry the hint kind and one
 * must name this node (zone). Plain loops: this runs once per service port of a sync.
 */
export function topologyMode(endpoints: readonly EndpointInfo[], node: NodeTopology): TopologyMode {
  if (node.preferSameNode && hintsPick(endpoints, 'nodeHints', node.nodeName))
    return 'PreferSameNode'
  if (node.zone !== undefined && hintsPick(endpoints, 'zoneHints', node.zone))
    return 'PreferSameZone'
  return ''
}

function availableForTopology(ep: EndpointInfo, mode: TopologyMode, node: NodeTopology): boolean {
  if (mode === 'PreferSameNode') return ep.nodeHints.has(node.nodeName)
  if (mode === 'PreferSameZone') return node.zone !== undefined && ep.zoneHints.has(node.zone)
  return true
}

const servingTerminating = (ep: EndpointInfo): boolean => ep.serving && ep.terminating

function clusterList(eps: readonly EndpointInfo[], mode: TopologyMode, node: NodeTopology) {
  const ready = eps.filter((ep) => ep.ready && availableForTopology(ep, mode, node))
  return ready.length > 0 ? ready : eps.filter(servingTerminating)
}

function localList(eps: readonly EndpointInfo[]): EndpointInfo[] {
  const ready = eps.filter((ep) => ep.isLocal && ep.ready)
  return ready.length > 0 ? ready : eps.filter((ep) => ep.isLocal && servingTerminating(ep))
}

/** Union of the two lists keyed by `ip:port` (kube-proxy builds a map; we keep key order). */
function union(a: readonly EndpointInfo[], b: readonly EndpointInfo[]): EndpointInfo[] {
  const m = new Map<string, EndpointInfo>()
  for (const ep of [...a, ...b]) m.set(ep.key, ep)
  return [...m.values()].sort((x, y) => (x.key < y.key ? -1 : x.key > y.key ? 1 : 0))
}

/**
 * Split a service port's endpoints by traffic policy.
 *
 * @example
 * categorizeEndpoints(svcPort, { nodeName: 'node-1', zone: undefined, preferSameNode: false })
 * // { cluster: [...ready...], local: [], allReachable: [...], hasAnyEndpoints: true }
 */
export function categorizeEndpoints(svc: ServicePortInfo, node: NodeTopology): Categorized {
  const eps = svc.endpoints
  const useCluster = usesClusterEndpoints(svc)
  const mode = useCluster ? topologyMode(eps, node) : ''
  const cluster = useCluster ? clusterList(eps, mode, node) : []
  let hasAnyEndpoints = cluster.length > 0
  if (!usesLocalEndpoints(svc))
    return { cluster, local: [], allReachable: cluster, hasAnyEndpoints }
  // Local policy: any ready or serving-terminating endpoint anywhere counts as "has endpoints".
  if (eps.some((ep) => ep.ready || servingTerminating(ep))) hasAnyEndpoints = true
  const local = localList(eps)
  if (!useCluster) return { cluster, local, allReachable: local, hasAnyEndpoints }
  const localAllReady = local.every((ep) => ep.ready)
  // With no topology filtering and only ready local endpoints, cluster ⊇ local.
  const allReachable = mode === '' && localAllReady ? cluster : union(cluster, local)
  return { cluster, local, allReachable, hasAnyEndpoints }
}
