/**
 * @module core/ipset/element
 * The parsed form of an ipset element: one part per dimension of the set's type. Parts are
 * what the kernel stores (the address already masked to its prefix, the protocol and port as
 * numbers), so two spellings of one element (`10.0.0.1/32` and `10.0.0.1` in hash:net,
 * `http` and `tcp:80`) have the same {@link elemKey} and print the same {@link formatElem}.
 */
import { formatIPv4, formatIPv6 } from '../net/ip.js'
import { formatIcmp, ICMP_NAMES, ICMPV6_NAMES } from './icmp.js'
import { PROTO_ICMP, PROTO_ICMPV6, protocolName } from './protocols.js'

/** An address, or a network when `net` (hash:net* dimensions print `/cidr` unless a host). */
export interface AddrPart {
  readonly kind: 'addr'
  readonly family: 4 | 6
  /** The address with host bits cleared; IPv4 is a 32-bit value. */
  readonly value: bigint
  readonly cidr: number
  readonly net: boolean
}

/** `proto:port`; for ICMP and ICMPv6 the port is `type << 8 | code`, as the kernel keeps it. */
export interface PortPart {
  readonly kind: 'port'
  readonly proto: number
  readonly port: number
}

export interface IfacePart {
  readonly kind: 'iface'
  readonly name: string
  /** `physdev:` — the bridge port rather than the IP-level interface. */
  readonly physdev: boolean
}

/** A bitmap:port member: a bare port number. */
export interface BportPart {
  readonly kind: 'bport'
  readonly port: number
}

/** A list:set member: the name of another set. */
export interface SetPart {
  readonly kind: 'set'
  readonly name: string
}

export type Part = AddrPart | PortPart | IfacePart | BportPart | SetPart

export function hostBits(family: 4 | 6): number {
  return family === 4 ? 32 : 128
}

function computeMask(bits: number, cidr: number): bigint {
  const all = (1n << BigInt(bits)) - 1n
  return cidr === 0 ? 0n : (all << BigInt(bits - cidr)) & all
}

// Every lookup masks the packet's address: the masks are computed once, not per packet.
const MASKS4 = Array.from({ length: 33 }, (_, cidr) => computeMask(32, cidr))
const MASKS6 = Array.from({ length: 129 }, (_, cidr) => computeMask(128, cidr))

/** The mask of a prefix length as a bigint of the family's width. */
export function prefixMask(family: 4 | 6, cidr: number): bigint {
  return (family === 4 ? MASKS4 : MASKS6)[cidr] ?? computeMask(hostBits(family), cidr)
}

export function formatAddrValue(family: 4 | 6, value: bigint): string {
  return family === 4 ? formatIPv4(Number(value)) : formatIPv6(value)
}

function formatPort(p: PortPart): string {
  const proto = protocolName(p.proto) ?? String(p.proto)
  if (p.proto === PROTO_ICMP) return `${proto}:${formatIcmp(ICMP_NAMES, p.port >> 8, p.port & 255)}`
  if (p.proto === PROTO_ICMPV6)
    return `${proto}:${formatIcmp(ICMPV6_NAMES, p.port >> 8, p.port & 255)}`
  return `${proto}:${p.port}`
}

/** The spelling `ipset save` prints for one part. */
export function formatPart(p: Part): string {
  switch (p.kind) {
    case 'addr': {
      const text = formatAddrValue(p.family, p.value)
      return p.net && p.cidr !== hostBits(p.family) ? `${text}/${p.cidr}` : text
    }
    case 'port':
      return formatPort(p)
    case 'iface':
      return p.physdev ? `physdev:${p.name}` : p.name
    case 'bport':
      return String(p.port)
    case 'set':
      return p.name
  }
}

export function formatElem(parts: readonly Part[]): string {
  return parts.map(formatPart).join(',')
}

/** A compact identity for one part: equal keys are the same kernel element. */
export function partKey(p: Part): string {
  switch (p.kind) {
    case 'addr':
      return `${p.value.toString(16)}/${p.cidr}`
    case 'port':
      return `${p.proto}:${p.port}`
    case 'iface':
      return `${p.physdev ? 'P' : 'i'}${p.name}`
    case 'bport':
      return String(p.port)
    case 'set':
      return p.name
  }
}

export function elemKey(parts: readonly Part[]): string {
  // Built by concatenation: it runs for every set a packet is tested against.
  let key = ''
  for (let i = 0; i < parts.length; i++)
    key = i === 0 ? partKey(parts[i] as Part) : `${key},${partKey(parts[i] as Part)}`
  return key
}
