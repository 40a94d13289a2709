/**
 * @module core/netfilter/engine/types
 * The engine's vocabulary: hooks, verdicts, the environment a namespace provides (addresses,
 * routes), trace events and the result of walking one packet through one namespace.
 */
import type { ConntrackEntry } from '../../conntrack/model.js'
import type { Packet } from '../../model/packet.js'
import type { TableName } from '../rule.js'

export type Hook = 'PREROUTING' | 'INPUT' | 'FORWARD' | 'OUTPUT' | 'POSTROUTING'

/**
 * The tables registered at each hook, in priority order (net/ipv4/netfilter/*.c priorities:
 * raw -300, conntrack -200, mangle -150, nat dst -100, filter 0, security 50, nat src 100).
 * Conntrack and the NAT mangling sit between them; hooks.ts places them.
 */
export const HOOK_TABLES: Readonly<Record<Hook, readonly TableName[]>> = {
  PREROUTING: ['raw', 'mangle', 'nat'],
  INPUT: ['mangle', 'filter', 'security', 'nat'],
  FORWARD: ['mangle', 'filter', 'security'],
  OUTPUT: ['raw', 'mangle', 'nat', 'filter', 'security'],
  POSTROUTING: ['mangle', 'nat'],
}

/** An nft chain as traces and verdicts name it: `family table chain`. */
export type NftChainLabel = `${'ip' | 'ip6' | 'inet' | 'arp' | 'bridge' | 'netdev'} ${string}`

/**
 * Where a hook's verdict came from: an iptables table, or an nft base chain; `ipvs`: IPVS
 * itself dropped the packet (no real server, no route to it); `conntrack`: the confirm step
 * dropped it (an insert clash, __nf_conntrack_confirm).
 */
export type HookTable = TableName | NftChainLabel | 'ipvs' | 'conntrack'

/** How a table walk ended. `reject` carries the packet the REJECT target sends back. */
export type Verdict =
  | { readonly kind: 'accept' }
  | { readonly kind: 'drop' }
  | { readonly kind: 'reject'; readonly with: string; readonly response?: Packet }

/** Address types of `-m addrtype` (RTN_*). */
export type AddrType =
  | 'UNSPEC'
  | 'UNICAST'
  | 'LOCAL'
  | 'BROADCAST'
  | 'ANYCAST'
  | 'MULTICAST'
  | 'BLACKHOLE'
  | 'UNREACHABLE'
  | 'PROHIBIT'
  | 'THROW'
  | 'NAT'
  | 'XRESOLVE'

/** The routing decision taken after PREROUTING (and for OUTPUT, before it). */
export type RouteDecision =
  | { readonly kind: 'local'; readonly iface?: string }
  | { readonly kind: 'forward'; readonly outIface: string; readonly src?: string }
  | { readonly kind: 'unreachable'; readonly reason: string }

/**
 * What netfilter needs from the rest of the namespace. The cluster data plane provides a full
 * implementation from routes and addresses; the single-node CLI a simple one from flags.
 */
export interface NetfilterEnv {
  /** `inet_addr_type` / `inet_dev_addr_type`: the address type, optionally limited to a device. */
  addrType(addr: string, dev?: string): AddrType
  /** Route a packet: local delivery or forwarding (after PREROUTING, with the DNATed address). */
  route(pkt: Packet): RouteDecision
  /** The source address MASQUERADE picks for a packet leaving by `outIface` (inet_select_addr). */
  masqueradeSource(pkt: Packet, outIface: string): string | undefined
  /** The primary address of an interface, for REDIRECT. */
  primaryAddress(iface: string, family: 4 | 6): string | undefined
  /** The address a locally generated ICMP error towards `dst` would use as its source. */
  icmpSource(original: Packet): string
}

/** One step of the walk, printed as TRACE lines and the other lines of a trace. */
export type TraceEvent =
  | {
      readonly kind: 'rule'
      readonly table: TableName
      readonly chain: string
      readonly num: number
      /** `rule` for a matched rule, `return` for falling off a user chain, `policy` for a builtin. */
      readonly type: 'rule' | 'return' | 'policy'
      readonly text?: string
    }
  | { readonly kind: 'conntrack'; readonly hook: Hook; readonly text: string }
  | { readonly kind: 'nat'; readonly hook: Hook; readonly text: string }
  | { readonly kind: 'route'; readonly text: string }
  | { readonly kind: 'log'; readonly text: string }
  | { readonly kind: 'branch'; readonly text: string; readonly probability: number }
  /** An IPVS step: service matched, real server chosen, connection entry, reply un-NATed. */
  | { readonly kind: 'ipvs'; readonly hook: Hook; readonly text: string }
  | {
      readonly kind: 'verdict'
      readonly hook: Hook
      /** Absent only if a hook step gave no table (every step of hooks.ts gives one). */
      readonly table?: HookTable
      readonly text: string
    }
  /**
   * A step in an nft chain, as `nft monitor trace` prints it; `text` is the whole line
   * (`trace id 1a2b3c4d ip kube-proxy services rule … (verdict goto …)`).
   */
  | {
      readonly kind: 'nft'
      readonly hook: Hook
      /** `family table chain` */
      readonly chain: NftChainLabel
      /** `rule` for a rule that matched, `policy` when a base chain ended. */
      readonly type: 'rule' | 'policy'
      /** 1-based position in the chain, and the nft handle when the listing had them. */
      readonly index: number
      readonly handle?: number
      /** The verdict as nft names it: `accept`, `jump services`, `continue`, … */
      readonly verdict: string
      readonly text: string
    }

/** Which hooks to walk: from the wire (PREROUTING) or from a local socket (OUTPUT). */
export type StartHook = 'prerouting' | 'output'

/** The result of one packet through one namespace. */
export interface PacketResult {
  readonly verdict: 'ACCEPT' | 'DROP' | 'REJECT'
  /** Where it went: delivered locally, forwarded out of an interface, or dropped. */
  readonly disposition: 'local' | 'forward' | 'output' | 'dropped'
  readonly packetIn: Packet
  /** The packet as it leaves (or is delivered), after NAT and marks. */
  readonly packetOut: Packet
  readonly hooks: readonly Hook[]
  readonly events: readonly TraceEvent[]
  /** The destination and source NAT bound for this connection, as `ip:port` (or `ip`). */
  readonly dnat: string | undefined
  readonly snat: string | undefined
  /** A MASQUERADE target rewrote the source. */
  readonly masquerade: boolean
  /** REJECT's answer: an ICMP error or a TCP RST. */
  readonly response?: Packet
  readonly rejectWith?: string
  /** The connection as `conntrack -L` would list it after the packet, if tracked. */
  readonly conntrack?: ConntrackEntry
  /** The hook and table (or nft base chain) that dropped or rejected the packet. */
  readonly droppedAt?: { readonly hook: Hook; readonly table: HookTable }
}
