/**
 * @module core/walk/reply
 * The packet a receiving namespace sends back: the echo server's answer (SYN-ACK for a SYN,
 * the same payload for UDP, an echo reply for a ping), or, when nothing listens, what the
 * kernel answers itself: a TCP RST (tcp_v4_send_reset) or an ICMP port unreachable quoting the
 * datagram (icmp_send, at most 576 bytes in all).
 */
import { type Packet, PROTO } from '../model/packet.js'
import { synAckSeq } from './tcp-seq.js'
import type { Outcome } from './types.js'

const base = (p: Packet) => ({ family: p.family, src: p.dst, dst: p.src, ttl: 64, mark: 0 })

function swapPorts(p: Packet) {
  return {
    ...(p.dport === undefined ? {} : { sport: p.dport }),
    ...(p.sport === undefined ? {} : { dport: p.sport }),
  }
}

export function replyTo(received: Packet, outcome: Outcome): Packet | undefined {
  if (outcome.kind === 'delivered') {
    if (received.proto === PROTO.icmp)
      return {
        ...base(received),
        proto: PROTO.icmp,
        icmpType: 0,
        icmpCode: 0,
        ...(received.icmpId === undefined ? {} : { icmpId: received.icmpId }),
        length: received.length,
      }
    if (received.proto === PROTO.tcp) {
      const syn = received.tcpFlags?.includes('SYN') === true
      // A SYN with sequence numbers (a trace with segments) gets a SYN/ACK with them too.
      const seq = syn && received.tcpSeq ? { tcpSeq: synAckSeq(received.tcpSeq) } : {}
      return {
        ...base(received),
        proto: PROTO.tcp,
        ...swapPorts(received),
        tcpFlags: syn ? ['SYN', 'ACK'] : ['ACK'],
        ...seq,
        length: syn ? 60 : 52,
      }
    }
    return {
      ...base(received),
      proto: received.proto,
      ...swapPorts(received),
      length: received.length,
    }
  }
  if (outcome.kind !== 'refused') return undefined
  if (received.proto === PROTO.tcp) {
    if (received.tcpFlags?.includes('RST') === true) return undefined
    return {
      ...base(received),
      proto: PROTO.tcp,
      ...swapPorts(received),
      tcpFlags: ['RST', 'ACK'],
      length: 40,
    }
  }
  if (received.proto === PROTO.icmp) return undefined
  return {
    ...base(received),
    proto: PROTO.icmp,
    icmpType: 3,
    icmpCode: 3,
    inner: received,
    length: Math.min(576, 28 + received.length),
  }
}
