/**
 * @module core/cluster/cni-hooks
 * What some CNIs change beyond the fragments they add, which only the assembly can do:
 *
 * - **Calico** allocates pod addresses from its IP pools' blocks (calico-ipam), not from the
 *   node's podCIDR: the pods get Calico's addresses (and the annotations Calico's CNI plugin
 *   writes) and the EndpointSlice controller runs again on them, before kube-proxy renders.
 * - **kube-router** with its service proxy (`--run-service-proxy`, the default) replaces
 *   kube-proxy: its deployment removes kube-proxy (seed 001 builds "a cluster without
 *   kube-proxy"), so no kube-proxy rules are rendered. An input that also gives an explicit
 *   KubeProxyConfiguration gets kube-proxy too, and a report that both proxy Services.
 * - **underlay** pods on a host bridge need the node's NIC enslaved to that bridge, with the
 *   node's address and routes on the bridge (cni/underlay `underlayNicSetup`).
 */
import { calicoPodIPs, withCalicoAddress } from '../cni/calico/index.js'
import { readKubeRouterConfig } from '../cni/kube-router/index.js'
import type { CniContext, NodeUnderlay } from '../cni/types.js'
import { underlayNetwork, underlayNicSetup } from '../cni/underlay/index.js'
import { CONTROLLER_NAME, runEndpointSlices } from '../kube/controllers/endpointslices.js'
import { DEFAULT_CONTROLLER_OPTIONS } from '../kube/controllers/types.js'
import { type Cluster, objectKey, type Pod } from '../kube/model.js'
import type { ReportSink } from './context.js'

/** Give pods the addresses `ips` (by `namespace/name`) and rebuild the controller's slices. */
export function withPodAddresses(
  cluster: Cluster,
  ips: ReadonlyMap<string, string>,
  rewrite: (pod: Pod, ip: string) => Pod,
): Cluster {
  if (ips.size === 0) return cluster
  const locations = new Map(cluster.locations)
  const pods = cluster.pods.map((p) => {
    const ip = ips.get(objectKey(p))
    if (ip === undefined) return p
    const next = rewrite(p, ip)
    const at = cluster.locations.get(p)
    if (at !== undefined) locations.set(next, at)
    return next
  })
  // Slices the EndpointSlice controller made are made again; given and mirrored ones stay.
  const kept = cluster.endpointSlices.filter(
    (s) =>
      cluster.locations.has(s) ||
      s.metadata.labels?.['endpointslice.kubernetes.io/managed-by'] !== CONTROLLER_NAME,
  )
  const draft = runEndpointSlices(
    {
      nodes: cluster.nodes,
      pods,
      services: cluster.services,
      endpointSlices: kept,
      endpoints: [],
      workloads: cluster.workloads,
      kubeProxy: cluster.kubeProxy,
      networking: cluster.networking,
      warnings: [],
      fromClusterConfig: false,
      origins: new Map(),
    },
    DEFAULT_CONTROLLER_OPTIONS,
  )
  return { ...cluster, pods, endpointSlices: draft.endpointSlices, locations }
}

/** The cluster as the CNI leaves it (Calico's pod addresses). */
export function applyCniAddresses(cluster: Cluster, cni: string): Cluster {
  if (cni !== 'calico') return cluster
  return withPodAddresses(cluster, calicoPodIPs(cluster), withCalicoAddress)
}

/** Whether kube-proxy runs on the nodes (not when kube-router's service proxy replaces it). */
export function kubeProxyRuns(cluster: Cluster, cni: string, sink: ReportSink): boolean {
  if (cni !== 'kube-router') return true
  const config = readKubeRouterConfig(cluster, () => undefined)
  if (config === undefined || !config.options.runServiceProxy) return true
  const explicit = cluster.locations.get(cluster.kubeProxy)
  if (explicit === undefined) return false
  sink.add(
    'kube-router runs its service proxy and the input configures kube-proxy too: both would proxy Services; kpath renders both',
    explicit,
  )
  return true
}

/** The host bridge the node's NIC is a port of, if the CNI wants one. */
export function nicMaster(ctx: CniContext, cni: string, node: NodeUnderlay): string | undefined {
  if (cni !== 'underlay') return undefined
  return underlayNicSetup(underlayNetwork(ctx), node)?.master
}
