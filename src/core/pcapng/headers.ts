/**
 * @module core/pcapng/headers
 * Wire headers as the kernel builds them: Ethernet II, IPv4 (RFC 791) with its header
 * checksum, TCP (RFC 9293) and UDP (RFC 768) with the pseudo-header checksum, ICMP (RFC 792)
 * and the VXLAN header (RFC 7348). Multi-byte fields are in network byte order.
 */
import { KpathError } from '../errors.js'
import type { TcpFlag } from '../model/packet.js'
import { parseIPv4 } from '../net/ip.js'
import { ByteWriter, concat, internetChecksum } from './bytes.js'

export const ETHERTYPE_IPV4 = 0x0800

function macBytes(mac: string): Uint8Array {
  const parts = mac.split(':')
  if (parts.length !== 6 || parts.some((p) => !/^[0-9a-fA-F]{2}$/.test(p)))
    throw new KpathError('KPATH_INVALID_ARGUMENT', `not a MAC address: ${mac}`)
  return Uint8Array.from(parts.map((p) => Number.parseInt(p, 16)))
}

function v4Bytes(addr: string): Uint8Array {
  const v = parseIPv4(addr)
  if (v === undefined)
    throw new KpathError('KPATH_UNSUPPORTED', `pcapng: only IPv4 is written, not ${addr}`)
  return Uint8Array.of(v >>> 24, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff)
}

export function ethernet(src: string, dst: string, payload: Uint8Array): Uint8Array {
  const w = new ByteWriter()
  w.bytes(macBytes(dst)).bytes(macBytes(src)).u16(ETHERTYPE_IPV4, false)
  return concat(w.done(), payload)
}

export interface Ipv4Fields {
  readonly src: string
  readonly dst: string
  readonly proto: number
  readonly ttl: number
  readonly id?: number
  readonly df?: boolean
  readonly tos?: number
}

/** A 20-byte IPv4 header (no options) with its checksum, followed by the payload. */
export function ipv4(f: Ipv4Fields, payload: Uint8Array): Uint8Array {
  const w = new ByteWriter()
  w.u8(0x45)
    .u8(f.tos ?? 0)
    .u16(20 + payload.length, false)
    .u16(f.id ?? 0, false)
    .u16(f.df ? 0x4000 : 0, false)
    .u8(f.ttl)
    .u8(f.proto)
    .u16(0, false)
    .bytes(v4Bytes(f.src))
    .bytes(v4Bytes(f.dst))
  const h = w.done()
  const sum = internetChecksum(h)
  h[10] = sum >>> 8
  h[11] = sum & 0xff
  return concat(h, payload)
}

/** The IPv4 pseudo-header TCP and UDP checksums cover. */
function pseudo(src: string, dst: string, proto: number, length: number): Uint8Array {
  const w = new ByteWriter()
  w.bytes(v4Bytes(src)).bytes(v4Bytes(dst)).u8(0).u8(proto).u16(length, false)
  return w.done()
}

function putChecksum(seg: Uint8Array, at: number, sum: number): Uint8Array {
  seg[at] = sum >>> 8
  seg[at + 1] = sum & 0xff
  return seg
}

export interface UdpFields {
  readonly src: string
  readonly dst: string
  readonly sport: number
  readonly dport: number
  /**
   * false: leave the checksum 0 ("not computed", RFC 768), as the kernel's VXLAN device does
   * over IPv4 unless `udpcsum` is set (VXLAN_F_UDP_ZERO_CSUM_TX).
   */
  readonly checksum?: boolean
}

export function udp(f: UdpFields, payload: Uint8Array): Uint8Array {
  const w = new ByteWriter()
  w.u16(f.sport, false)
    .u16(f.dport, false)
    .u16(8 + payload.length, false)
    .u16(0, false)
  const seg = concat(w.done(), payload)
  if (f.checksum === false) return seg
  // A computed 0 is sent as 0xffff: 0 means "no checksum" (RFC 768).
  const sum = internetChecksum(pseudo(f.src, f.dst, 17, seg.length), seg) || 0xffff
  return putChecksum(seg, 6, sum)
}

const TCP_BITS: Readonly<Record<TcpFlag, number>> = {
  FIN: 0x01,
  SYN: 0x02,
  RST: 0x04,
  PSH: 0x08,
  ACK: 0x10,
  URG: 0x20,
  ECE: 0x40,
  CWR: 0x80,
}

export interface TcpFields {
  readonly src: string
  readonly dst: string
  readonly sport: number
  readonly dport: number
  readonly seq: number
  readonly ack: number
  readonly flags: readonly TcpFlag[]
  readonly window: number
  /** Options, already padded to a multiple of 4 bytes. */
  readonly options?: Uint8Array
}

export function tcp(f: TcpFields, payload: Uint8Array): Uint8Array {
  const opts = f.options ?? new Uint8Array(0)
  if (opts.length % 4 !== 0 || opts.length > 40)
    throw new KpathError('KPATH_INVALID_ARGUMENT', 'TCP options must be 4-byte aligned, ≤ 40')
  const bits = f.flags.reduce((b, x) => b | TCP_BITS[x], 0)
  const w = new ByteWriter()
  w.u16(f.sport, false)
    .u16(f.dport, false)
    .u32(f.seq, false)
    .u32(f.ack, false)
    .u8(((20 + opts.length) / 4) << 4)
    .u8(bits)
    .u16(f.window, false)
    .u16(0, false)
    .u16(0, false)
  const seg = concat(w.done(), opts, payload)
  return putChecksum(seg, 16, internetChecksum(pseudo(f.src, f.dst, 6, seg.length), seg))
}

/**
 * The options Linux puts on a SYN and a SYN-ACK (tcp_syn_options, tcp_synack_options):
 * MSS, SACK permitted, timestamps, NOP, window scale: 20 bytes.
 */
export function linuxSynOptions(mss: number, tsval: number, tsecr: number): Uint8Array {
  const w = new ByteWriter()
  w.u8(2).u8(4).u16(mss, false)
  w.u8(4).u8(2)
  w.u8(8).u8(10).u32(tsval, false).u32(tsecr, false)
  w.u8(1)
  w.u8(3).u8(3).u8(7)
  return w.done()
}

/** NOP, NOP, timestamps: what Linux puts on every later segment (12 bytes). */
export function linuxTimestampOptions(tsval: number, tsecr: number): Uint8Array {
  const w = new ByteWriter()
  w.u8(1).u8(1).u8(8).u8(10).u32(tsval, false).u32(tsecr, false)
  return w.done()
}

export interface IcmpFields {
  readonly type: number
  readonly code: number
  /** Bytes 4-7 of the header: identifier and sequence for echo, unused (0) for errors. */
  readonly rest: number
}

export function icmp(f: IcmpFields, payload: Uint8Array): Uint8Array {
  const w = new ByteWriter()
  w.u8(f.type).u8(f.code).u16(0, false).u32(f.rest, false)
  const msg = concat(w.done(), payload)
  return putChecksum(msg, 2, internetChecksum(msg))
}

/** The 8-byte VXLAN header: the I flag (a valid VNI) and the 24-bit VNI (RFC 7348 §5). */
export function vxlanHeader(vni: number): Uint8Array {
  const w = new ByteWriter()
  w.u8(0x08)
    .u8(0)
    .u16(0, false)
    .u32((vni & 0xffffff) << 8, false)
  return w.done()
}
