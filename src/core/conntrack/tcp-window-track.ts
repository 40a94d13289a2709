/**
 * @module core/conntrack/tcp-window-track
 * Where nf_conntrack_tcp_packet uses sequence numbers outside tcp_in_window (tcp-window.ts):
 * the notes it keeps about an ignored segment and the SYN/ACK that resynchronises after one,
 * the checks on an RST (td_maxack, `nf_conntrack_tcp_ignore_invalid_rst`), the shorter
 * timeout of an assured connection after an out-of-window FIN or RST (nf_tcp_handle_invalid),
 * and the timeouts window tracking selects (retransmissions, unacknowledged data, a zero
 * window). Every function here is a no-op for a segment without {@link TcpSeqInfo}.
 */
import type { TcpFlag, TcpSeqInfo } from '../model/packet.js'
import type { Conn, CtDir } from './conn.js'
import type { TcpMemory } from './memory.js'
import type { TcpCtState } from './model.js'
import type { TcpFlagIndex } from './tcp-state.js'
import { segmentEnd } from './tcp-window.js'
import { type ConntrackTimeouts, tcpStateTimeout } from './timeouts.js'

const other = (dir: CtDir): CtDir => (dir === 'original' ? 'reply' : 'original')
const isBefore = (a: number, b: number) => ((a >>> 0) - (b >>> 0)) | 0

/** The sequence fields of an ignored segment, kept in case the peer answers it. */
export function noteIgnoredSegment(
  mem: TcpMemory,
  dir: CtDir,
  index: TcpFlagIndex,
  old: TcpCtState,
  flags: readonly TcpFlag[],
  seg: TcpSeqInfo | undefined,
): void {
  if (seg === undefined) return
  const w = mem.window
  w.lastSeq = seg.seq >>> 0
  w.lastEnd = segmentEnd(seg, flags)
  w.lastWin = seg.window
  if (index === 'SYN' && dir === 'original') {
    // The options of a SYN the firewall may have to adopt when its SYN/ACK comes.
    w.lastWscale = seg.wscale === undefined ? 0 : Math.min(seg.wscale, 14)
    w.lastWindowScale = seg.wscale !== undefined
    w.lastSackPerm = seg.sackPerm === true
  }
  // Perhaps a challenge ACK answering the SYN (RFC 5961): its RST may follow.
  if (old === 'SYN_SENT' && index === 'ACK' && dir === 'reply') w.lastAck = seg.ack >>> 0
}

/** Does this SYN/ACK acknowledge the SYN ignored earlier (ack == last_end)? */
export function acksIgnoredSyn(mem: TcpMemory, seg: TcpSeqInfo | undefined): boolean {
  return seg === undefined || seg.ack >>> 0 === mem.window.lastEnd
}

/**
 * Both ends are in sync and the firewall is not: adopt the ignored SYN's direction from the
 * notes and start this direction afresh (nf_ct_tcp_state_reset keeps only BE_LIBERAL).
 */
export function resyncWindow(mem: TcpMemory, dir: CtDir): void {
  const w = mem.window
  const syn = w.seen[mem.lastDir]
  syn.end = w.lastEnd
  syn.maxend = w.lastEnd
  syn.maxwin = w.lastWin === 0 ? 1 : w.lastWin
  syn.scale = w.lastWscale
  syn.windowScale = w.lastWindowScale
  syn.sackPerm = w.lastSackPerm
  syn.beLiberal = false
  syn.maxackSet = false
  syn.dataUnacked = false
  const d = w.seen[dir]
  Object.assign(d, { end: 0, maxend: 0, maxwin: 0, maxack: 0, scale: 0 })
  Object.assign(d, { windowScale: false, sackPerm: false, maxackSet: false, dataUnacked: false })
}

/** tcp_can_early_drop: states in which the tuple may already have been reused. */
const CLOSING: ReadonlySet<TcpCtState> = new Set([
  'FIN_WAIT',
  'LAST_ACK',
  'TIME_WAIT',
  'CLOSE',
  'CLOSE_WAIT',
])

