/**
 * @module core/pcapng/ip-packet
 * One IPv4 packet on the wire from what a trace knows of it: addresses, protocol, TTL, total
 * length and the transport's fields. The payload is zero bytes up to the total length the
 * trace recorded (kpath models headers, not data); a tunnel's payload is the inner packet.
 */
import { KpathError } from '../errors.js'
import type { TcpFlag } from '../model/packet.js'
import { concat } from './bytes.js'
import {
  icmp,
  ipv4,
  linuxSynOptions,
  linuxTimestampOptions,
  tcp,
  udp,
  vxlanHeader,
} from './headers.js'

export type Transport =
  | {
      readonly kind: 'tcp'
      readonly sport: number
      readonly dport: number
      readonly seq: number
      readonly ack: number
      readonly flags: readonly TcpFlag[]
      readonly window: number
    }
  | {
      readonly kind: 'udp'
      readonly sport: number
      readonly dport: number
      /** false: checksum 0 (VXLAN over IPv4). */
      readonly checksum?: boolean
      /** A tunnel's payload; zero bytes when absent. */
      readonly payload?: Uint8Array
    }
  | {
      readonly kind: 'icmp'
      readonly type: number
      readonly code: number
      readonly rest: number
      readonly payload?: Uint8Array
    }
  /** Any other protocol (IPIP among them): the payload as given, or zeros. */
  | { readonly kind: 'other'; readonly payload?: Uint8Array }

export interface WirePacket {
  readonly src: string
  readonly dst: string
  readonly proto: number
  readonly ttl: number
  /** The IP total length the trace recorded; the payload is padded up to it. */
  readonly length: number
  readonly df?: boolean
  readonly id?: number
  readonly l4: Transport
}

function zeros(n: number): Uint8Array {
  return new Uint8Array(Math.max(0, n))
}

/** TCP options as Linux sends them, when the recorded length leaves room for them. */
function tcpOptions(flags: readonly TcpFlag[], room: number): Uint8Array {
  if (flags.includes('SYN') && room >= 20) return linuxSynOptions(1460, 1, 0)
  if (flags.includes('ACK') && !flags.includes('RST') && room >= 12)
    return linuxTimestampOptions(2, 1)
  return new Uint8Array(0)
}

function transportBytes(p: WirePacket): Uint8Array {
  const room = p.length - 20
  const t = p.l4
  switch (t.kind) {
    case 'tcp': {
      const options = tcpOptions(t.flags, room - 20)
      const data = zeros(room - 20 - options.length)
      return tcp({ ...t, src: p.src, dst: p.dst, options }, data)
    }
    case 'udp':
      return udp({ ...t, src: p.src, dst: p.dst }, t.payload ?? zeros(room - 8))
    case 'icmp':
      return icmp(t, t.payload ?? zeros(room - 8))
    case 'other':
      return t.payload ?? zeros(room)
  }
}

/** The IPv4 packet: header with checksum, transport with checksum, payload. */
export function ipPacket(p: WirePacket): Uint8Array {
  if (p.l4.kind === 'tcp' && p.proto !== 6)
    throw new KpathError('KPATH_INVALID_ARGUMENT', `a TCP header in a proto ${p.proto} packet`)
  return ipv4(
    {
      src: p.src,
      dst: p.dst,
      proto: p.proto,
      ttl: p.ttl,
      ...(p.df === undefined ? {} : { df: p.df }),
      ...(p.id === undefined ? {} : { id: p.id }),
    },
    transportBytes(p),
  )
}

/** VXLAN's UDP payload: the VXLAN header, then the inner Ethernet frame. */
export function vxlanPayload(vni: number, innerFrame: Uint8Array): Uint8Array {
  return concat(vxlanHeader(vni), innerFrame)
}
