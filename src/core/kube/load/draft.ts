/**
 * @module core/kube/load/draft
 * Collected objects → the {@link ClusterDraft} the controllers start from. This is where the
 * configuration kinds meet: kind's Cluster contributes Nodes, subnets and the kube-proxy mode;
 * kubeadm's ClusterConfiguration contributes subnets (and wins over kind, which hands its
 * values to kubeadm); a KubeProxyConfiguration given in the input wins over both.
 */
import { unsupported } from '../../errors.js'
import type { ClusterDraft } from '../controllers/types.js'
import type { ClusterNetworking, KubeProxyConfiguration } from '../model.js'
import type { Collector } from './collector.js'
import { kindNetworking, kindNodes } from './kind-cluster.js'
import { type ClusterConfiguration, DEFAULT_KUBE_PROXY, extraArg } from './schema-config.js'

/** kubeadm's default service subnet (cmd/kubeadm/app/apis/kubeadm/v1beta4 defaults). */
export const DEFAULT_SERVICE_SUBNET = '10.96.0.0/12'

export function toDraft(c: Collector): ClusterDraft {
  const kind = c.kindCluster?.value
  for (const node of kind ? kindNodes(kind) : []) {
    if (c.nodes.some((n) => n.metadata.name === node.metadata.name)) continue // given wins
    c.nodes.push(node)
  }
  const kubeProxy = kubeProxyConfig(c)
  return {
    nodes: c.nodes,
    pods: c.pods,
    services: c.services,
    endpointSlices: c.endpointSlices,
    endpoints: c.endpoints,
    workloads: c.workloads,
    kubeProxy,
    networking: networking(c, kubeProxy),
    warnings: c.warnings,
    fromClusterConfig: c.kindCluster !== undefined || c.clusterConfig !== undefined,
    origins: c.origins,
  }
}

function networking(c: Collector, kubeProxy: KubeProxyConfiguration): ClusterNetworking {
  const kind = c.kindCluster ? kindNetworking(c.kindCluster.value) : {}
  const kubeadm = c.clusterConfig ? kubeadmNetworking(c.clusterConfig.value) : {}
  const merged: ClusterNetworking = { ...kind, ...kubeadm }
  const proxyCidr = kubeProxy.clusterCIDR === '' ? undefined : kubeProxy.clusterCIDR
  const podSubnet = merged.podSubnet ?? proxyCidr
  return {
    ...merged,
    ...(podSubnet === undefined ? {} : { podSubnet }),
    serviceSubnet: merged.serviceSubnet ?? DEFAULT_SERVICE_SUBNET,
  }
}

function kubeadmNetworking(cfg: ClusterConfiguration): ClusterNetworking {
  const mask = extraArg(cfg, 'node-cidr-mask-size-ipv4') ?? extraArg(cfg, 'node-cidr-mask-size')
  const { podSubnet, serviceSubnet } = cfg.networking
  return {
    ...(podSubnet === undefined ? {} : { podSubnet }),
    ...(serviceSubnet === undefined ? {} : { serviceSubnet }),
    ...(mask !== undefined && /^\d+$/.test(mask) ? { nodeCidrMaskSize: Number(mask) } : {}),
  }
}

/**
 * The given KubeProxyConfiguration, or kube-proxy's defaults with kind's kubeProxyMode. As
 * kubeadm does (and kind through it), an unset clusterCIDR takes the pod subnet.
 */
function kubeProxyConfig(c: Collector): KubeProxyConfiguration {
  const base = c.kubeProxy?.value ?? kindProxy(c) ?? DEFAULT_KUBE_PROXY
  if (base.clusterCIDR !== undefined) return base
  const podSubnet = c.clusterConfig?.value.networking.podSubnet ?? kindPodSubnet(c)
  return podSubnet === undefined ? base : { ...base, clusterCIDR: podSubnet }
}

function kindPodSubnet(c: Collector): string | undefined {
  return c.kindCluster ? kindNetworking(c.kindCluster.value).podSubnet : undefined
}

function kindProxy(c: Collector): KubeProxyConfiguration | undefined {
  const kind = c.kindCluster
  const mode = kind?.value.networking.kubeProxyMode
  if (kind === undefined || mode === undefined) return undefined
  if (mode === 'none')
    throw unsupported(
      'kind kubeProxyMode "none": the cluster runs no kube-proxy, which kpath cannot model',
      kind.raw.locator.at(['networking', 'kubeProxyMode']),
      'remove kubeProxyMode, or set it to iptables, ipvs or nftables',
    )
  return { ...DEFAULT_KUBE_PROXY, mode }
}
