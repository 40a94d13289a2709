/**
 * @module core/model/netns
 * The kernel network state of one network namespace: **the one contract in the middle of
 * kpath**. Renderers (kube-proxy, CNI plugins) produce it, importers (iptables-save, ip -j, …)
 * parse it, and both the emulator and the lab consume it. It is plain data: no methods, no
 * classes, serialisable to JSON (bigint counters aside, which the JSON views print as strings).
 *
 * Links, addresses, routes, rules and neighbours carry what iproute2 shows (`ip -j -d link`,
 * `ip -j addr`, `ip -j route show table all`, `ip -j rule`, `ip -j neigh`, `bridge -j fdb`);
 * the iproute2 printers and parsers map between this model and those formats.
 */
import type { ConntrackEntry } from '../conntrack/model.js'
import type { IpSet } from '../ipset/model.js'
import type { IpvsState } from '../ipvs/model.js'
import type { NftRuleset } from '../netfilter/nft/model.js'
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

/** Per-port settings of a link enslaved to a bridge (`ip -d link` `bridge_slave`). */
export interface BridgePort {
  /** hairpin mode: frames may leave by the port they came in on (hairpin Service traffic). */
  readonly hairpin: boolean
  /** Learn source MACs into the FDB (default on). */
  readonly learning: boolean
  /** Flood unknown unicast (default on). */
  readonly flood: boolean
  readonly state?: 'forwarding' | 'blocking' | 'disabled' | 'learning' | 'listening'
}

export interface VxlanInfo {
  readonly id: number
  readonly port: number
  readonly local?: string
  /** A default remote (unicast or multicast group); flannel uses FDB entries instead. */
  readonly remote?: string
  readonly dev?: string
  readonly learning: boolean
  readonly ttl?: number
  /** GBP and other flags kpath does not model are refused by the importer. */
}

export interface IptunInfo {
  readonly local?: string
  readonly remote?: string
  readonly dev?: string
  readonly ttl?: number
  readonly pmtudisc?: boolean
}

export interface Link {
  readonly index: number
  readonly name: string
  readonly kind: LinkKind
  /** MAC address; absent for links without one (ipip, tun, loopback shows zeros). */
  readonly mac?: string
  readonly mtu: number
  /** Administratively up (`ip link set X up`). */
  readonly up: boolean
  /** IFF_NOARP: the link does not use ARP (ipip, tun, flannel.1 does ARP via static neighbours). */
  readonly noarp?: boolean
  /** Bridge (or other master) this link is enslaved to. */
  readonly master?: string
  /** veth: the peer's namespace and name. */
  readonly peer?: { readonly netns: string; readonly name: string }
  readonly bridgePort?: BridgePort
  readonly vxlan?: VxlanInfo
  readonly iptun?: IptunInfo
  /** tun/tap mode, and the user-space program that owns it (flanneld's UDP backend). */
  readonly tun?: { readonly mode: 'tun' | 'tap'; readonly owner?: string }
  /** macvlan: the parent link and the mode (kpath models `bridge`). */
  readonly macvlan?: {
    readonly parent: string
    readonly mode: 'bridge' | 'private' | 'vepa' | 'passthru'
  }
  /**
   * The transmit queue length (dev->tx_queue_len: `txqlen` in `ip -j link`, `qlen` in text,
   * which iproute2 leaves out when it is 0). Absent: what the kernel gives a link of this kind
   * made without IFLA_TXQLEN (`ip link add`): 500 for a TUN device, 1000 for every other kind
   * (core/iproute2/link/txqlen.ts). Programs creating links through netlink with a zeroed
   * attribute struct send 0: kube-proxy's kube-ipvs0, kube-router's kube-dummy-if.
   */
  readonly txqlen?: number
}

export interface Address {
  readonly iface: string
  readonly family: 4 | 6
  /** The address itself, without prefix. */
  readonly local: string
  readonly prefixLen: number
  readonly scope: 'global' | 'link' | 'host'
  readonly broadcast?: string
  /** Point-to-point peer (`peer` in `ip addr`). */
  readonly peer?: string
  /** A secondary address of the same prefix on the interface. */
  readonly secondary?: boolean
  readonly label?: string
}

export type RouteType =
  | 'unicast'
  | 'local'
  | 'broadcast'
  | 'anycast'
  | 'multicast'
  | 'blackhole'
  | 'unreachable'
  | 'prohibit'
  | 'throw'

/** Route tables: 255 local, 254 main, 253 default; others by number. */
export const TABLE_LOCAL = 255
export const TABLE_MAIN = 254
export const TABLE_DEFAULT = 253

export interface NextHop {
  readonly via?: string
  readonly dev?: string
  readonly weight?: number
  readonly onlink?: boolean
}

