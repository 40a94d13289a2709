/**
 * @module core/walk/types
 * The result of walking a packet across a cluster's namespaces ({@link ClusterTrace}): one
 * branch per path through the random decisions of every namespace's netfilter rules, each with
 * its hops, how the packet ended, and the walk of the reply. docs/TRACE-JSON.md documents the
 * JSON shape.
 */
import type { ConntrackEntry } from '../conntrack/model.js'
import type { TcpFlag } from '../model/packet.js'
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

/**
 * The packet an `encap` hop wraps: the outer packet is the hop's `packet`; every later hop
 * carries it until the matching `decap` hop.
 */
export interface HopTunnel {
  /** vxlan: UDP + VXLAN header + inner Ethernet; udp: flanneld's UDP with the raw inner IP; ipip: IP proto 4. */
  readonly type: 'vxlan' | 'udp' | 'ipip'
  readonly vni?: number
  readonly inner: HopPacket
  /** The inner Ethernet frame's MACs (vxlan). */
  readonly innerSrcMac?: string
  readonly innerDstMac?: string
}

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
  /** On `encap` hops: what the outer packet carries (pcapng writes the real encapsulation). */
  readonly tunnel?: HopTunnel
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

/**
 * An ICMP error (or REJECT's TCP RST) that the namespace dropping a request sent back to its
 * source: the branch's reply is its walk.
 */
export interface SentBack {
  readonly netns: string
  /** `ICMP time exceeded in transit`, `ICMP fragmentation needed (mtu 1450)`, … */
  readonly text: string
  readonly packet: HopPacket
  readonly icmpType?: number
  readonly icmpCode?: number
  /** Fragmentation needed: the next-hop MTU the error carries (RFC 1191). */
  readonly mtu?: number
}

export interface ReplyWalk extends Walk {
  /** Set when the reply is an error the dropping namespace generated (not the server's answer). */
  readonly error?: SentBack
}

export interface ClusterBranch extends Walk {
  readonly probability: number
  readonly decisions: readonly Decision[]
  /**
   * The reply walked back through conntrack: the server's answer (echo, SYN-ACK), the TCP RST
   * or ICMP port unreachable of a closed port, or, for a dropped request, the ICMP error or
   * REJECT answer the dropping namespace sent (`error`).
   */
  readonly reply?: ReplyWalk
  /**
   * With `conntrack: true`: the conntrack table of every namespace the branch crossed, after
   * the request and the reply (what `conntrack -L` would list there).
   */
  readonly conntrack?: Readonly<Record<string, readonly ConntrackEntry[]>>
  /**
   * With `segments`: the handshake's last ACK, then each segment asked for, walked in order
   * through the same conntrack state (only when the request was delivered).
   */
  readonly segments?: readonly SegmentWalk[]
}

/**
 * A TCP segment sent after the handshake (`--segment`), by either end of the connection.
 * Sequence and acknowledgement numbers are relative, as tcpdump prints them: the SYN is 0,
 * the first data byte 1. Left out, they continue where the sender and the receiver are.
 */
export interface SegmentSpec {
  readonly from: 'client' | 'server'
  readonly flags: readonly TcpFlag[]
  readonly seq?: number
  readonly ack?: number
  /** Payload bytes (default 0). */
  readonly payload?: number
  /** The raw window field (default 502: 64256 bytes with the handshake's scale of 7). */
  readonly window?: number
}

/** The walk of one {@link SegmentSpec}, and of the RST a receiving kernel answered with. */
export interface SegmentWalk extends Walk {
  readonly spec: SegmentSpec
  /** The segment as sent: absolute sequence numbers. */
  readonly seq: number
  readonly ack: number
  /** No socket took it (`refused`): the receiving kernel's RST, walked back to the sender. */
  readonly reset?: ResetWalk
}

/** The RST tcp_v4_send_reset sent for a segment no socket took, and its walk back. */
export interface ResetWalk extends Walk {
  /** `RST` when the segment had ACK, else `RST`+`ACK`. */
  readonly flags: readonly TcpFlag[]
  /** Absolute, as sent: seq = the segment's ack, or ack = the end of the segment. */
  readonly seq: number
  readonly ack: number
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
  /** Keep each branch's conntrack tables after its walks (`ClusterBranch.conntrack`). */
  readonly conntrack?: boolean
  /** TCP segments after the handshake (`ClusterBranch.segments`); the request must be a SYN. */
  readonly segments?: readonly SegmentSpec[]
}
