/**
 * @module core/conntrack/model
 * The conntrack table of one network namespace, as `conntrack -L` shows it. Part of the
 * kernel-state contract: imported from real nodes, created and updated by the engine.
 */

/**
 * One direction of a connection. Ports for TCP/UDP/SCTP/DCCP/UDP-Lite; type, code and id for
 * ICMP and ICMPv6; keys for GRE (0 unless the flow is PPTP-tracked).
 */
export interface Tuple {
  readonly src: string
  readonly dst: string
  readonly sport?: number
  readonly dport?: number
  readonly icmpType?: number
  readonly icmpCode?: number
  readonly icmpId?: number
  /** GRE: the 16-bit call-id keys `conntrack -L` prints as `srckey=0x… dstkey=0x…`. */
  readonly srcKey?: number
  readonly dstKey?: number
}

/** TCP conntrack states, as `conntrack -L` prints them. */
export type TcpCtState =
  | 'NONE'
  | 'SYN_SENT'
  | 'SYN_RECV'
  | 'ESTABLISHED'
  | 'FIN_WAIT'
  | 'CLOSE_WAIT'
  | 'LAST_ACK'
  | 'TIME_WAIT'
  | 'CLOSE'
  | 'SYN_SENT2'

/** SCTP conntrack states, with the names libnetfilter_conntrack 1.0.9 prints. */
export type SctpCtState =
  | 'NONE'
  | 'CLOSED'
  | 'COOKIE_WAIT'
  | 'COOKIE_ECHOED'
  | 'ESTABLISHED'
  | 'SHUTDOWN_SENT'
  | 'SHUTDOWN_RECD'
  | 'SHUTDOWN_ACK_SENT'
  | 'HEARTBEAT_SENT'
  | 'HEARTBEAT_ACKED'

/** DCCP conntrack states, with the names libnetfilter_conntrack 1.0.9 prints. */
export type DccpCtState =
  | 'NONE'
  | 'REQUEST'
  | 'RESPOND'
  | 'PARTOPEN'
  | 'OPEN'
  | 'CLOSEREQ'
  | 'CLOSING'
  | 'TIMEWAIT'
  | 'IGNORE'
  | 'INVALID'

/** Status bits the tools print (`[UNREPLIED]`, `[ASSURED]`) or the engine needs. */
export interface CtStatus {
  /** IPS_SEEN_REPLY: a packet has been seen in the reply direction. */
  readonly seenReply: boolean
  /** IPS_ASSURED: set when the connection is established enough not to be early-dropped. */
  readonly assured: boolean
  /** IPS_CONFIRMED: the entry is in the table (always true for listed entries). */
  readonly confirmed: boolean
  /** IPS_SRC_NAT / IPS_DST_NAT: a source/destination NAT is bound. */
  readonly srcNat: boolean
  readonly dstNat: boolean
  /** IPS_OFFLOAD: the flow is in a flowtable (`[OFFLOAD]` replaces `[ASSURED]` in listings). */
  readonly offload?: boolean
  /** IPS_HW_OFFLOAD: offloaded to hardware (`[HW_OFFLOAD]`, printed in preference to both). */
  readonly hwOffload?: boolean
}

/** Per-direction accounting, listed when `net.netfilter.nf_conntrack_acct=1`. */
export interface CtCounters {
  readonly packets: bigint
  readonly bytes: bigint
}

export interface ConntrackEntry {
  /** `ipv4` or `ipv6`. */
  readonly l3: 'ipv4' | 'ipv6'
  /** IP protocol number. */
  readonly proto: number
  /** Seconds left. */
  readonly timeout: number
  readonly tcpState?: TcpCtState
  readonly sctpState?: SctpCtState
  readonly dccpState?: DccpCtState
  readonly orig: Tuple
  readonly reply: Tuple
  readonly status: CtStatus
  readonly mark: number
  /** `zone=`: the zone of both directions (CT --zone). */
  readonly zone?: number
  /** `zone-orig=` / `zone-reply=`: a zone that applies to one direction only (CT --zone-orig). */
  readonly origZone?: number
  readonly replyZone?: number
  /** `packets= bytes=` after each tuple, present when accounting is on. */
  readonly counters?: { readonly orig: CtCounters; readonly reply: CtCounters }
  readonly use: number
  /**
   * Anything else `conntrack -L` printed that kpath keeps verbatim, one `key=value` (or
   * `[key=value]`) item each: `secmark=`, `secctx=`, `delta-time=`, `[start=…]`, `[stop=…]`,
   * `helper=`, `id=`, `labels=`. The printer puts each back in the slot its key belongs to.
   */
  readonly extra?: readonly string[]
}
