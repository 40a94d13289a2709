/**
 * @module core/cni/types
 * The contract of a CNI plugin model. A plugin is configured by the plugin's REAL config
 * (flannel's net-conf.json from the kube-flannel-cfg ConfigMap, Calico's IPPool, kube-router's
 * DaemonSet arguments, a CNI conflist) and contributes, for each node and each pod on it,
 * fragments of kernel state: exactly the links, addresses, routes, neighbours, FDB entries,
 * sysctls, iptables rules and ipsets the real plugin (and its daemon: flanneld, calico-node/BIRD,
 * kube-router) programs. The cluster assembly merges the fragments into one NetnsState per
 * namespace; the packet walk and the lab consume the result.
 *
 * Interface names follow each plugin exactly (`vethXXXXXXXX`, `cali` + 11 hex, `flannel.1`,
 * `tunl0`, `tun-<ip>`, `kube-bridge`, `kube-dummy-if`); MACs are deterministic (derived from
 * names) so that traces, the lab and fixtures agree.
 */

import type { SourceLocation } from '../errors.js'
import type { IpSet } from '../ipset/model.js'
import type { IpvsService } from '../ipvs/model.js'
import type { Cluster, Node, Pod } from '../kube/model.js'
import type {
  Address,
  FdbEntry,
  Link,
  Neighbour,
  NetnsState,
  PolicyRule,
  Route,
} from '../model/netns.js'

/** A piece of one namespace's state; the assembly appends fragments in plugin order. */
export interface NetnsFragment {
  readonly links?: readonly Link[]
  readonly addresses?: readonly Address[]
  readonly routes?: readonly Route[]
  readonly rules?: readonly PolicyRule[]
  readonly neighbours?: readonly Neighbour[]
  readonly fdb?: readonly FdbEntry[]
  readonly sysctls?: Readonly<Record<string, string>>
  /** iptables rules in iptables-restore syntax per family, e.g. `*nat\n-A POSTROUTING …\nCOMMIT\n`. */
  readonly iptablesRestore?: { readonly ipv4?: string; readonly ipv6?: string }
  readonly ipsets?: readonly IpSet[]
  readonly daemons?: NetnsState['daemons']
  /** IPVS virtual services the plugin programs (kube-router's service proxy). */
  readonly ipvs?: readonly IpvsService[]
}

/** Where a node sits on the underlay, from the Topology kind or from its InternalIP. */
export interface NodeUnderlay {
  readonly node: Node
  /** The node's underlay NIC (default `eth0`; `ens3` in seed 002). */
  readonly iface: string
  readonly address: string
  readonly prefixLen: number
  readonly mac: string
  readonly mtu: number
  readonly gateway?: string
  /** The segment (L2 domain) the NIC is on; nodes on different segments are routed. */
  readonly segment: string
}

export interface CniContext {
  readonly cluster: Cluster
  /** Every node's underlay placement, by node name. */
  readonly underlay: ReadonlyMap<string, NodeUnderlay>
  /** Each node's pod CIDR(s), after allocation. */
  readonly podCIDRs: ReadonlyMap<string, readonly string[]>
  /** Record something the input asks for that this plugin model does not do. */
  unsupported(message: string, location?: SourceLocation): void
}

/** A pod's contribution: its own namespace, and the host side on its node. */
export interface PodWiring {
  /** The pod namespace (eth0, its address, routes, neighbours, sysctls). */
  readonly pod: NetnsFragment
  /** What the plugin adds to the node for this pod (host veth, /32 route, proxy_arp, …). */
  readonly host: NetnsFragment
}

export interface CniPlugin {
  readonly name: string
  /** Node-wide state: bridges, tunnels, routes to other nodes, masquerade rules, sysctls. */
  node(ctx: CniContext, node: NodeUnderlay): NetnsFragment
  /** One pod's wiring. hostNetwork pods are not passed here (they share the node namespace). */
  pod(ctx: CniContext, pod: Pod, node: NodeUnderlay): PodWiring
}
