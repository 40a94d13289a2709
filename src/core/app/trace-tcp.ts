/**
 * @module core/app/trace-tcp
 * The TCP numbers of a trace that plays a conversation (`--segment`, core/walk segments.ts),
 * for every view: the kind of packet each segment walk and each RST carries (flags, absolute
 * seq/ack/window, payload), and the `seq …, ack …, win …` part of a tcpdump line. tcpdump
 * (print-tcp.c) prints the SYN and the SYN/ACK with absolute numbers, then numbers relative to
 * each side's initial sequence number on every segment with ACK, and absolute ones on an RST
 * without ACK (its conversation table is only consulted for ACK segments).
 */
import type { TcpSeqInfo } from '../model/packet.js'
import { formatSegmentSpec } from '../walk/segment-spec.js'
import { CLIENT_ISN, SCALED_WINDOW, SERVER_ISN } from '../walk/tcp-seq.js'
import type { SegmentSpec, SegmentWalk } from '../walk/types.js'
import type { PacketKind } from './cluster-trace-text.js'

const u32 = (x: number) => x >>> 0

/** The initial sequence numbers a side's segments are relative to: its own, then its peer's. */
function isnOf(from: SegmentSpec['from']): { seq: number; ack: number } {
  return from === 'client'
    ? { seq: CLIENT_ISN, ack: SERVER_ISN }
    : { seq: SERVER_ISN, ack: CLIENT_ISN }
}

/** The segment as its sender's socket sent it. */
export function segmentKind(s: SegmentWalk): PacketKind {
  const tcpSeq: TcpSeqInfo = {
    seq: s.seq,
    ack: s.ack,
    window: s.spec.window ?? SCALED_WINDOW,
    payload: s.spec.payload ?? 0,
  }
  return { tcpFlags: s.spec.flags, tcpSeq, isn: isnOf(s.spec.from) }
}

/** The RST the receiving kernel answered a segment with (tcp_v4_send_reset: window 0). */
export function resetKind(s: SegmentWalk): PacketKind | undefined {
  const r = s.reset
  if (r === undefined) return undefined
  const tcpSeq = { seq: r.seq, ack: r.ack, window: 0, payload: 0 }
  return { tcpFlags: r.flags, tcpSeq, isn: isnOf(s.spec.from === 'client' ? 'server' : 'client') }
}

/**
 * `, seq 1:1449, ack 1, win 502` as tcpdump prints it: seq when the segment has data, SYN, FIN
 * or RST (`first:end` with data), ack with ACK, then the raw window; nothing without numbers.
 */
export function tcpdumpNumbers(k: PacketKind): string {
  const t = k.tcpSeq
  if (t === undefined) return ''
  const f = k.tcpFlags ?? []
  const relative = k.isn !== undefined && f.includes('ACK') && !f.includes('SYN')
  const seq = relative ? u32(t.seq - (k.isn?.seq ?? 0)) : t.seq
  const ack = relative ? u32(t.ack - (k.isn?.ack ?? 0)) : t.ack
  const parts: string[] = []
  if (t.payload > 0 || f.some((x) => x === 'SYN' || x === 'FIN' || x === 'RST'))
    parts.push(`seq ${seq}${t.payload > 0 ? `:${u32(seq + t.payload)}` : ''}`)
  if (f.includes('ACK')) parts.push(`ack ${ack}`)
  parts.push(`win ${t.window}`)
  return parts.map((p) => `, ${p}`).join('')
}

/** What a segment walk is, in a view's heading: the handshake's ACK or the `--segment` given. */
export function segmentTitle(s: SegmentWalk, i: number): string {
  if (i === 0) return "the client's ACK completing the handshake"
  return `segment ${i} (--segment ${formatSegmentSpec(s.spec)})`
}
