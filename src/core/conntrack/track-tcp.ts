/**
 * @module core/conntrack/track-tcp
 * The TCP tracker (nf_conntrack_tcp_packet): the state table plus the kernel's rules around it.
 *
 * Modelled: flag validity, starting a connection (SYN, or an ACK when tcp_loose), the state
 * table, ignored segments and the SYN/ACK that resynchronises after an ignored SYN, reopening
 * from TIME_WAIT/CLOSE, simultaneous open, the RFC 5961 challenge ACK in LAST_ACK, an RST that
 * kills a connection that never saw a reply, ASSURED, and the state timeouts.
 *
 * With sequence numbers ({@link TcpSeqInfo} on the packet) the window is tracked too
 * (tcp-window.ts, tcp-window-track.ts): out-of-window segments are INVALID or ignored,
 * `tcp_be_liberal` and `tcp_ignore_invalid_rst` relax the checks, and the `unacknowledged`
 * and `max_retrans` timeouts apply. A segment without sequence numbers is taken as in window.
 */
import type { TcpFlag, TcpSeqInfo } from '../model/packet.js'
import type { Conn, CtDir } from './conn.js'
import { memoryOf, resetTcpMemory, type TcpMemory } from './memory.js'
import type { TcpCtState } from './model.js'
import {
  newTcpState,
  nextTcpState,
  type TcpFlagIndex,
  tcpFlagIndex,
  tcpFlagsValid,
  tcpStateRank,
} from './tcp-state.js'
import { tcpInWindow, windowNew } from './tcp-window.js'
import {
  acksIgnoredSyn,
  handleInvalid,
  noteIgnoredSegment,
  resyncWindow,
  rstVerdict,
  windowTimeout,
} from './tcp-window-track.js'
import type { ConntrackTimeouts } from './timeouts.js'

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
  /** nf_conntrack_tcp_be_liberal (default off). */
  readonly beLiberal?: boolean
  /** nf_conntrack_tcp_ignore_invalid_rst (default off). */
  readonly ignoreInvalidRst?: boolean
  /** nf_conntrack_tcp_max_retrans (default 3). */
  readonly maxRetrans?: number
}

/** tcp_new: may a segment with no connection start one? Resets the TCP notes if so. */
function startTcp(
  conn: Conn,
  flags: readonly TcpFlag[],
  loose: boolean,
  seg: TcpSeqInfo | undefined,
): boolean {
  const state = newTcpState(flags, loose)
  if (state === 'INVALID') {
    refuse(
      conn,
      tcpFlagsValid(flags)
        ? `${flagText(flags)} cannot start a connection`
        : `invalid TCP flag combination ${flagText(flags)}`,
    )
    return false
  }
  resetTcpMemory(conn)
  conn.tcpState = 'NONE'
  if (seg !== undefined) windowNew(memoryOf(conn).tcp.window, seg, flags, state === 'SYN_SENT')
  return true
}

function flagText(flags: readonly TcpFlag[]): string {
  return flags.length === 0 ? 'a segment without flags' : flags.join('/')
}

/** Note why the packet is INVALID (what nf_conntrack_log_invalid would log). */
function refuse(conn: Conn, reason: string): 'invalid' {
  memoryOf(conn).invalidReason = reason
  return 'invalid'
}

/**
 * Run one TCP segment through the tracker. `conn.status.seenReply` must still be the value
 * from before this packet (the caller sets it afterwards, as nf_conntrack_in does). With
 * `seg`, the segment's sequence numbers are checked against the window.
 */
