/**
 * @module core/conntrack/tcp-window
 * TCP window tracking as net/netfilter/nf_conntrack_proto_tcp.c does it (kernel 6.x): per
 * direction the highest sequence end seen (td_end), the highest end the peer's window allows
 * (td_maxend), the largest window (td_maxwin), the highest ACK (td_maxack) and the window
 * scale, checked on every segment by `tcp_in_window`. A segment beyond the receiver's window,
 * or acknowledging data never sent, is INVALID unless `nf_conntrack_tcp_be_liberal` (or a
 * connection picked up mid-stream, which the kernel marks liberal) lets it pass.
 *
 * Only segments that carry {@link TcpSeqInfo} are checked; a packet without sequence numbers
 * is taken as in window and leaves this state alone. A connection created without them (or
 * read from `conntrack -L`) starts from zeroes, as one inserted with `conntrack -I` does: its
 * first segment in each direction is taken as a mid-stream pickup of that direction.
 */
import type { TcpFlag, TcpSeqInfo } from '../model/packet.js'
import type { CtDir } from './conn.js'
import type { TcpCtState } from './model.js'
import type { TcpFlagIndex } from './tcp-state.js'

/** One direction's window (struct ip_ct_tcp_state). */
export interface TcpDirWindow {
  end: number
  maxend: number
  maxwin: number
  maxack: number
  scale: number
  /** IP_CT_TCP_FLAG_WINDOW_SCALE, _SACK_PERM, _BE_LIBERAL, _MAXACK_SET, _DATA_UNACKNOWLEDGED. */
  windowScale: boolean
  sackPerm: boolean
  beLiberal: boolean
  maxackSet: boolean
  dataUnacked: boolean
}

/** What the kernel keeps in ct->proto.tcp for the window checks. */
export interface TcpWindowMemory {
  seen: Record<CtDir, TcpDirWindow>
  /** last_seq, last_ack, last_end, last_win: the last ignored or ACK-only segment. */
  lastSeq: number
  lastAck: number
  lastEnd: number
  lastWin: number
  /** last_wscale and last_flags: the options of the last ignored SYN. */
  lastWscale: number
  lastWindowScale: boolean
  lastSackPerm: boolean
  /** Identical ACK segments in a row (retransmissions). */
  retrans: number
}

/** The settings tcp_in_window and the RST check read. */
export interface WindowOptions {
  readonly beLiberal: boolean
  readonly ignoreInvalidRst: boolean
}

/** tcp_in_window's answer; `reason` is what the kernel logs with nf_conntrack_log_invalid. */
export interface WindowResult {
  readonly action: 'accept' | 'ignore' | 'invalid'
  readonly reason?: string
}

const MAX_WSCALE = 14
/** MAXACKWINCONST: how far below td_end an ACK may lag before it is ignored as stale. */
const MAX_ACK_WINDOW = 66000
const ACCEPT: WindowResult = { action: 'accept' }

function freshDir(): TcpDirWindow {
  return {
    end: 0,
    maxend: 0,
    maxwin: 0,
    maxack: 0,
    scale: 0,
    windowScale: false,
    sackPerm: false,
    beLiberal: false,
    maxackSet: false,
    dataUnacked: false,
  }
}

/** The zeroed state of tcp_new's memset (and of a `conntrack -I` entry). */
export function freshWindow(): TcpWindowMemory {
  return {
    seen: { original: freshDir(), reply: freshDir() },
    lastSeq: 0,
    lastAck: 0,
    lastEnd: 0,
    lastWin: 0,
    lastWscale: 0,
    lastWindowScale: false,
    lastSackPerm: false,
    retrans: 0,
  }
}

export function cloneWindow(w: TcpWindowMemory): TcpWindowMemory {
  return { ...w, seen: { original: { ...w.seen.original }, reply: { ...w.seen.reply } } }
}

const u32 = (x: number) => x >>> 0
/** The kernel's before()/after(): sequence comparison modulo 2^32. */
const before = (a: number, b: number) => (u32(a) - u32(b)) | 0
const isBefore = (a: number, b: number) => before(a, b) < 0
const isAfter = (a: number, b: number) => before(b, a) < 0
const other = (dir: CtDir): CtDir => (dir === 'original' ? 'reply' : 'original')

/** segment_seq_plus_len: the sequence number just past this segment (SYN and FIN count one). */
export function segmentEnd(seg: TcpSeqInfo, flags: readonly TcpFlag[]): number {
  const syn = flags.includes('SYN') ? 1 : 0
  const fin = flags.includes('FIN') ? 1 : 0
  return u32(seg.seq + seg.payload + syn + fin)
}

/** tcp_options: window scale and SACK-permitted of a SYN; the BE_LIBERAL flag survives. */
function readOptions(seg: TcpSeqInfo, d: TcpDirWindow): void {
  d.scale = 0
  d.windowScale = false
  d.sackPerm = false
  d.maxackSet = false
  d.dataUnacked = false
  if (seg.sackPerm === true) d.sackPerm = true
  if (seg.wscale !== undefined) {
    d.scale = Math.min(seg.wscale, MAX_WSCALE)
    d.windowScale = true
  }
}