/**
 * The RST part of nf_conntrack_tcp_packet (new state CLOSE, index RST):
 * - `invalid`: its sequence number lies before what the peer already acknowledged;
 * - `keep`: an established connection stays established (a challenge ACK may follow);
 * - `skip`: accepted without the window check (it answers a segment we let through);
 * - `check`: on to tcp_in_window.
 */
export function rstVerdict(
  conn: Conn,
  mem: TcpMemory,
  dir: CtDir,
  seg: TcpSeqInfo,
  ignoreInvalidRst: boolean,
): 'invalid' | 'keep' | 'skip' | 'check' {
  const old = conn.tcpState ?? 'NONE'
  if (CLOSING.has(old)) return 'skip'
  const peer = mem.window.seen[other(dir)]
  const seq = seg.seq >>> 0
  const established = old === 'ESTABLISHED' && conn.status.assured
  if (peer.maxackSet && mem.lastIndex !== 'SYN') {
    const settled = seq === 0 && !established
    if (!settled) {
      if (isBefore(seq, peer.maxack) < 0 && !ignoreInvalidRst) return 'invalid'
      const exact = !established || seq === peer.maxack
      const train = mem.lastIndex === 'ACK' && mem.lastDir === dir && seq === mem.window.lastEnd
      if (!exact && !train) return 'keep'
    }
  }
  if (answersLetThrough(conn, mem, seg)) return 'skip'
  return 'check'
}

/** An RST answering an invalid SYN or ACK we let through, or a challenge ACK. */
function answersLetThrough(conn: Conn, mem: TcpMemory, seg: TcpSeqInfo): boolean {
  const w = mem.window
  const ackOfIgnored =
    ((conn.status.seenReply && mem.lastIndex === 'SYN') ||
      (!conn.status.assured && mem.lastIndex === 'ACK')) &&
    seg.ack >>> 0 === w.lastEnd
  const challenge =
    conn.tcpState === 'SYN_SENT' &&
    mem.lastIndex === 'ACK' &&
    mem.lastDir === 'reply' &&
    seg.seq >>> 0 === w.lastAck
  return ackOfIgnored || challenge
}

/**
 * nf_tcp_handle_invalid: an assured connection that sees an out-of-window FIN or RST after one
 * the other way is probably dead: its timeout drops to the unacknowledged one.
 */
export function handleInvalid(
  conn: Conn,
  mem: TcpMemory,
  dir: CtDir,
  index: TcpFlagIndex,
  t: ConntrackTimeouts,
): void {
  if (!conn.status.assured || (index !== 'RST' && index !== 'FIN')) return
  if (mem.lastDir !== dir && (mem.lastIndex === 'FIN' || mem.lastIndex === 'RST')) {
    if (conn.timeout < 120) return
    if (conn.timeout > t.tcpUnacknowledged) conn.timeout = t.tcpUnacknowledged
  } else {
    mem.lastIndex = index
    mem.lastDir = dir
  }
}

/**
 * The timeout an in-window segment leaves: too many retransmissions, data not yet
 * acknowledged, or a zero window shorten the state's own; an RST gives CLOSE's. Without
 * sequence numbers only the last rule applies.
 */
export function windowTimeout(
  mem: TcpMemory,
  next: TcpCtState,
  index: TcpFlagIndex,
  t: ConntrackTimeouts,
  maxRetrans: number,
  seg: TcpSeqInfo | undefined,
): number {
  const own = tcpStateTimeout(t, next)
  const w = mem.window
  if (seg !== undefined && w.retrans >= maxRetrans && own > t.tcpMaxRetrans) return t.tcpMaxRetrans
  if (index === 'RST') return t.tcpClose
  if (seg === undefined) return own
  const unacked = w.seen.original.dataUnacked || w.seen.reply.dataUnacked
  if (unacked && own > t.tcpUnacknowledged) return t.tcpUnacknowledged
  if (w.lastWin === 0 && own > t.tcpMaxRetrans) return t.tcpMaxRetrans
  return own
}
