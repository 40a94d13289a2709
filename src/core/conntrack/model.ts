/**
 * @module core/conntrack/model
 * The conntrack table of one network namespace, as `conntrack -L` shows it. Part of the
 * kernel-state contract: imported from real nodes, created and updated by the engine.
 */

/** One direction of a connection. Ports for TCP/UDP/SCTP; type, code and id for ICMP. */
export interface Tuple {
  readonly src: string
  readonly dst: string
  readonly sport?: number
  readonly dport?: number
  readonly icmpType?: number
  readonly icmpCode?: number
  readonly icmpId?: number
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
  readonly offload?: boolean
}

export interface ConntrackEntry {
  /** `ipv4` or `ipv6`. */
  readonly l3: 'ipv4' | 'ipv6'
  /** IP protocol number. */
  readonly proto: number
  /** Seconds left. */
  readonly timeout: number
  readonly tcpState?: TcpCtState
  readonly orig: Tuple
  readonly reply: Tuple
  readonly status: CtStatus
  readonly mark: number
  readonly zone?: number
  readonly use: number
  /** Anything else `conntrack -L` printed that kpath keeps verbatim (secctx=, labels=, …). */
  readonly extra?: readonly string[]
}