/** tcp_new's window part: a SYN opens the original direction, an ACK picks it up liberally. */
export function windowNew(
  w: TcpWindowMemory,
  seg: TcpSeqInfo,
  flags: readonly TcpFlag[],
  syn: boolean,
): void {
  const d = w.seen.original
  d.end = segmentEnd(seg, flags)
  d.maxwin = seg.window === 0 ? 1 : seg.window
  if (syn) {
    d.maxend = d.end
    readOptions(seg, d)
    return
  }
  // Mid-stream pickup: the history is lost, so assume SACK and check windows liberally.
  d.maxend = u32(d.end + d.maxwin)
  for (const x of [w.seen.original, w.seen.reply]) {
    x.sackPerm = true
    x.beLiberal = true
  }
}

/** tcp_init_sender: a SYN/ACK (or a SYN in simultaneous open) sets up its direction. */
function initSender(
  sender: TcpDirWindow,
  receiver: TcpDirWindow,
  seg: TcpSeqInfo,
  end: number,
  dir: CtDir,
): void {
  sender.end = end
  sender.maxend = end
  sender.maxwin = seg.window === 0 ? 1 : seg.window
  readOptions(seg, sender)
  // RFC 7323: scaling is on only if both ends sent the option.
  if (dir === 'reply' && !(sender.windowScale && receiver.windowScale)) {
    sender.scale = 0
    receiver.scale = 0
  }
}

/** The highest right edge of the SACK blocks (tcp_sack), when the receiver allowed SACK. */
function sackOf(seg: TcpSeqInfo, ack: number, receiver: TcpDirWindow): number {
  let sack = ack
  if (receiver.sackPerm)
    for (const edge of seg.sackEdges ?? []) if (isAfter(edge, sack)) sack = u32(edge)
  return sack
}

interface Segment {
  readonly seq: number
  readonly ack: number
  readonly sack: number
  readonly end: number
}

/** The sender's data when it has sent nothing we saw yet (td_maxwin == 0), or a new SYN. */
function initSenderIfNeeded(
  w: TcpWindowMemory,
  dir: CtDir,
  state: TcpCtState,
  flags: readonly TcpFlag[],
  seg: TcpSeqInfo,
  s: Segment,
): WindowResult | undefined {
  const sender = w.seen[dir]
  const receiver = w.seen[other(dir)]
  const syn = flags.includes('SYN')
  const ack = flags.includes('ACK')
  if (sender.maxwin === 0) {
    if (syn) {
      initSender(sender, receiver, seg, s.end, dir)
      // Simultaneous open: a SYN without ACK from the other side.
      return ack ? undefined : ACCEPT
    }
    // Picked up in the middle: take what this segment says.
    sender.end = s.end
    const swin = u32(seg.window * 2 ** sender.scale)
    sender.maxwin = swin === 0 ? 1 : swin
    sender.maxend = u32(s.end + sender.maxwin)
    if (receiver.maxwin === 0) {
      // Nothing seen the other way: let the ACK checks pass until something is.
      receiver.end = s.sack
      receiver.maxend = s.sack
    } else if (s.sack === u32(receiver.end + 1)) {
      // Most likely the answer to a keepalive.
      receiver.end = u32(receiver.end + 1)
    }
    return undefined
  }
  if (syn && isAfter(s.end, sender.end) && (state === 'SYN_SENT' || state === 'SYN_RECV')) {
    // RFC 793: a reinitialised TCP picks higher sequence numbers; start this side again.
    initSender(sender, receiver, seg, s.end, dir)
    if (dir === 'reply' && !ack) return ACCEPT
  }
  return undefined
}

/** nf_tcp_log_invalid: liberal connections accept what would be logged. */
function refuse(
  sender: TcpDirWindow,
  o: WindowOptions,
  action: 'ignore' | 'invalid',
  reason: string,
): WindowResult {
  return sender.beLiberal || o.beLiberal ? ACCEPT : { action, reason }
}

/**
 * tcp_in_window: the four bounds (seq ≤ sender.td_maxend; seq+len ≥ sender.td_end −
 * receiver.td_maxwin; sack ≤ receiver.td_end; sack ≥ receiver.td_end − MAXACKWINDOW), then
 * the updates. `state` is the connection's stored state (ct->proto.tcp.state); `lastDir` the
 * direction of the last segment the tracker noted (the retransmission check compares it).
 */
