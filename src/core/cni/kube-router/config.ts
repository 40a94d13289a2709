/**
 * @module core/cni/kube-router/config
 * Everything the kube-router model reads from the input, gathered once: the DaemonSet and its
 * arguments, the release the image names, the bridge plugin settings, and the nodes
 * kube-router runs on. What the input asks for and kpath does not render is reported here,
 * with the location of the object that asked for it.
 */
import type { SourceLocation } from '../../errors.js'
import type { Cluster } from '../../kube/model.js'
import { parseKubeRouterArgs } from './args.js'
import { type BridgeConf, readBridgeConf } from './cni-conf.js'
import { findKubeRouter, type KubeRouterDeployment, kubeRouterNodes } from './daemonset.js'
import { type KubeRouterOptions, toOptions, unmodelledFlags } from './options.js'

export interface KubeRouterConfig {
  readonly deployment: KubeRouterDeployment
  /** The release line followed: the image tag's, v2 when the tag does not say. */
  readonly major: 1 | 2
  readonly options: KubeRouterOptions
  readonly bridge: BridgeConf
  /** Nodes a kube-router pod runs on. */
  readonly nodes: ReadonlySet<string>
}

export type Report = (message: string, location?: SourceLocation) => void

/** Parts of a running kube-router that kpath does not render, by option. */
function optionReports(o: KubeRouterOptions): string[] {
  const out: string[] = []
  if (o.runFirewall)
    out.push(
      'kube-router --run-firewall: the network policy controller (KUBE-ROUTER-INPUT/FORWARD/OUTPUT, pod firewall chains, its ipsets) is not modelled',
    )
  if (o.runServiceProxy)
    out.push(
      'kube-router --run-service-proxy: the KUBE-ROUTER-SERVICES firewall, the proxy ipsets and the hairpin rules are not modelled (kube-dummy-if, its addresses, the IPVS services, the masquerade rules and sysctls are)',
    )
  if (o.enableIpv6)
    out.push('kube-router --enable-ipv6: IPv6 is not modelled; only IPv4 is rendered')
  if (!o.enableIpv4)
    out.push('kube-router --enable-ipv4=false: an IPv6-only kube-router is not modelled')
  if (o.enableOverlay && o.overlayEncap === 'fou')
    out.push(
      'kube-router --overlay-encap=fou: FoU/GUE tunnels are not modelled; no tunnels are rendered',
    )
  if (o.runRouter && !o.nodesFullMesh)
    out.push(
      'kube-router --nodes-full-mesh=false: peering from node annotations and route reflectors is not modelled; no routes between nodes are rendered',
    )
  if (o.hostnameOverride !== '')
    out.push(
      'kube-router --hostname-override in a DaemonSet is not modelled (every pod would claim one node)',
    )
  if (!o.enableCni)
    out.push(
      'kube-router --enable-cni=false: pods are wired by another CNI plugin, which is not modelled',
    )
  return out
}

/** Node annotations of kube-router (ASNs, peers, pod CIDRs, communities) are not read. */
function annotationReports(cluster: Cluster, report: Report): void {
  for (const n of cluster.nodes) {
    const keys = Object.keys(n.metadata.annotations ?? {}).filter((k) =>
      k.startsWith('kube-router.io/'),
    )
    if (keys.length > 0)
      report(
        `node ${n.metadata.name}: kube-router annotations ${keys.join(', ')} are not modelled`,
        cluster.locations.get(n),
      )
  }
}

function argsOf(d: KubeRouterDeployment, v1: boolean, report: Report) {
  if (d.args === undefined) {
    report(
      `kube-router is started through ${JSON.stringify(d.container.name)}'s command, whose arguments kpath cannot read; kube-router's defaults are assumed`,
      d.location,
    )
    return parseKubeRouterArgs([], v1)
  }
  return parseKubeRouterArgs(d.args, v1, d.location)
}

/**
 * Read kube-router's configuration, or undefined when no DaemonSet runs kube-router. Throws
 * (KPATH_INVALID_ARGUMENT) on arguments kube-router itself refuses at start-up.
 */
export function readKubeRouterConfig(
  cluster: Cluster,
  report: Report,
): KubeRouterConfig | undefined {
  const found = findKubeRouter(cluster)
  const d = found[0]
  if (d === undefined) return undefined
  for (const other of found.slice(1))
    report(
      `a second kube-router DaemonSet ${other.daemonSet.metadata.name} is not modelled; kpath follows ${d.daemonSet.metadata.name}`,
      other.location,
    )
  if (d.major === undefined)
    report(
      `kube-router image ${JSON.stringify(d.image)} names no release: following kube-router v2.x`,
      d.location,
    )
  const major = d.major ?? 2
  const args = argsOf(d, major === 1, report)
  for (const p of args.positional)
    report(
      `kube-router argument ${JSON.stringify(p)} is not a flag; kube-router ignores it`,
      d.location,
    )
  for (const m of unmodelledFlags(args)) report(m, d.location)
  const options = toOptions(args, d.location)
  for (const m of optionReports(options)) report(m, d.location)
  annotationReports(cluster, report)
  const bridge = readBridgeConf(cluster, d.daemonSet)
  for (const m of bridge.unmodelled) report(m, bridge.source?.location ?? d.location)
  return {
    deployment: d,
    major,
    options,
    bridge: bridge.conf,
    nodes: kubeRouterNodes(cluster, d.daemonSet),
  }
}
