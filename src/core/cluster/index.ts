/**
 * @module core/cluster
 * `assembleCluster`: a loaded {@link Cluster} → the kernel state of every namespace
 * ({@link ClusterState}): the underlay (segments, routers, external hosts, from the kpath
 * Topology or its defaults), each node with its CNI's devices, routes and rules and kube-proxy's
 * rules, and a namespace per pod. README.md beside this file lists the decisions.
 *
 * @example
 * const cluster = loadCluster([{ file: 'cluster.yaml', text }])
 * const state = assembleCluster(cluster)
 * findNetns(state, 'node-worker')?.routes // default via 172.18.0.1 dev eth0, 10.244.1.0/24 via …
 */
import { CNI_PLUGINS, type CniChoice, cniPlugin, detectCni } from '../cni/index.js'
import type { CniPlugin } from '../cni/types.js'
import type { Cluster } from '../kube/model.js'
import type { ClusterState } from '../model/cluster-state.js'
import type { NetnsState } from '../model/netns.js'
import { applyCniAddresses, kubeProxyRuns, nicMaster } from './cni-hooks.js'
import { cniContext, ReportSink } from './context.js'
import { buildExternal, buildRouter, buildSegments } from './hosts.js'
import { buildNode } from './node.js'
import { resolveTopology } from './topology/resolve.js'
import type { CniName } from './topology/schema.js'
import type { Topology } from './topology/types.js'

export interface AssembleOptions {
  /** The CNI plugin models by name (default: every model kpath has, `CNI_PLUGINS`). */
  readonly plugins?: Readonly<Partial<Record<CniName, CniPlugin>>>
}

export interface AssembledCluster extends ClusterState {
  /** The CNI the cluster runs, and why kpath thinks so. */
  readonly cni: CniChoice
  /** The underlay after defaults (segments, routers, externals, node placements). */
  readonly topology: Topology
}

/**
 * Build every namespace of `input`. Order: segments, routers, externals, then each node
 * followed by its pods (cluster order). The CNI may first change the cluster (Calico's pod
 * addresses, cni-hooks.ts); the CNI context and kube-proxy see the changed one.
 *
 * @throws KpathError KPATH_INVALID_ARGUMENT for an inconsistent Topology or a node without an
 *   IPv4 InternalIP; KPATH_PARSE for a malformed CNI configuration; KPATH_UNSUPPORTED when
 *   the cluster's CNI (or its backend) has no model.
 */
export function assembleCluster(input: Cluster, options: AssembleOptions = {}): AssembledCluster {
  const topology = resolveTopology(input)
  const cni = detectCni(input, topology)
  const plugin = cniPlugin(cni.name, options.plugins ?? CNI_PLUGINS)
  const sink = new ReportSink()
  const cluster = applyCniAddresses(input, cni.name)
  const ctx = cniContext(cluster, topology, sink)
  const kubeProxy = kubeProxyRuns(cluster, cni.name, sink)
  reportForeignConfigs(cluster, cni, sink)
  const namespaces: NetnsState[] = [
    ...buildSegments(topology),
    ...topology.routers.map(buildRouter),
    ...topology.externals.map(buildExternal),
  ]
  // kube-proxy renders (and reports) on the first node; later nodes on first use, unless it failed.
  let eager = true
  for (const placement of topology.nodes.values()) {
    const built = buildNode({
      eagerProxy: eager,
      cluster,
      ctx,
      plugin,
      placement,
      sink,
      kubeProxy,
      nicMaster: nicMaster(ctx, cni.name, placement.underlay),
    })
    namespaces.push(built.node, ...built.pods)
    eager = built.proxyFailed
  }
  return { namespaces, unsupported: sink.reports, cni, topology }
}

/** CNI objects of another plugin than the one that runs configure nothing: say so. */
function reportForeignConfigs(cluster: Cluster, cni: CniChoice, sink: ReportSink): void {
  for (const e of cluster.extensions) {
    const calico =
      e.apiVersion.includes('projectcalico.org') || e.apiVersion === 'operator.tigera.io/v1'
    const flannel = e.kind === 'ConfigMap' && e.metadata.name === 'kube-flannel-cfg'
    if ((calico && cni.name !== 'calico') || (flannel && cni.name !== 'flannel'))
      sink.add(
        `${e.apiVersion} ${e.kind} ${e.metadata.name} configures ${calico ? 'calico' : 'flannel'}, but the cluster runs ${cni.name} (${cni.reason}); it has no effect`,
        e.location,
      )
  }
}

export { findNetns } from '../model/cluster-state.js'
export { deterministicMac } from './names.js'
export { resolveTopology } from './topology/resolve.js'
export type { Topology } from './topology/types.js'