export function tcpInWindow(
  w: TcpWindowMemory,
  lastDir: CtDir,
  dir: CtDir,
  state: TcpCtState,
  index: TcpFlagIndex,
  flags: readonly TcpFlag[],
  seg: TcpSeqInfo,
  o: WindowOptions,
): WindowResult {
  const sender = w.seen[dir]
  const receiver = w.seen[other(dir)]
  const ackFlag = flags.includes('ACK')
  const rst = flags.includes('RST')
  const end0 = segmentEnd(seg, flags)
  const ack0 = u32(seg.ack)
  const first = initSenderIfNeeded(w, dir, state, flags, seg, {
    seq: seg.seq,
    ack: ack0,
    sack: sackOf(seg, ack0, receiver),
    end: end0,
  })
  if (first !== undefined) return first
  let ack = ack0
  let sack = sackOf(seg, ack0, receiver)
  // No ACK (or a broken stack's RST+ACK with ack 0): pretend it acknowledges everything.
  if (!ackFlag || (rst && ack === 0)) {
    ack = receiver.end
    sack = receiver.end
  }
  let seq = u32(seg.seq)
  let end = end0
  // An RST answering a SYN may carry sequence number 0.
  if (rst && seq === 0 && state === 'SYN_SENT') {
    seq = sender.end
    end = sender.end
  }
  const ackLow = u32(receiver.end - Math.max(sender.maxwin, MAX_ACK_WINDOW) - 1)
  if (!isBefore(seq, u32(sender.maxend + 1))) return overUpperBound(w, dir, sack, end, o)
  if (!isBefore(sack, u32(receiver.end + 1)))
    return refuse(
      sender,
      o,
      'invalid',
      `ACK is over upper bound ${u32(receiver.end + 1)} (ACKed data not seen yet)`,
    )
  const low = u32(sender.end - receiver.maxwin - 1)
  if (receiver.maxwin !== 0 && !isAfter(end, low))
    return refuse(
      sender,
      o,
      'ignore',
      `SEQ is under lower bound ${low} (already ACKed data retransmitted)`,
    )
  if (!isAfter(sack, ackLow))
    return refuse(
      sender,
      o,
      'ignore',
      `ignored ACK under lower bound ${ackLow} (possible overly delayed)`,
    )
  update(w, dir, flags, { seq, ack, sack, end }, seg)
  if (index === 'ACK') noteRetransmission(w, lastDir, dir, { seq, ack, sack, end }, seg.window)
  return ACCEPT
}

/**
 * A segment starting beyond what the receiver's window allows. Within one window of it and
 * otherwise sane, it is a TCP sending more than allowed: ignored, but its end is remembered so
 * the ACK for it is not refused later. Anything else is INVALID.
 */
function overUpperBound(
  w: TcpWindowMemory,
  dir: CtDir,
  sack: number,
  end: number,
  o: WindowOptions,
): WindowResult {
  const sender = w.seen[dir]
  const receiver = w.seen[other(dir)]
  const overshot = u32(end - sender.maxend + 1)
  const ackOk = isAfter(sack, u32(receiver.end - Math.max(sender.maxwin, MAX_ACK_WINDOW) - 1))
  const inRecvWin = receiver.maxwin !== 0 && isAfter(end, u32(sender.end - receiver.maxwin - 1))
  if (inRecvWin && ackOk && overshot <= receiver.maxwin && isBefore(sack, u32(receiver.end + 1))) {
    sender.end = end
    sender.dataUnacked = true
    return refuse(sender, o, 'ignore', `${overshot} bytes more than expected`)
  }
  return refuse(
    sender,
    o,
    'invalid',
    `SEQ is over upper bound ${u32(sender.maxend + 1)} (over the window of the receiver)`,
  )
}

/** The in-window updates of both directions. */
function update(
  w: TcpWindowMemory,
  dir: CtDir,
  flags: readonly TcpFlag[],
  s: Segment,
  seg: TcpSeqInfo,
): void {
  const sender = w.seen[dir]
  const receiver = w.seen[other(dir)]
  // RFC 7323: the window of a SYN is never scaled.
  const win = flags.includes('SYN') ? seg.window : u32(seg.window * 2 ** sender.scale)
  const swin = u32(win + (s.sack - s.ack))
  if (sender.maxwin < swin) sender.maxwin = swin
  if (isAfter(s.end, sender.end)) {
    sender.end = s.end
    sender.dataUnacked = true
  }
  if (flags.includes('ACK')) {
    if (!sender.maxackSet) {
      sender.maxack = s.ack
      sender.maxackSet = true
    } else if (isAfter(s.ack, sender.maxack)) sender.maxack = s.ack
  }
  if (receiver.maxwin !== 0 && isAfter(s.end, sender.maxend))
    receiver.maxwin = u32(receiver.maxwin + (s.end - sender.maxend))
  if (isAfter(u32(s.sack + win), u32(receiver.maxend - 1))) {
    receiver.maxend = u32(s.sack + win)
    if (win === 0) receiver.maxend = u32(receiver.maxend + 1)
  }
  if (s.ack === receiver.end) receiver.dataUnacked = false
}

/**
 * The retransmission counter: the same ACK segment again in the same direction. (The kernel
 * also sets last_dir here; the tracker sets it to this direction right after anyway.)
 */
function noteRetransmission(
  w: TcpWindowMemory,
  lastDir: CtDir,
  dir: CtDir,
  s: Segment,
  win: number,
): void {
  const same = lastDir === dir && w.lastSeq === s.seq && w.lastAck === s.ack && w.lastEnd === s.end
  if (same && w.lastWin === win) {
    w.retrans++
    return
  }
  w.lastSeq = s.seq
  w.lastAck = s.ack
  w.lastEnd = s.end
  w.lastWin = win
  w.retrans = 0
}
