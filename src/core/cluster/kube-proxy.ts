/**
 * @module core/cluster/kube-proxy
 * kube-proxy on one assembled node: its rules (../kube/proxy) rendered with the node's real
 * interfaces, and the sysctl it writes. In iptables mode with localhost NodePorts (the IPv4
 * default, when nodePortAddresses cover 127.0.0.1) kube-proxy sets
 * `net.ipv4.conf.all.route_localnet=1` (pkg/proxy/iptables `NewProxier`); otherwise it is left
 * at 0. A mode kpath cannot render is reported and the node gets no kube-proxy rules.
 *
 * In IPVS mode kube-proxy also leaves the node a `kube-ipvs0` dummy link with the service
 * addresses, IPVS virtual services, its ipsets and sysctls ({@link addIpvsState}); that render
 * is made once per node, before the node's links are final, and reused for its rules.
 */
import { KpathError } from '../errors.js'
import type { Cluster } from '../kube/model.js'
import { type KubeProxyRender, proxyNodeContext, renderKubeProxy } from '../kube/proxy/index.js'
import { nodePortAddresses } from '../kube/proxy/node-ports.js'
import { renderShareKey } from '../kube/proxy/share-key.js'
import type { NetnsBuilder } from './builder.js'
import type { ReportSink } from './context.js'
import { deterministicMac } from './names.js'

/** IPVS-mode renders per cluster and node, so that the rules and the node state agree. */
const IPVS_RENDERS = new WeakMap<Cluster, Map<string, KubeProxyRender | undefined>>()

/**
 * Renders shared by the nodes of a cluster whose rules are the same (kube/proxy/share-key.ts:
 * on a cluster without Local traffic policies or topology hints, every node with the same
 * proxier options). They then hold the same parsed chains, which the engine compiles once.
 */
const SHARED_RENDERS = new WeakMap<Cluster, Map<string, KubeProxyRender>>()

function cached<T>(store: WeakMap<Cluster, Map<string, T>>, cluster: Cluster): Map<string, T> {
  let kept = store.get(cluster)
  if (kept === undefined) {
    kept = new Map()
    store.set(cluster, kept)
  }
  return kept
}

export function renderNodeProxy(
  cluster: Cluster,
  nodeName: string,
  interfaces: Readonly<Record<string, readonly string[]>>,
  sink: ReportSink,
): KubeProxyRender | undefined {
  const kept = IPVS_RENDERS.get(cluster)
  if (kept?.has(nodeName)) return kept.get(nodeName)
  try {
    const node = proxyNodeContext(cluster, { nodeName, interfaces })
    const key = renderShareKey(cluster, node)
    const shared = key === undefined ? undefined : cached(SHARED_RENDERS, cluster)
    const hit = key === undefined ? undefined : shared?.get(key)
    const out = hit ?? renderKubeProxy(cluster, node)
    if (key !== undefined) shared?.set(key, out)
    for (const w of out.warnings) sink.add(`kube-proxy on node ${nodeName} would log: ${w}`)
    return out
  } catch (e) {
    if (!(e instanceof KpathError) || e.code !== 'KPATH_UNSUPPORTED') throw e
    sink.add(
      `kube-proxy on node ${nodeName}: ${e.message}; the node has no kube-proxy rules`,
      e.location,
    )
    return undefined
  }
}

/** The value kube-proxy leaves in `net.ipv4.conf.all.route_localnet` on `nodeIP`'s node. */
export function routeLocalnet(cluster: Cluster, nodeIP: string): string {
  const c = cluster.kubeProxy
  if (c.mode !== 'iptables' || !c.iptables.localhostNodePorts) return '0'
  return nodePortAddresses(c.nodePortAddresses, 'IPv4', nodeIP).containsIPv4Loopback ? '1' : '0'
}

/**
 * kube-proxy's IPVS mode on a node being built: the `kube-ipvs0` dummy (made on the first
 * sync, so after the CNI's devices; never brought up), its addresses, the IPVS services, the
 * ipsets and the sysctls. Nothing in other modes. The render is kept for the node's rules.
 */
export function addIpvsState(
  b: NetnsBuilder,
  cluster: Cluster,
  nodeName: string,
  interfaces: Readonly<Record<string, readonly string[]>>,
  sink: ReportSink,
): void {
  if (cluster.kubeProxy.mode !== 'ipvs') return
  const out = renderNodeProxy(cluster, nodeName, interfaces, sink)
  cached(IPVS_RENDERS, cluster).set(nodeName, out)
  const node = out?.ipvs?.node
  if (node === undefined) return
  const from = `kube-proxy (ipvs) on node ${nodeName}`
  b.addLink({ ...node.link, mac: deterministicMac(b.name, node.link.name) }, from)
  b.addresses.push(...node.addresses)
  b.ipvs.push(...node.ipvs.services)
  for (const set of node.ipsets) b.addIpset(set, from)
  Object.assign(b.sysctls, node.sysctls)
  if (node.timeouts !== undefined)
    sink.add(
      `kube-proxy on node ${nodeName} sets IPVS timeouts tcp ${node.timeouts.tcp}s, tcpfin ${node.timeouts.tcpFin}s, udp ${node.timeouts.udp}s (ipvsadm --set); the IPVS model does not hold timeouts`,
    )
}