export function trackTcp(
  conn: Conn,
  dir: CtDir,
  flags: readonly TcpFlag[],
  opts: TcpTrackOptions,
  seg?: TcpSeqInfo,
): TrackVerdict {
  if (!conn.status.confirmed && !startTcp(conn, flags, opts.loose, seg)) return 'invalid'
  const mem = memoryOf(conn).tcp
  const index = tcpFlagIndex(flags)
  let old: TcpCtState = conn.tcpState ?? 'NONE'
  let next = nextTcpState(old, dir, flags)
  if (next === 'INVALID') {
    const why = tcpFlagsValid(flags)
      ? `${flagText(flags)} in the ${dir} direction is invalid in state ${old}`
      : `invalid TCP flag combination ${flagText(flags)}`
    return refuse(conn, why)
  }
  if (next === 'SYN_SENT' && tcpStateRank(old) >= tcpStateRank('TIME_WAIT')) {
    // A SYN on a closed or aborted connection: delete it and start over (RFC 1122 4.2.2.13).
    if (mem.closeInit || (mem.lastDir === dir && mem.lastIndex === 'RST')) return 'reopen'
    next = 'IGNORE'
  }
  if (next === 'IGNORE') {
    if (!resyncAfterIgnoredSyn(index, dir, mem) || !acksIgnoredSyn(mem, seg)) {
      noteIgnoredSegment(mem, dir, index, old, flags, seg)
      return noteIgnored(conn, dir, index, old)
    }
    if (seg !== undefined) resyncWindow(mem, dir)
    old = 'SYN_SENT'
    next = 'SYN_RECV'
  } else if (isChallengeAck(old, next, index, dir, mem)) {
    mem.challengeAck = false
    return 'ignore'
  } else next = simultaneousOpen(next, dir, index, mem)
  const step: Step = { dir, index, old, next, rst: flags.includes('RST'), seg }
  const checked = seg === undefined ? 'in-window' : windowCheck(conn, mem, step, flags, opts)
  if (checked !== 'in-window') return checked
  return commit(conn, step, opts)
}

/** The RST checks and tcp_in_window for a segment with sequence numbers. */
function windowCheck(
  conn: Conn,
  mem: TcpMemory,
  step: Step & { next: TcpCtState },
  flags: readonly TcpFlag[],
  opts: TcpTrackOptions,
): TrackVerdict | 'in-window' {
  const seg = step.seg
  if (seg === undefined) return 'in-window'
  if (step.next === 'CLOSE' && step.index === 'RST') {
    const r = rstVerdict(conn, mem, step.dir, seg, opts.ignoreInvalidRst === true)
    if (r === 'invalid')
      return refuse(conn, 'invalid RST: its sequence number is before what the peer acknowledged')
    if (r === 'skip') return 'in-window'
    if (r === 'keep') step.next = step.old
  }
  const res = tcpInWindow(
    mem.window,
    mem.lastDir,
    step.dir,
    conn.tcpState ?? 'NONE',
    step.index,
    flags,
    seg,
    {
      beLiberal: opts.beLiberal === true,
      ignoreInvalidRst: opts.ignoreInvalidRst === true,
    },
  )
  if (res.action === 'accept') return 'in-window'
  if (res.action === 'ignore') return 'ignore'
  handleInvalid(conn, mem, step.dir, step.index, opts.timeouts)
  return refuse(conn, res.reason ?? 'out of window')
}

/**
 * A SYN/ACK answering a SYN that was ignored earlier means both ends are in sync and the
 * firewall is not: resynchronise as if the SYN had opened the connection. (It must also
 * acknowledge that SYN: `acksIgnoredSyn`, when the segment has sequence numbers.)
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
  /** Changed only by the RST check (an established connection kept for a challenge ACK). */
  next: TcpCtState
  readonly rst: boolean
  readonly seg: TcpSeqInfo | undefined
}

/** The in-window tail of tcp_packet: new state, close notes, timeout, kill and ASSURED. */
function commit(conn: Conn, s: Step, opts: TcpTrackOptions): TrackVerdict {
  const mem = memoryOf(conn).tcp
  mem.lastIndex = s.index
  mem.lastDir = s.dir
  conn.tcpState = s.next
  if (s.old !== s.next && s.next === 'FIN_WAIT') mem.closeInit = true
  const t = opts.timeouts
  let timeout = windowTimeout(mem, s.next, s.index, t, opts.maxRetrans ?? 3, s.seg)
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
