/**
 * @module core/walk/frame
 * A packet on the wire between namespaces: the IP packet plus the Ethernet addresses it
 * carries (absent on devices without a link layer: ipip, tun).
 */
import type { Packet } from '../model/packet.js'

export interface Frame {
  readonly pkt: Packet
  readonly srcMac?: string
  readonly dstMac?: string
}

export const BROADCAST_MAC = 'ff:ff:ff:ff:ff:ff'

/** Group addresses (broadcast, multicast) have the low bit of the first octet set. */
export function isGroupMac(mac: string): boolean {
  return (Number.parseInt(mac.slice(0, 2), 16) & 1) === 1
}

export function sameMac(a: string | undefined, b: string | undefined): boolean {
  return a !== undefined && b !== undefined && a.toLowerCase() === b.toLowerCase()
}

export function macs(f: Frame): { srcMac?: string; dstMac?: string } {
  return {
    ...(f.srcMac === undefined ? {} : { srcMac: f.srcMac }),
    ...(f.dstMac === undefined ? {} : { dstMac: f.dstMac }),
  }
}
