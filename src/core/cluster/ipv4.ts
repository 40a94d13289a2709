/**
 * @module core/cluster/ipv4
 * IPv4 prefixes as the assembly and the CNI models use them: a network number and a length,
 * with the host arithmetic host-local IPAM and the plugins do (gateway = network + 1, flannel's
 * VTEP address = the network address itself, broadcast = all host bits set).
 */
import { formatIPv4, parseIPv4, v4Mask } from '../net/ip.js'

export interface Prefix4 {
  /** The network number (host bits clear). */
  readonly net: number
  readonly len: number
}

/** `a.b.c.d/len` → prefix (host bits cleared), or undefined when it is not IPv4 CIDR text. */
export function parsePrefix4(text: string): Prefix4 | undefined {
  const [ip, lenText, extra] = text.split('/')
  if (ip === undefined || lenText === undefined || extra !== undefined) return undefined
  const addr = parseIPv4(ip)
  if (addr === undefined || !/^\d{1,2}$/.test(lenText)) return undefined
  const len = Number(lenText)
  if (len > 32) return undefined
  return { net: (addr & v4Mask(len)) >>> 0, len }
}

export function formatPrefix4(p: Prefix4): string {
  return `${formatIPv4(p.net)}/${p.len}`
}

export function contains4(p: Prefix4, addr: number): boolean {
  return (addr & v4Mask(p.len)) >>> 0 === p.net
}

/** The address `n` hosts into the prefix (`hostAt(10.244.1.0/24, 1)` is 10.244.1.1). */
export function hostAt(p: Prefix4, n: number): string {
  return formatIPv4((p.net + n) >>> 0)
}

/** The all-ones broadcast, which the kernel and netlink libraries add below /31. */
export function broadcast4(p: Prefix4): string | undefined {
  if (p.len >= 31) return undefined
  return formatIPv4((p.net | ~v4Mask(p.len)) >>> 0)
}

/** Whether two prefixes share any address. */
export function overlaps4(a: Prefix4, b: Prefix4): boolean {
  const len = Math.min(a.len, b.len)
  return (a.net & v4Mask(len)) >>> 0 === (b.net & v4Mask(len)) >>> 0
}

/** The longest prefix length that holds every address (32 for one address). */
export function commonPrefixLen(addrs: readonly number[]): number {
  const first = addrs[0]
  if (first === undefined) return 32
  let len = 32
  for (const a of addrs)
    while (len > 0 && (a & v4Mask(len)) >>> 0 !== (first & v4Mask(len)) >>> 0) len--
  return len
}
