/**
 * @module core/cluster/kube-proxy
 * kube-proxy on one assembled node: its rules (../kube/proxy) rendered with the node's real
 * interfaces, and the sysctl it writes. In iptables mode with localhost NodePorts (the IPv4
 * default, when nodePortAddresses cover 127.0.0.1) kube-proxy sets
 * `net.ipv4.conf.all.route_localnet=1` (pkg/proxy/iptables `NewProxier`); otherwise it is left
 * at 0. A mode kpath does not render (ipvs) is reported and the node gets no kube-proxy rules.
 */
import { KpathError } from '../errors.js'
import type { Cluster } from '../kube/model.js'
import { type KubeProxyRender, proxyNodeContext, renderKubeProxy } from '../kube/proxy/index.js'
import { nodePortAddresses } from '../kube/proxy/node-ports.js'
import type { ReportSink } from './context.js'

export function renderNodeProxy(
  cluster: Cluster,
  nodeName: string,
  interfaces: Readonly<Record<string, readonly string[]>>,
  sink: ReportSink,
): KubeProxyRender | undefined {
  try {
    const out = renderKubeProxy(cluster, proxyNodeContext(cluster, { nodeName, interfaces }))
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
