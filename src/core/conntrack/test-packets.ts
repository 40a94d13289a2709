/**
 * @module core/conntrack/test-packets
 * Packet builders shared by the conntrack, engine and walk tests (and handy for anyone driving a
 * table by hand).
 */
import type { Packet, SctpChunk, TcpFlag } from '../model/packet.js'

/** A packet with the fields conntrack does not read filled with plain defaults. */
export function packet(p: Partial<Packet> & Pick<Packet, 'src' | 'dst' | 'proto'>): Packet {
  return { family: p.src.includes(':') ? 6 : 4, ttl: 64, length: 60, mark: 0, ...p }
}

export function tcpPacket(
  src: string,
  sport: number,
  dst: string,
  dport: number,
  flags: TcpFlag[],
): Packet {
  return packet({ proto: 6, src, dst, sport, dport, tcpFlags: flags })
}

/** A client socket's first TCP packet: a SYN from port 40000 (TTL 64), as walk tests trace it. */
export function synPacket(
  src: string,
  dst: string,
  dport: number,
  extra: Partial<Packet> = {},
): Packet {
  return packet({ proto: 6, src, dst, sport: 40000, dport, tcpFlags: ['SYN'], ...extra })
}

/** An SCTP packet; without `chunks` it carries no chunk list (the tracker's default applies). */
export function sctpPacket(
  src: string,
  sport: number,
  dst: string,
  dport: number,
  chunks?: SctpChunk[],
): Packet {
  return packet({ proto: 132, src, dst, sport, dport, ...(chunks ? { sctpChunks: chunks } : {}) })
}

export function udpPacket(src: string, sport: number, dst: string, dport: number): Packet {
  return packet({ proto: 17, src, dst, sport, dport })
}

export function icmpPacket(
  src: string,
  dst: string,
  icmpType: number,
  icmpId = 0,
  inner?: Packet,
): Packet {
  const proto = src.includes(':') ? 58 : 1
  return packet({
    proto,
    src,
    dst,
    icmpType,
    icmpCode: icmpType === 3 ? 3 : 0,
    icmpId,
    ...(inner ? { inner } : {}),
  })
}

/** The packet a peer sends back: addresses and ports swapped. */
export function answer(p: Packet, change: Partial<Packet> = {}): Packet {
  return {
    ...p,
    src: p.dst,
    dst: p.src,
    ...(p.sport === undefined ? {} : { dport: p.sport }),
    ...(p.dport === undefined ? {} : { sport: p.dport }),
    ...change,
  }
}
