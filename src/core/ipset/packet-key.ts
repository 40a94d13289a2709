/**
 * @module core/ipset/packet-key
 * What the kernel reads from a packet for one dimension of a set (the `kadt` functions of each
 * type): the source or destination address, the protocol and port (ip_set_getport.c), or the
 * input or output interface. `undefined` means the kernel gives up on the packet (-EINVAL), so
 * the set does not match.
 */
import { KpathError } from '../errors.js'
import type { Packet } from '../model/packet.js'
import { parseAddr } from '../net/ip.js'
import type { PortPart } from './element.js'
import {
  PROTO_ICMP,
  PROTO_ICMPV6,
  PROTO_SCTP,
  PROTO_TCP,
  PROTO_UDP,
  PROTO_UDPLITE,
} from './protocols.js'

export type SetDir = 'src' | 'dst'

/** The packet's source or destination address as the set stores addresses. */
export function packetAddr(pkt: Packet, dir: SetDir): bigint {
  const text = dir === 'src' ? pkt.src : pkt.dst
  const a = parseAddr(text)
  if (!a || a.family !== pkt.family) {
    throw new KpathError(
      'KPATH_INVALID_ARGUMENT',
      `packet ${dir} "${text}" is not an IPv${pkt.family} address`,
    )
  }
  return typeof a.value === 'bigint' ? a.value : BigInt(a.value)
}

function need(v: number | undefined, what: string, pkt: Packet): number {
  if (v === undefined) {
    throw new KpathError(
      'KPATH_INVALID_ARGUMENT',
      `a protocol ${pkt.proto} packet needs its ${what} to be tested against an ipset`,
    )
  }
  return v
}

/**
 * ip_set_get_ip4_port / ip_set_get_ip6_port: protocol and port of the packet.
 * - protocol 0 (and below) is refused;
 * - a non-first fragment has no ports: refused for tcp/udp/udplite/sctp/icmp in IPv4 and for
 *   every protocol in IPv6; other IPv4 protocols match with port 0;
 * - ICMP and ICMPv6 give `type << 8 | code` whatever the direction;
 * - a protocol without ports gives port 0.
 */
export function packetPort(pkt: Packet, dir: SetDir): PortPart | undefined {
  const proto = pkt.proto
  if (proto <= 0) return undefined
  if (pkt.fragment) {
    if (pkt.family === 6) return undefined
    const ported = [PROTO_TCP, PROTO_SCTP, PROTO_UDP, PROTO_UDPLITE, PROTO_ICMP]
    return ported.includes(proto) ? undefined : { kind: 'port', proto, port: 0 }
  }
  switch (proto) {
    case PROTO_TCP:
    case PROTO_UDP:
    case PROTO_UDPLITE:
    case PROTO_SCTP:
      return {
        kind: 'port',
        proto,
        port: need(dir === 'src' ? pkt.sport : pkt.dport, `${dir === 'src' ? 's' : 'd'}port`, pkt),
      }
    case PROTO_ICMP:
    case PROTO_ICMPV6: {
      const type = need(pkt.icmpType, 'ICMP type', pkt)
      return { kind: 'port', proto, port: (type << 8) | (pkt.icmpCode ?? 0) }
    }
    default:
      return { kind: 'port', proto, port: 0 }
  }
}

/** bitmap:port reads ports of TCP and UDP only (ip_set_get_ip_port). */
export function packetTcpUdpPort(pkt: Packet, dir: SetDir): number | undefined {
  const p = packetPort(pkt, dir)
  return p && (p.proto === PROTO_TCP || p.proto === PROTO_UDP) ? p.port : undefined
}

/**
 * hash:net,iface: the *second* direction picks the interface, `src` the input one and `dst` the
 * output one (SRCDIR in hash_netiface4_kadt). An absent or empty name makes the packet
 * untestable. The match never looks at bridge ports: IPSET_FLAG_PHYSDEV cannot be set by the set
 * match or the SET target, so `physdev:` members are never hit by packets.
 */
export function packetIface(pkt: Packet, dir: SetDir): string | undefined {
  const name = dir === 'src' ? pkt.inIface : pkt.outIface
  return name === undefined || name === '' ? undefined : name
}
