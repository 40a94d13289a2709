/**
 * @module core/conntrack/track
 * The per-protocol trackers behind nf_conntrack_handle_packet: TCP (track-tcp.ts), SCTP
 * (track-sctp.ts), UDP and UDP-Lite, ICMP and ICMPv6, GRE and the generic tracker. Each
 * refreshes the timeout and sets ASSURED the way its kernel counterpart does. DCCP needs
 * packet types a {@link Packet} does not carry, so it is refused loudly rather than tracked
 * wrongly.
 */
import { KpathError, unsupported } from '../errors.js'
import { type Packet, PROTO } from '../model/packet.js'
import type { Conn, CtDir } from './conn.js'
import { memoryOf } from './memory.js'
import type { ConntrackTimeouts } from './timeouts.js'
import { sctpChunksOf, trackSctp } from './track-sctp.js'
import { type TrackVerdict, trackTcp } from './track-tcp.js'
import { PROTO_DCCP, PROTO_GRE, PROTO_UDPLITE } from './tuple.js'

export interface TrackContext {
  readonly timeouts: ConntrackTimeouts
  readonly loose: boolean
  /** The TCP window switches (tcp-window.ts); off by default, as in the kernel. */
  readonly beLiberal?: boolean
  readonly ignoreInvalidRst?: boolean
  readonly maxRetrans?: number
  /** Table clock, seconds. */
  readonly now: number
}

/** ICMP query types that may start a connection (valid_new in the kernel). */
const ICMP_VALID_NEW: ReadonlySet<number> = new Set([8, 13, 15, 17])
const ICMPV6_VALID_NEW: ReadonlySet<number> = new Set([128, 139])

/** UDP: a reply seen and traffic still flowing more than 2 s after creation is a stream. */
const UDP_STREAM_AFTER = 2

export function trackPacket(conn: Conn, dir: CtDir, pkt: Packet, ctx: TrackContext): TrackVerdict {
  switch (conn.proto) {
    case PROTO.tcp:
      if (pkt.tcpFlags === undefined) throw missingFlags()
      return trackTcp(conn, dir, pkt.tcpFlags, ctx, pkt.tcpSeq)
    case PROTO.udp:
      return trackUdp(conn, ctx)
    case PROTO_UDPLITE:
      return trackUdpLite(conn, ctx)
    case PROTO.icmp:
    case PROTO.icmpv6:
      return trackIcmp(conn, ctx)
    case PROTO_GRE:
      return trackGre(conn, ctx)
    case PROTO.sctp:
      return trackSctp(conn, dir, sctpChunksOf(conn, pkt.sctpChunks), ctx.timeouts)
    case PROTO_DCCP:
      throw unsupported(
        'conntrack of protocol dccp is not modelled',
        undefined,
        'its state machine needs packet types that kpath packets do not carry',
      )
    default:
      conn.timeout = ctx.timeouts.generic
      return 'accept'
  }
}

function missingFlags(): KpathError {
  return new KpathError(
    'KPATH_INVALID_ARGUMENT',
    'a TCP packet without tcpFlags cannot be tracked',
    {
      hint: 'set tcpFlags on the packet (e.g. ["SYN"]); an empty list is a segment with no flags',
    },
  )
}

/** nf_conntrack_udp_packet. */
function trackUdp(conn: Conn, ctx: TrackContext): TrackVerdict {
  const mem = memoryOf(conn)
  if (!conn.status.confirmed) mem.createdAt = ctx.now
  if (!conn.status.seenReply) {
    conn.timeout = ctx.timeouts.udp
    return 'accept'
  }
  const stream = ctx.now > mem.createdAt + UDP_STREAM_AFTER
  conn.timeout = stream ? ctx.timeouts.udpStream : ctx.timeouts.udp
  if (stream) conn.status.assured = true
  return 'accept'
}

/** nf_conntrack_udplite_packet: any packet after a reply makes it a stream at once. */
function trackUdpLite(conn: Conn, ctx: TrackContext): TrackVerdict {
  if (conn.status.seenReply) {
    conn.timeout = ctx.timeouts.udpStream
    conn.status.assured = true
  } else conn.timeout = ctx.timeouts.udp
  return 'accept'
}

/**
 * nf_conntrack_icmp(v6)_packet: only a query may create the connection; every packet
 * refreshes the timeout. ICMP never becomes ASSURED. (IPv4 checks the type on every packet,
 * IPv6 only for a new connection; a confirmed connection always has a query type anyway.)
 */
function trackIcmp(conn: Conn, ctx: TrackContext): TrackVerdict {
  const v4 = conn.proto === PROTO.icmp
  const valid = v4 ? ICMP_VALID_NEW : ICMPV6_VALID_NEW
  if (!valid.has(conn.orig.icmpType ?? -1)) return 'invalid'
  conn.timeout = v4 ? ctx.timeouts.icmp : ctx.timeouts.icmpv6
  return 'accept'
}

/** nf_conntrack_gre_packet: a packet after the reply makes it a stream and ASSURED. */
function trackGre(conn: Conn, ctx: TrackContext): TrackVerdict {
  if (conn.status.seenReply) {
    conn.timeout = ctx.timeouts.greStream
    conn.status.assured = true
  } else conn.timeout = ctx.timeouts.gre
  return 'accept'
}
