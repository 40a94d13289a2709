/**
 * @module core/kube/proxy/proxier
 * One proxier per IP family, as kube-proxy runs them (`NewDualStackProxier`): resolve the
 * per-family settings from the KubeProxyConfiguration and the node, collect the service ports,
 * plan each one. The backends then only write.
 */
import type { Cluster, IPFamily } from '../model.js'
import type { NodeTopology } from './categorize.js'
import { goMarkText, type ProxyNodeContext } from './context.js'
import { familyOf, formatGoCIDR, parseCIDRSloppy } from './ip-text.js'
import type { IptablesOptions } from './iptables/index.js'
import { localDetector } from './local-detector.js'
import type { NftOptions } from './nftables/index.js'
import {
  isLoopback,
  NODE_PORT_ADDRESSES_PRIMARY,
  nodePortAddresses,
  nodePortIPs,
} from './node-ports.js'
import { planServicePort, type ServicePortPlan } from './plan.js'
import { servicePorts, type Warn } from './service-ports.js'

const ZONE_LABEL = 'topology.kubernetes.io/zone'

/** kube-proxy switches to large-cluster mode above this many endpoints. */
export const LARGE_CLUSTER_ENDPOINTS = 1000

export interface FamilyPlan {
  readonly family: IPFamily
  readonly plans: readonly ServicePortPlan[]
  /** Endpoints summed over every service port (large-cluster mode counts these). */
  readonly totalEndpoints: number
}

export function planFamily(
  cluster: Cluster,
  node: ProxyNodeContext,
  family: IPFamily,
  warn: Warn,
): FamilyPlan {
  const ports = servicePorts(
    {
      services: cluster.services,
      endpointSlices: cluster.endpointSlices,
      family,
      nodeName: node.nodeName,
      nodeHints: node.preferSameTrafficDistribution,
    },
    warn,
  )
  const topology: NodeTopology = {
    nodeName: node.nodeName,
    zone: node.labels[ZONE_LABEL],
    preferSameNode: node.preferSameTrafficDistribution,
  }
  return {
    family,
    plans: ports.map((p) => planServicePort(p, topology)),
    totalEndpoints: ports.reduce((n, p) => n + p.endpoints.length, 0),
  }
}

function nodeObject(cluster: Cluster, node: ProxyNodeContext) {
  return cluster.nodes.find((n) => n.metadata.name === node.nodeName)
}

export function iptablesOptions(
  cluster: Cluster,
  node: ProxyNodeContext,
  fp: FamilyPlan,
): IptablesOptions {
  const config = cluster.kubeProxy
  const nodeIP = node.nodeIPs[fp.family]
  const npa = nodePortAddresses(config.nodePortAddresses, fp.family, nodeIP)
  return {
    family: fp.family,
    masqueradeAll: config.iptables.masqueradeAll,
    mark: node.masqueradeMark ?? goMarkText(2 ** config.iptables.masqueradeBit),
    hasRandomFully: node.hasRandomFully,
    // The IPv6 proxier is always created with localhostNodePorts=false; IPv4 keeps it only
    // when nodePortAddresses cover 127.0.0.1.
    localhostNodePorts:
      fp.family === 'IPv4' && config.iptables.localhostNodePorts && npa.containsIPv4Loopback,
    nfacct: new Set(node.nfacctCounters),
    tcpBeLiberal: node.tcpBeLiberal,
    detector: localDetector(config, nodeObject(cluster, node), fp.family),
    nodeIP,
    nodePorts: npa,
    nodePortIPs: npa.matchAll ? [] : nodePortIPs(npa, node.interfaces),
    largeClusterMode: fp.totalEndpoints > LARGE_CLUSTER_ENDPOINTS,
  }
}

function cidrsOfFamily(list: readonly string[], family: IPFamily): string[] {
  const out: string[] = []
  for (const text of list) {
    const c = parseCIDRSloppy(text.trim())
    if (c && familyOf(c) === family) out.push(formatGoCIDR(c))
  }
  return out
}

export function nftOptions(cluster: Cluster, node: ProxyNodeContext, fp: FamilyPlan): NftOptions {
  const config = cluster.kubeProxy
  const nodeIP = node.nodeIPs[fp.family]
  // nftables mode defaults --nodeport-addresses to the node's primary IPs (server_linux.go).
  const list =
    config.nodePortAddresses.length > 0 ? config.nodePortAddresses : [NODE_PORT_ADDRESSES_PRIMARY]
  const npa = nodePortAddresses(list, fp.family, nodeIP)
  const bit = config.nftables?.masqueradeBit ?? 14
  return {
    family: fp.family,
    masqueradeAll: config.nftables?.masqueradeAll ?? false,
    markText: node.masqueradeMark ?? goMarkText(2 ** bit),
    markValue: 2 ** bit,
    detector: localDetector(config, nodeObject(cluster, node), fp.family),
    nodeIP,
    nodePortsMatchAll: npa.matchAll,
    // nftables mode never serves NodePorts on loopback.
    nodePortIPs: npa.matchAll
      ? []
      : nodePortIPs(npa, node.interfaces).filter((ip) => !isLoopback(ip)),
    serviceCIDRs: cidrsOfFamily(node.serviceCIDRs, fp.family),
  }
}
