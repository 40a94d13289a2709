/**
 * @module core/conntrack/track-tcp
 * The TCP tracker (nf_conntrack_tcp_packet): the state table plus the kernel's rules around it.
 *
 * Modelled: flag validity, starting a connection (SYN, or an ACK when tcp_loose), the state
 * table, ignored segments and the SYN/ACK that resynchronises after an ignored SYN, reopening
 * from TIME_WAIT/CLOSE, simultaneous open, the RFC 5961 challenge ACK in LAST_ACK, an RST that
 * kills a connection that never saw a reply, ASSURED, and the state timeouts.
 *
 * Not modelled (a {@link Packet} has no sequence numbers or windows): tcp_in_window. Every
 * segment is taken as in window, so `tcp_be_liberal` has nothing to relax; the shorter
 * `unacknowledged` and `max_retrans` timeouts, which depend on seeing unacknowledged data or
 * retransmissions, are never chosen.
 */
import type { TcpFlag } from '../model/packet.js'
import type { Conn, CtDir } from './conn.js'
import { memoryOf, resetTcpMemory } from './memory.js'
import type { TcpCtState } from './model.js'
import {
  newTcpState,
  nextTcpState,
  type TcpFlagIndex,
  tcpFlagIndex,
  tcpStateRank,
} from './tcp-state.js'
import { type ConntrackTimeouts, tcpStateTimeout } from './timeouts.js'

/**
 * The tracker's verdict on one packet:
 * - `accept`: valid; state and timeout updated.
 * - `ignore`: valid, but the connection is left as it was (sIG and friends).
 * - `invalid`: the packet gets no connection (ctstate INVALID); the connection is untouched.
 * - `kill`: valid, but the connection is removed at once (RST before any reply).
 * - `reopen`: the connection is dead and this SYN starts a new one: look up again.
 */
export type TrackVerdict = 'accept' | 'ignore' | 'invalid' | 'kill' | 'reopen'

export interface TcpTrackOptions {
  readonly timeouts: ConntrackTimeouts
  readonly loose: boolean
}

/** tcp_new: may a segment with no connection start one? Resets the TCP notes if so. */
function startTcp(conn: Conn, flags: readonly TcpFlag[], loose: boolean): boolean {
  if (newTcpState(flags, loose) === 'INVALID') return false
  resetTcpMemory(conn)
  conn.tcpState = 'NONE'
  return true
}

/**
 * Run one TCP segment through the tracker. `conn.status.seenReply` must still be the value
 * from before this packet (the caller sets it afterwards, as nf_conntrack_in does).
 */
export function trackTcp(
  conn: Conn,
  dir: CtDir,
  flags: readonly TcpFlag[],
  opts: TcpTrackOptions,
): TrackVerdict {
  if (!conn.status.confirmed && !startTcp(conn, flags, opts.loose)) return 'invalid'
  const mem = memoryOf(conn).tcp
  const index = tcpFlagIndex(flags)
  let old: TcpCtState = conn.tcpState ?? 'NONE'
  let next = nextTcpState(old, dir, flags)
  if (next === 'INVALID') return 'invalid'
  if (next === 'SYN_SENT' && tcpStateRank(old) >= tcpStateRank('TIME_WAIT')) {
    // A SYN on a closed or aborted connection: delete it and start over (RFC 1122 4.2.2.13).
    if (mem.closeInit || (mem.lastDir === dir && mem.lastIndex === 'RST')) return 'reopen'
    next = 'IGNORE'
  }
  if (next === 'IGNORE') {
    if (!resyncAfterIgnoredSyn(index, dir, mem)) return noteIgnored(conn, dir, index, old)
    old = 'SYN_SENT'
    next = 'SYN_RECV'
  } else if (isChallengeAck(old, next, index, dir, mem)) {
    mem.challengeAck = false
    return 'ignore'
  } else next = simultaneousOpen(next, dir, index, mem)
  return commit(conn, { dir, index, old, next, rst: flags.includes('RST') }, opts)
}

/**
 * A SYN/ACK answering a SYN that was ignored earlier means both ends are in sync and the
 * firewall is not: resynchronise as if the SYN had opened the connection. (The kernel also
 * checks that the SYN/ACK acknowledges that SYN; kpath has no sequence numbers.)
 */
function resyncAfterIgnoredSyn(
  index: TcpFlagIndex,
  dir: CtDir,
  mem: { lastIndex: TcpFlagIndex; lastDir: CtDir },
): boolean {
  return index === 'SYNACK' && mem.lastIndex === 'SYN' && mem.lastDir !== dir
}

function noteIgnored(conn: Conn, dir: CtDir, index: TcpFlagIndex, old: TcpCtState): TrackVerdict {
  const mem = memoryOf(conn).tcp
  mem.lastIndex = index
  mem.lastDir = dir
  // A SYN ignored in LAST_ACK may draw an RFC 5961 challenge ACK that must not close us.
  if (index === 'SYN' && dir === 'original') mem.challengeAck = old === 'LAST_ACK'
  return 'ignore'
}

function isChallengeAck(
  old: TcpCtState,
  next: TcpCtState,
  index: TcpFlagIndex,
  dir: CtDir,
  mem: { lastIndex: TcpFlagIndex; lastDir: CtDir; challengeAck: boolean },
): boolean {
  return (
    next === 'TIME_WAIT' &&
    old === 'LAST_ACK' &&
    index === 'ACK' &&
    mem.lastDir !== dir &&
    mem.lastIndex === 'SYN' &&
    mem.challengeAck
  )
}

/** The table cannot express simultaneous open on its own; the kernel patches it up here. */
function simultaneousOpen(
  next: TcpCtState,
  dir: CtDir,
  index: TcpFlagIndex,
  mem: { simultaneousOpen: boolean },
): TcpCtState {
  if (next === 'SYN_SENT2') mem.simultaneousOpen = true
  if (next === 'SYN_RECV' && dir === 'reply' && index === 'ACK' && mem.simultaneousOpen) {
    return 'ESTABLISHED'
  }
  return next
}

interface Step {
  readonly dir: CtDir
  readonly index: TcpFlagIndex
  readonly old: TcpCtState
  readonly next: TcpCtState
  readonly rst: boolean
}

/** The in-window tail of tcp_packet: new state, close notes, timeout, kill and ASSURED. */
function commit(conn: Conn, s: Step, opts: TcpTrackOptions): TrackVerdict {
  const mem = memoryOf(conn).tcp
  mem.lastIndex = s.index
  mem.lastDir = s.dir
  conn.tcpState = s.next
  if (s.old !== s.next && s.next === 'FIN_WAIT') mem.closeInit = true
  const t = opts.timeouts
  let timeout = s.index === 'RST' ? t.tcpClose : tcpStateTimeout(t, s.next)
  if (!conn.status.seenReply) {
    // Only an RST ever came back: no connection worth keeping (the kernel kills it).
    if (s.rst) return 'kill'
    // A retransmitted SYN must not keep an unanswered entry alive forever.
    if (s.index === 'SYN' && s.old === 'SYN_SENT') return 'accept'
    // A connection picked up mid-stream gets the short timeout until it is answered.
    if (s.next === 'ESTABLISHED' && timeout > t.tcpUnacknowledged) timeout = t.tcpUnacknowledged
  } else if (
    !conn.status.assured &&
    (s.old === 'SYN_RECV' || s.old === 'ESTABLISHED') &&
    s.next === 'ESTABLISHED'
  ) {
    conn.status.assured = true
  }
  conn.timeout = timeout
  return 'accept'
}
