/**
 * @module core/conntrack/track-sctp
 * The SCTP tracker (nf_conntrack_sctp_packet, kernel 6.x): chunk checks, which packets may
 * start a connection, the state table chunk by chunk, ASSURED and the state timeouts.
 *
 * Modelled: do_basic_checks (empty packets, COOKIE_ECHO/COOKIE_ACK not first, INIT/INIT_ACK/
 * SHUTDOWN_COMPLETE bundled), the out-of-the-blue discards and sctp_new's rule that every
 * chunk of a first packet must move it out of NONE, the table (sctp-state.ts), ASSURED when a
 * chunk moves the connection into ESTABLISHED, the per-state timeouts, and the retransmitted
 * INIT on a CLOSED connection that is let through without refreshing the timeout.
 *
 * Not modelled (a {@link Packet} carries chunk types only): verification tags and the T flag,
 * so every packet is taken to carry the tag the kernel expects (RFC 9260 8.5; the kernel
 * refuses a mismatch as INVALID), including the INIT/INIT_ACK collision and the HEARTBEAT
 * re-tagging rules built on them; the CRC32c check nf_conntrack_checksum enables at
 * PREROUTING; zero-length chunks.
 */
import type { SctpChunk } from '../model/packet.js'
import type { Conn, CtDir } from './conn.js'
import type { SctpCtState } from './model.js'
import { nextSctpState, sctpCanStart, sctpChunksValid } from './sctp-state.js'
import { type ConntrackTimeouts, sctpStateTimeout } from './timeouts.js'
import type { TrackVerdict } from './track-tcp.js'

/**
 * The chunks of a packet: as given, or else the documented default of
 * {@link Packet.sctpChunks}: a lone INIT for a packet that would start a connection (the
 * connection is not confirmed yet), a lone DATA chunk on an existing one.
 */
export function sctpChunksOf(
  conn: Conn,
  chunks: readonly SctpChunk[] | undefined,
): readonly SctpChunk[] {
  return chunks ?? (conn.status.confirmed ? ['DATA'] : ['INIT'])
}

/**
 * Run one SCTP packet through the tracker. `conn.status.seenReply` must still be the value
 * from before this packet (the caller sets it afterwards, as nf_conntrack_in does).
 */
export function trackSctp(
  conn: Conn,
  dir: CtDir,
  chunks: readonly SctpChunk[],
  timeouts: ConntrackTimeouts,
): TrackVerdict {
  if (!sctpChunksValid(chunks)) return 'invalid'
  if (!conn.status.confirmed) {
    if (!sctpCanStart(chunks)) return 'invalid'
    conn.sctpState = 'NONE'
  }
  let state: SctpCtState = conn.sctpState ?? 'NONE'
  let ignore = false
  for (const chunk of chunks) {
    const old = state
    const next = nextSctpState(old, dir, chunk)
    // Like the kernel, chunks before the refused one have already moved the state.
    if (next === 'INVALID') return 'invalid'
    // A retransmitted INIT must not keep a dead entry (and its NAT binding) alive forever.
    if (chunk === 'INIT' && old === 'CLOSED' && next === 'CLOSED' && conn.status.confirmed) {
      ignore = true
    }
    state = next
    conn.sctpState = next
    if (next === 'ESTABLISHED' && old !== next) conn.status.assured = true
  }
  if (ignore) return 'ignore'
  conn.timeout = sctpStateTimeout(timeouts, state)
  return 'accept'
}
