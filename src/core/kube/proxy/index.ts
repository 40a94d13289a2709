/**
 * @module core/kube/proxy
 * kube-proxy's data plane for one node, rendered from a loaded cluster: the iptables restore
 * payload and resulting ruleset per IP family, or the nftables `kube-proxy` table per family.
 * README.md in this folder says which kube-proxy version is followed and what is left out.
 *
 * @example
 * const cluster = loadCluster([{ text, file: 'cluster.yaml' }])
 * const out = renderKubeProxy(cluster, proxyNodeContext(cluster))
 * out.iptables?.ipv4?.payload // '*filter\n:KUBE-NODEPORTS - [0:0]\n…'
 */
import type { Cluster, IPFamily } from '../model.js'
import type { ProxyNodeContext } from './context.js'
import { type IptablesRender, renderIptables } from './iptables/index.js'
import {
  type IpvsFamilyRender,
  type IpvsNodeRender,
  ipvsNode,
  ipvsOptions,
  renderIpvsFamily,
} from './ipvs/index.js'
import { type NftRender, renderNftables } from './nftables/index.js'
import { iptablesOptions, nftOptions, planFamily } from './proxier.js'

export type { ProxyNodeContext } from './context.js'
export { proxyNodeContext } from './context.js'
export type { IptablesRender } from './iptables/index.js'
export type { IpvsFamilyRender, IpvsNodeRender } from './ipvs/index.js'
export type { NftRender } from './nftables/index.js'

export interface PerFamily<T> {
  readonly ipv4?: T
  readonly ipv6?: T
}

export interface KubeProxyRender {
  readonly mode: 'iptables' | 'nftables' | 'ipvs'
  /** iptables mode; in ipvs mode the IPVS proxier's own payload and node view per family. */
  readonly iptables?: PerFamily<IptablesRender>
  /** ipvs mode: per family and for the node (kube-ipvs0, IPVS services, ipsets, sysctls). */
  readonly ipvs?: {
    readonly families: PerFamily<IpvsFamilyRender>
    readonly node: IpvsNodeRender
  }
  /** `nft list table ip|ip6 kube-proxy` text per family. */
  readonly nftables?: PerFamily<string>
  /** The nftables tables in full (model and an `nft -f` script), per family. */
  readonly nftablesDetail?: PerFamily<NftRender>
  /** Things kube-proxy would log and work around (invalid IPs, colliding destinations). */
  readonly warnings: readonly string[]
}

const KEY: Readonly<Record<IPFamily, 'ipv4' | 'ipv6'>> = { IPv4: 'ipv4', IPv6: 'ipv6' }

function perFamily<T>(families: readonly IPFamily[], f: (family: IPFamily) => T): PerFamily<T> {
  const out: { ipv4?: T; ipv6?: T } = {}
  for (const family of families) out[KEY[family]] = f(family)
  return out
}

/** Render what kube-proxy writes on `node` after a full sync of `cluster`. */
export function renderKubeProxy(cluster: Cluster, node: ProxyNodeContext): KubeProxyRender {
  const warnings: string[] = []
  const warn = (m: string) => {
    if (!warnings.includes(m)) warnings.push(m)
  }
  const mode = cluster.kubeProxy.mode
  if (mode === 'ipvs') return renderIpvs(cluster, node, warnings, warn)
  if (mode === 'iptables') {
    const iptables = perFamily(node.families, (family) => {
      const fp = planFamily(cluster, node, family, warn)
      return renderIptables(fp.plans, iptablesOptions(cluster, node, fp), node.canaryChains)
    })
    return { mode, iptables, warnings }
  }
  const nftablesDetail = perFamily(node.families, (family) => {
    const fp = planFamily(cluster, node, family, warn)
    return renderNftables(fp.plans, nftOptions(cluster, node, fp), warn)
  })
  const nftables: { ipv4?: string; ipv6?: string } = {}
  if (nftablesDetail.ipv4) nftables.ipv4 = nftablesDetail.ipv4.listing
  if (nftablesDetail.ipv6) nftables.ipv6 = nftablesDetail.ipv6.listing
  return { mode, nftables, nftablesDetail, warnings }
}

/**
 * kube-proxy's IPVS mode. Terminating TCP endpoints are shown draining at weight 0 (see
 * ipvs/README.md). The IPv4 proxier syncs before the IPv6 one (the meta-proxier's order).
 */
function renderIpvs(
  cluster: Cluster,
  node: ProxyNodeContext,
  warnings: string[],
  warn: (m: string) => void,
): KubeProxyRender {
  const families = perFamily(node.families, (family) => {
    const fp = planFamily(cluster, node, family, warn)
    return renderIpvsFamily(fp.plans, ipvsOptions(cluster, node, family, true))
  })
  const list = [families.ipv4, families.ipv6].filter((f) => f !== undefined)
  return {
    mode: 'ipvs',
    iptables: families,
    ipvs: { families, node: ipvsNode(list, cluster.kubeProxy) },
    warnings,
  }
}
