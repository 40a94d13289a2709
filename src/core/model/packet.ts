/**
 * @module core/model/packet
 * A packet as netfilter sees it: the IP and transport headers the matches read, plus the
 * per-skb metadata the kernel carries along (mark, interfaces, bridge ports).
 */
import type { Family } from '../net/ip.js'

/** IP protocol numbers kpath models end to end. */
export const PROTO = { icmp: 1, tcp: 6, udp: 17, icmpv6: 58, sctp: 132 } as const

export type ProtoName = keyof typeof PROTO

/** The TCP flag names iptables uses, in the order of `--tcp-flags` masks. */
export const TCP_FLAG_NAMES = ['FIN', 'SYN', 'RST', 'PSH', 'ACK', 'URG', 'ECE', 'CWR'] as const
export type TcpFlag = (typeof TCP_FLAG_NAMES)[number]

/**
 * SCTP chunk types by the names the kernel gives them (SCTP_CID_* in include/linux/sctp.h, the
 * names nf_conntrack_proto_sctp's state table uses), with their type numbers (RFC 9260 3.2,
 * RFC 4895 AUTH, RFC 5061 ASCONF, RFC 3758 FORWARD TSN, RFC 6525 RE-CONFIG, RFC 8260 I-DATA).
 */
export const SCTP_CHUNK_TYPES = {
  DATA: 0,
  INIT: 1,
  INIT_ACK: 2,
  SACK: 3,
  HEARTBEAT: 4,
  HEARTBEAT_ACK: 5,
  ABORT: 6,
  SHUTDOWN: 7,
  SHUTDOWN_ACK: 8,
  ERROR: 9,
  COOKIE_ECHO: 10,
  COOKIE_ACK: 11,
  ECN_ECNE: 12,
  ECN_CWR: 13,
  SHUTDOWN_COMPLETE: 14,
  AUTH: 0x0f,
  I_DATA: 0x40,
  ASCONF_ACK: 0x80,
  RECONF: 0x82,
  PAD: 0x84,
  FWD_TSN: 0xc0,
  ASCONF: 0xc1,
  I_FWD_TSN: 0xc2,
} as const
export type SctpChunk = keyof typeof SCTP_CHUNK_TYPES

/**
 * A TCP segment's sequence space, what conntrack's window tracking reads (tcp_in_window):
 * numbers are unsigned 32-bit and wrap. A packet without it is taken as in window.
 */
export interface TcpSeqInfo {
  readonly seq: number
  /** The acknowledgement number (read only when the segment has ACK). */
  readonly ack: number
  /** The raw 16-bit window field, before any window scaling. */
  readonly window: number
  /** Bytes of payload (SYN and FIN count one more each in the sequence space). */
  readonly payload: number
  /** The window scale option (RFC 7323), on a SYN or SYN/ACK. */
  readonly wscale?: number
  /** The SACK-permitted option, on a SYN or SYN/ACK. */
  readonly sackPerm?: boolean
  /** Right edges of the SACK blocks this segment carries. */
  readonly sackEdges?: readonly number[]
}

export interface Packet {
  readonly family: Family
  /** Source and destination addresses in canonical text form. */
  readonly src: string
  readonly dst: string
  /** IP protocol number (6 tcp, 17 udp, 1 icmp, 58 icmpv6, 132 sctp, …). */
  readonly proto: number
  readonly sport?: number
  readonly dport?: number
  /** TCP flags set in this segment. */
  readonly tcpFlags?: readonly TcpFlag[]
  /** TCP sequence and window fields; without them conntrack skips its window checks. */
  readonly tcpSeq?: TcpSeqInfo
  /**
   * SCTP: the chunks this packet bundles, in wire order (conntrack reads every one). Without it
   * a packet counts as a lone INIT when it would start a connection and as a lone DATA chunk
   * otherwise: the opening and the bulk of an association. Verification tags are not carried.
   */
  readonly sctpChunks?: readonly SctpChunk[]
  /** ICMP type, code and echo identifier. */
  readonly icmpType?: number
  readonly icmpCode?: number
  readonly icmpId?: number
  /**
   * For an ICMP error: the header of the packet it quotes (used for conntrack RELATED and to
   * un-NAT the quoted header, as the kernel does).
   */
  readonly inner?: Packet
  readonly ttl: number
  /** Total IP length in bytes. */
  readonly length: number
  readonly tos?: number
  /** Don't Fragment. */
  readonly df?: boolean
  /** A non-first fragment (what `-f` matches). */
  readonly fragment?: boolean
  /** skb->mark. */
  readonly mark: number
  /** Input and output interface names, as netfilter sees them at the current hook. */
  readonly inIface?: string
  readonly outIface?: string
  /** Bridge ports (physdev) when the packet is being bridged with br_netfilter. */
  readonly physIn?: string
  readonly physOut?: string
  readonly bridged?: boolean
  /** Socket owner for locally generated packets (`-m owner`). */
  readonly uid?: number
  readonly gid?: number
}

/** A packet with some fields changed; packets are immutable values. */
export function withPacket(p: Packet, change: Partial<Packet>): Packet {
  // V8 (Node 20) copies `{ ...p, ...change }` quickly only when every key of `change` is
  // already one of `p`'s; a new key (IPVS resending with `physIn: undefined`, a first
  // `outIface`) takes a slow path of 1–3 µs, a twentieth of a whole trace. Object.assign onto
  // a fresh object stays near 0.2 µs either way, and gives the same own keys in the same order.
  for (const k in change) if (!(k in p)) return Object.assign({}, p, change)
  return { ...p, ...change }
}

export function protoName(n: number): string {
  for (const [name, num] of Object.entries(PROTO)) if (num === n) return name
  return String(n)
}

export function hasPorts(proto: number): boolean {
  return proto === PROTO.tcp || proto === PROTO.udp || proto === PROTO.sctp || proto === 136
}