export interface Route {
  readonly family: 4 | 6
  readonly table: number
  readonly type: RouteType
  /** `default` or a prefix `a.b.c.d/len` (host routes keep `/32`). */
  readonly dst: string
  readonly via?: string
  readonly dev?: string
  /** Preferred source (`src` in `ip route`). */
  readonly src?: string
  readonly metric?: number
  /** `kernel`, `boot`, `static`, `bird`, `bgp`, … or a number. */
  readonly proto?: string
  readonly scope?: 'global' | 'link' | 'host' | 'nowhere'
  readonly onlink?: boolean
  readonly mtu?: number
  readonly tos?: number
  /** Multipath routes (`nexthop via … dev … weight …`). */
  readonly nexthops?: readonly NextHop[]
}

export interface PolicyRule {
  readonly family: 4 | 6
  readonly priority: number
  readonly not?: boolean
  readonly from?: string
  readonly to?: string
  readonly iif?: string
  readonly oif?: string
  readonly fwmark?: { readonly value: number; readonly mask: number }
  readonly tos?: number
  /** `lookup TABLE` unless action says otherwise. */
  readonly table?: number
  readonly action?: 'lookup' | 'blackhole' | 'unreachable' | 'prohibit' | 'goto' | 'nop'
  /** The priority a `goto` rule jumps to (`ip rule add … goto PRIO`). */
  readonly goto?: number
  readonly suppressPrefixLength?: number
}

export interface Neighbour {
  readonly dst: string
  readonly dev: string
  readonly lladdr?: string
  readonly state:
    | 'PERMANENT'
    | 'NOARP'
    | 'REACHABLE'
    | 'STALE'
    | 'DELAY'
    | 'PROBE'
    | 'INCOMPLETE'
    | 'FAILED'
  /** A proxy entry (`ip neigh add proxy …`): answer ARP for `dst` on `dev`. */
  readonly proxy?: boolean
  readonly router?: boolean
}

/** A bridge or VXLAN forwarding entry (`bridge fdb`). */
export interface FdbEntry {
  readonly mac: string
  /** The port (bridge) or the vxlan device. */
  readonly dev: string
  /** The bridge the port belongs to, when the entry is the bridge's. */
  readonly master?: string
  /** VXLAN: the remote VTEP the MAC lives behind. */
  readonly dst?: string
  readonly vlan?: number
  readonly permanent?: boolean
  readonly self?: boolean
}

/** What a namespace stands for in the cluster. */
export type NetnsRole =
  | { readonly kind: 'node'; readonly node: string }
  | {
      readonly kind: 'pod'
      readonly namespace: string
      readonly name: string
      readonly node: string
    }
  | { readonly kind: 'segment'; readonly name: string }
  | { readonly kind: 'router'; readonly name: string }
  | { readonly kind: 'external'; readonly name: string }
  | { readonly kind: 'scratch' }

/** A user-space program the namespace runs that moves packets (flanneld's UDP backend). */
export interface Daemon {
  readonly name: string
  readonly kind: 'flanneld-udp' | 'echo-server' | 'bird'
  readonly config: Readonly<Record<string, string | number | boolean>>
}

export interface NetnsState {
  readonly name: string
  readonly role?: NetnsRole
  readonly links: readonly Link[]
  readonly addresses: readonly Address[]
  readonly routes: readonly Route[]
  readonly rules: readonly PolicyRule[]
  readonly neighbours: readonly Neighbour[]
  readonly fdb?: readonly FdbEntry[]
  /**
   * `net.*` sysctls by their name as `sysctl -a` lists it, e.g. `net.ipv4.ip_forward` → `1`.
   * A dot in an interface name is a slash there (`net.ipv4.conf.flannel/1.rp_filter`).
   */
  readonly sysctls: Readonly<Record<string, string>>
  readonly iptables: { readonly ipv4?: Ruleset; readonly ipv6?: Ruleset }
  /** The nftables ruleset (`nft list ruleset`), e.g. kube-proxy's `ip kube-proxy` table. */
  readonly nftables?: NftRuleset
  readonly ipsets: readonly IpSet[]
  readonly conntrack: readonly ConntrackEntry[]
  readonly daemons?: readonly Daemon[]
  /** IPVS virtual services and connections (kube-proxy IPVS mode, kube-router's proxy). */
  readonly ipvs?: IpvsState
}

/** An empty namespace: what `ip netns add` gives before anything is configured. */
export function emptyNetns(name: string): NetnsState {
  return {
    name,
    links: [
      { index: 1, name: 'lo', kind: 'loopback', mtu: 65536, up: false, mac: '00:00:00:00:00:00' },
    ],
    addresses: [],
    routes: [],
    rules: defaultRules(),
    neighbours: [],
    sysctls: {},
    iptables: {},
    ipsets: [],
    conntrack: [],
  }
}

/** The policy rules every namespace starts with (`ip rule` / `ip -6 rule`). */
export function defaultRules(): PolicyRule[] {
  return [4, 6].flatMap((family) => [
    { family: family as 4 | 6, priority: 0, table: TABLE_LOCAL },
    { family: family as 4 | 6, priority: 32766, table: TABLE_MAIN },
    ...(family === 4 ? [{ family: 4 as const, priority: 32767, table: TABLE_DEFAULT }] : []),
  ])
}
