/**
 * @module core/pcapng
 * A pure pcapng writer (bytes as Uint8Array): interfaces, packets with comments, and the wire
 * headers (Ethernet, IPv4, TCP, UDP, ICMP, VXLAN) with correct checksums. See README.md.
 */
import {
  enhancedPacket,
  type InterfaceInfo,
  interfaceDescription,
  sectionHeader,
} from './blocks.js'
import { concat } from './bytes.js'

export type { EnhancedPacket, InterfaceInfo, LinkType } from './blocks.js'
export { LINKTYPE } from './blocks.js'
export { internetChecksum } from './bytes.js'
export { ethernet } from './headers.js'
export type { Transport, WirePacket } from './ip-packet.js'
export { ipPacket, vxlanPayload } from './ip-packet.js'

export interface CapturedPacket {
  /** Index into the capture's interfaces. */
  readonly iface: number
  /** Microseconds since the Unix epoch. */
  readonly timestamp: bigint
  /** The frame as the interface's link type carries it. */
  readonly data: Uint8Array
  readonly comment?: string
}

export interface Capture {
  /** The writing application (shb_userappl). */
  readonly application?: string
  readonly interfaces: readonly InterfaceInfo[]
  readonly packets: readonly CapturedPacket[]
}

/**
 * @example
 * writePcapng({ interfaces: [{ linkType: LINKTYPE.raw, name: 'tun0' }],
 *               packets: [{ iface: 0, timestamp: 0n, data: ipPacket(p) }] })
 */
export function writePcapng(c: Capture): Uint8Array {
  return concat(
    sectionHeader(c.application),
    ...c.interfaces.map(interfaceDescription),
    ...c.packets.map((p) => enhancedPacket(p)),
  )
}
