/**
 * @module core/walk/tcp-seq
 * The sequence numbers of the TCP conversation a trace with `segments` plays out: fixed
 * initial sequence numbers (stand-ins for the kernel's random ones) and the options Linux
 * puts on its SYN and SYN/ACK (window 64240 / 65160, window scale 7, SACK permitted), so
 * conntrack's window tracking sees what it sees between two Linux hosts.
 */
import type { TcpSeqInfo } from '../model/packet.js'

export const CLIENT_ISN = 1_000_000
export const SERVER_ISN = 2_000_000
/** The window field of a segment after the handshake: 502 << 7 = 64256 bytes. */
export const SCALED_WINDOW = 502

/** The client's SYN. */
export function synSeq(): TcpSeqInfo {
  return { seq: CLIENT_ISN, ack: 0, window: 64240, payload: 0, wscale: 7, sackPerm: true }
}

/** The server's SYN/ACK answering a SYN. */
export function synAckSeq(syn: TcpSeqInfo): TcpSeqInfo {
  const ack = (syn.seq + 1) >>> 0
  return { seq: SERVER_ISN, ack, window: 65160, payload: 0, wscale: 7, sackPerm: true }
}
