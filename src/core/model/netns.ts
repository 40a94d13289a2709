/**
 * @module core/model/netns
 * The kernel network state of one network namespace: **the one contract in the middle of
 * kpath**. Renderers (kube-proxy, CNI plugins) produce it, importers (iptables-save, ip -j, …)
 * parse it, and both the emulator and the lab consume it. It is plain data: no methods, no
 * classes, serialisable to JSON (bigint counters aside, which the JSON views print as strings).
 *
 * Links, addresses, routes, rules and neighbours are filled in by the cluster data-plane work;
 * their shapes follow iproute2's JSON output (`ip -j -d link`, `ip -j addr`, …).
 */
import type { ConntrackEntry } from '../conntrack/model.js'
import type { IpSet } from '../ipset/model.js'
import type { Ruleset } from '../netfilter/rule.js'

export type LinkKind =
  | 'loopback'
  | 'ether'
  | 'veth'
  | 'bridge'
  | 'vxlan'
  | 'ipip'
  | 'tun'
  | 'macvlan'
  | 'dummy'

export interface Link {
  readonly index: number
  readonly name: string
  readonly kind: LinkKind
  readonly mac?: string
  readonly mtu: number
  readonly up: boolean
  /** Bridge (or other master) this link is enslaved to. */
  readonly master?: string
  /** veth: the peer's namespace and name. */
  readonly peer?: { readonly netns: string; readonly name: string }
  /** Kind-specific fields (vxlan id/port/local, bridge port hairpin, macvlan mode, …). */
  readonly info?: Readonly<Record<string, string | number | boolean>>
}

export interface Address {
  readonly iface: string
  /** `10.0.0.1/24` */
  readonly cidr: string
  readonly scope: 'global' | 'link' | 'host'
  readonly broadcast?: string
}

export type RouteType = 'unicast' | 'local' | 'broadcast' | 'blackhole' | 'unreachable' | 'prohibit'

export interface Route {
  readonly table: number
  readonly type: RouteType
  /** `default` or a prefix. */
  readonly dst: string
  readonly via?: string
  readonly dev?: string
  readonly src?: string
  readonly metric?: number
  readonly proto?: string
  readonly scope?: 'global' | 'link' | 'host'
  readonly onlink?: boolean
}

export interface PolicyRule {
  readonly priority: number
  readonly table: number
  readonly from?: string
  readonly to?: string
  readonly fwmark?: { readonly value: number; readonly mask: number }
  readonly iif?: string
  readonly oif?: string
  readonly not?: boolean
}

export interface Neighbour {
  readonly dst: string
  readonly dev: string
  readonly lladdr?: string
  readonly state: 'PERMANENT' | 'REACHABLE' | 'STALE' | 'INCOMPLETE' | 'FAILED' | 'NOARP'
  readonly proxy?: boolean
}

export interface NetnsState {
  readonly name: string
  readonly links: readonly Link[]
  readonly addresses: readonly Address[]
  readonly routes: readonly Route[]
  readonly rules: readonly PolicyRule[]
  readonly neighbours: readonly Neighbour[]
  /** `net.*` sysctls by their dotted name, e.g. `net.ipv4.ip_forward` → `1`. */
  readonly sysctls: Readonly<Record<string, string>>
  readonly iptables: { readonly ipv4?: Ruleset; readonly ipv6?: Ruleset }
  readonly ipsets: readonly IpSet[]
  readonly conntrack: readonly ConntrackEntry[]
}

/** An empty namespace: what `ip netns add` gives before anything is configured. */
export function emptyNetns(name: string): NetnsState {
  return {
    name,
    links: [{ index: 1, name: 'lo', kind: 'loopback', mtu: 65536, up: false }],
    addresses: [],
    routes: [],
    rules: [],
    neighbours: [],
    sysctls: {},
    iptables: {},
    ipsets: [],
    conntrack: [],
  }
}
