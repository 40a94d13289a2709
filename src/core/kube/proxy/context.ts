/**
 * @module core/kube/proxy/context
 * What kube-proxy learns from the machine it runs on rather than from the API: its hostname,
 * the node's IPs and interface addresses, which IP families it proxies, and what the local
 * iptables/kernel support. {@link ProxyNodeContext} holds these, with production defaults
 * (kube-proxy v1.33 on a current Linux node); the conformance tests pass the settings of
 * kube-proxy's fake proxier instead (node.json `fakeProxier`).
 */
import { KpathError } from '../../errors.js'
import type { Cluster, IPFamily, Node } from '../model.js'
import { familyOf, formatGoIP, parseIPSloppy } from './ip-text.js'

/** nfacct counters kube-proxy v1.33 creates (pkg/proxy/metrics). */
export const NFACCT_CT_STATE_INVALID = 'ct_state_invalid_dropped_pkts'
export const NFACCT_LOCALHOST_NODEPORTS = 'localhost_nps_accepted_pkts'

export interface ProxyNodeContext {
  /** kube-proxy's hostname (`hostnameOverride`): endpoints with this `nodeName` are local. */
  readonly nodeName: string
  /** The IP families kube-proxy runs a proxier for (one ruleset/table each). */
  readonly families: readonly IPFamily[]
  /** The node IP of each family (kube-proxy's `nodeIPs`; loopback when the node has none). */
  readonly nodeIPs: Readonly<Record<IPFamily, string>>
  /** Interface name → addresses (`a.b.c.d` or `a.b.c.d/len`), where nodePortAddresses look. */
  readonly interfaces: Readonly<Record<string, readonly string[]>>
  /** The node's labels (`topology.kubernetes.io/zone` steers topology-aware routing). */
  readonly labels: Readonly<Record<string, string>>
  /** iptables and the kernel support `MASQUERADE --random-fully`. */
  readonly hasRandomFully: boolean
  /** nfacct counters kube-proxy could create; rules count into those present. */
  readonly nfacctCounters: readonly string[]
  /**
   * The mark text kube-proxy writes. Default: Go's `%#08x` of `1 << masqueradeBit`
   * (`0x00004000`); kube-proxy's unit tests use `0x4000`. iptables-save prints both as 0x4000.
   */
  readonly masqueradeMark?: string
  /** sysctl `net.netfilter.nf_conntrack_tcp_be_liberal` is non-zero: no INVALID drop rule. */
  readonly tcpBeLiberal: boolean
  /** ServiceCIDRs (nftables drops traffic to unallocated ClusterIPs inside them). */
  readonly serviceCIDRs: readonly string[]
  /** Feature gate PreferSameTrafficDistribution (alpha in v1.33, off by default). */
  readonly preferSameTrafficDistribution: boolean
  /** Include kube-proxy's KUBE-PROXY-CANARY chains (mangle, nat, filter) in the node view. */
  readonly canaryChains: boolean
}

const LOOPBACK: Readonly<Record<IPFamily, string>> = { IPv4: '127.0.0.1', IPv6: '::1' }

function nodeNamed(cluster: Cluster, name: string): Node | undefined {
  return cluster.nodes.find((n) => n.metadata.name === name)
}

function defaultNodeName(cluster: Cluster): string {
  const override = cluster.kubeProxy.hostnameOverride
  if (override !== undefined && override !== '') return override.toLowerCase()
  const only = cluster.nodes.length === 1 ? cluster.nodes[0] : undefined
  if (only) return only.metadata.name
  throw new KpathError('KPATH_INVALID_ARGUMENT', 'which node does kube-proxy run on?', {
    hint: 'pass the node name (the cluster has several nodes and no hostnameOverride)',
  })
}

/** `GetNodeHostIPs`: InternalIP addresses first, then ExternalIP, first of each family. */
function nodeAddresses(node: Node | undefined): string[] {
  const addrs = node?.status.addresses ?? []
  const ordered = [
    ...addrs.filter((a) => a.type === 'InternalIP'),
    ...addrs.filter((a) => a.type === 'ExternalIP'),
  ]
  const out: string[] = []
  for (const a of ordered) {
    const ip = parseIPSloppy(a.address)
    if (ip) out.push(formatGoIP(ip))
  }
  return out
}

function firstOfFamily(ips: readonly string[], family: IPFamily): string | undefined {
  return ips.find((ip) => {
    const a = parseIPSloppy(ip)
    return a !== undefined && familyOf(a) === family
  })
}

/**
 * Production defaults for the node kube-proxy runs on, overridden field by field.
 *
 * Defaults: the node is `hostnameOverride` (or the only Node); its IPs come from the Node's
 * addresses; interfaces are `lo` plus `eth0` holding those IPs; both families are proxied
 * (kube-proxy runs dual-stack whenever the kernel has IPv6, even on a single-stack cluster);
 * `--random-fully` and both nfacct counters are available; no ServiceCIDRs are known unless the
 * cluster's service subnet is.
 */
export function proxyNodeContext(
  cluster: Cluster,
  overrides: Partial<ProxyNodeContext> = {},
): ProxyNodeContext {
  const nodeName = overrides.nodeName ?? defaultNodeName(cluster)
  const node = nodeNamed(cluster, nodeName)
  const ips = nodeAddresses(node)
  const nodeIPs = overrides.nodeIPs ?? {
    IPv4: firstOfFamily(ips, 'IPv4') ?? LOOPBACK.IPv4,
    IPv6: firstOfFamily(ips, 'IPv6') ?? LOOPBACK.IPv6,
  }
  const subnet = cluster.networking.serviceSubnet
  return {
    nodeName,
    families: overrides.families ?? ['IPv4', 'IPv6'],
    nodeIPs,
    interfaces: overrides.interfaces ?? { lo: ['127.0.0.1/8', '::1/128'], eth0: ips },
    labels: overrides.labels ?? node?.metadata.labels ?? {},
    hasRandomFully: overrides.hasRandomFully ?? true,
    nfacctCounters: overrides.nfacctCounters ?? [
      NFACCT_CT_STATE_INVALID,
      NFACCT_LOCALHOST_NODEPORTS,
    ],
    ...(overrides.masqueradeMark === undefined ? {} : { masqueradeMark: overrides.masqueradeMark }),
    tcpBeLiberal: overrides.tcpBeLiberal ?? cluster.kubeProxy.conntrack?.tcpBeLiberal === true,
    serviceCIDRs: overrides.serviceCIDRs ?? (subnet ? subnet.split(',').map((s) => s.trim()) : []),
    preferSameTrafficDistribution: overrides.preferSameTrafficDistribution ?? false,
    canaryChains: overrides.canaryChains ?? true,
  }
}

/** Go's `fmt.Sprintf("%#08x", v)`: the zero padding counts digits only, not the `0x`. */
export function goMarkText(value: number): string {
  return `0x${value.toString(16).padStart(8, '0')}`
}
