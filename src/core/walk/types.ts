/**
 * @module core/walk/types
 * The result of walking a packet across a cluster's namespaces ({@link ClusterTrace}): one
 * branch per path through the random decisions of every namespace's netfilter rules, each with
 * its hops, how the packet ended, and the walk of the reply. docs/TRACE-JSON.md documents the
 * JSON shape.
 */
import type { Decision } from '../netfilter/engine/chooser.js'

/** The headers a hop shows, after the hop's rewrites. */
export interface HopPacket {
  readonly src: string
  readonly dst: string
  readonly proto: number
  readonly sport?: number
  readonly dport?: number
  readonly ttl: number
  readonly length: number
}

/** What a hop was: IP processing, bridging, a device crossing, an encapsulation. */
export type HopKind =
  | 'send' // a socket sent the packet (OUTPUT path)
  | 'ip' // received and handled by the IP layer (PREROUTING, then INPUT or FORWARD)
  | 'bridge' // switched by a bridge (with br_netfilter hooks when enabled)
  | 'encap' // wrapped into a tunnel (vxlan, flanneld's UDP)
  | 'decap' // unwrapped from a tunnel

export interface Hop {
  readonly netns: string
  readonly kind: HopKind
  readonly inIface?: string
  readonly outIface?: string
  /** For bridged frames: the bridge ports (physdev). */
  readonly physIn?: string
  readonly physOut?: string
  readonly packet: HopPacket
  readonly srcMac?: string
  readonly dstMac?: string
  /** The route taken, as `ip route get` prints it. */
  readonly route?: string
  /** How the next hop's MAC was found (neighbour entry, ARP answered by whom, …). */
  readonly arp?: string
  /** The tunnel header added or removed. */
  readonly encap?: string
  /** Netfilter's lines (TRACE rules, conntrack, NAT, verdicts), as `traceLine` prints them. */
  readonly netfilter: readonly string[]
  /** Anything else worth saying (flooding, hairpin, learning). */
  readonly notes: readonly string[]
}

export type Outcome =
  | {
      readonly kind: 'delivered'
      readonly netns: string
      readonly port: number | undefined
      /** The source the listening socket saw (after every NAT on the way). */
      readonly serverSaw: { readonly src: string; readonly sport: number | undefined }
      readonly ttlAtArrival: number
    }
  | {
      /** Arrived at a namespace owning the destination, but nothing listens on the port. */
      readonly kind: 'refused'
      readonly netns: string
      readonly port: number | undefined
      readonly ttlAtArrival: number
    }
  | {
      readonly kind: 'dropped'
      readonly netns: string
      readonly where: string
      readonly reason: string
    }
  | {
      /** Left the modelled world (a device whose far side kpath does not have). */
      readonly kind: 'left'
      readonly netns: string
      readonly iface: string
    }

export interface Walk {
  readonly hops: readonly Hop[]
  readonly outcome: Outcome
}

export interface ClusterBranch extends Walk {
  readonly probability: number
  readonly decisions: readonly Decision[]
  /** The reply (echo, TCP RST or ICMP port unreachable) walked back through conntrack. */
  readonly reply?: Walk
}

export interface ClusterTrace {
  readonly branches: readonly ClusterBranch[]
}

export interface TraceClusterOptions {
  /** At most this many branches (default 256). */
  readonly limit?: number
  /** Walk the reply too (default true). */
  readonly reply?: boolean
  /** At most this many hops per walk before KPATH_LOOP (default 64). */
  readonly maxHops?: number
}
