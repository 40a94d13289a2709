/**
 * @module core/ipvs/order
 * The text and order of IPVS endpoints as ipvsadm 1.31 prints them: `addr:port`, IPv6 in
 * brackets (addrport_to_anyname with FMT_NUMERIC), and the sort `ipvsadm -L`/`-S` apply before
 * printing (libipvs.c ipvs_cmp_services / ipvs_cmp_dests, sorted with glibc's qsort).
 */
import { type Addr, parseAddr } from '../net/ip.js'
import type { IpvsDestination, IpvsService, IpvsServiceKey } from './model.js'

/** `10.96.0.1:443`, `[fd00::1]:80`. */
export function ipvsEndpoint(address: string, port: number): string {
  return address.includes(':') ? `[${address}]:${port}` : `${address}:${port}`
}

/** `addr:port` / `[v6]:port` back to its parts; undefined when it is not numeric. */
export function parseIpvsEndpoint(
  text: string,
): { address: string; port: number; family: 4 | 6 } | undefined {
  const m = /^\[([^\]]+)\]:(\d+)$/.exec(text) ?? /^([^:[\]]+):(\d+)$/.exec(text)
  if (!m) return undefined
  const a = parseAddr(m[1] ?? '')
  const port = Number(m[2])
  if (!a || port > 65535) return undefined
  if ((a.family === 6) !== text.startsWith('[')) return undefined
  return { address: m[1] ?? '', port, family: a.family }
}

/** The 32-bit words of an address in host order, as the comparators read them (ntohl). */
function words(a: Addr): number[] {
  if (a.family === 4) return [a.value]
  const out: number[] = []
  for (let i = 3; i >= 0; i--) out.push(Number((a.value >> BigInt(i * 32)) & 0xffffffffn))
  return out
}

/**
 * The comparators subtract unsigned 32-bit words into an `int`, so two addresses more than 2^31
 * apart compare the "wrong" way (1.0.0.0 sorts after 200.0.0.0). ipvsadm prints that order, so
 * kpath keeps it: `(a - b) | 0` is the same wrap-around.
 */
function cmpAddr(a: string, b: string): number {
  const x = parseAddr(a)
  const y = parseAddr(b)
  if (!x || !y) return 0
  const wx = words(x)
  const wy = words(y)
  for (let i = 0; i < wx.length; i++) {
    const r = ((wx[i] ?? 0) - (wy[i] ?? 0)) | 0
    if (r !== 0) return r
  }
  return 0
}

const AF: Readonly<Record<4 | 6, number>> = { 4: 2, 6: 10 }
const PROTO: Readonly<Record<string, number>> = { tcp: 6, udp: 17, sctp: 132 }

function keyParts(k: IpvsServiceKey): [number, number, number, string, number] {
  return k.kind === 'fwmark'
    ? [k.mark, AF[k.family], 0, k.family === 4 ? '0.0.0.0' : '::', 0]
    : [0, AF[k.family], PROTO[k.protocol] ?? 0, k.address, k.port]
}

/** ipvs_cmp_services: fwmark, address family, protocol, address, port. */
export function compareServices(a: IpvsService, b: IpvsService): number {
  const [ma, fa, pa, aa, qa] = keyParts(a.key)
  const [mb, fb, pb, ab, qb] = keyParts(b.key)
  return (ma - mb) | 0 || fa - fb || pa - pb || cmpAddr(aa, ab) || qa - qb
}

/** ipvs_cmp_dests: address, then port. */
export function compareDests(a: IpvsDestination, b: IpvsDestination): number {
  return cmpAddr(a.address, b.address) || a.port - b.port
}

/**
 * glibc's qsort is a top-down merge sort (msort_with_tmp: halves of n/2 and n - n/2, ties
 * taken from the left). With the wrapping comparators above the order is not a total order, so
 * the algorithm matters; this is the same one.
 */
export function ipvsSort<T>(items: readonly T[], cmp: (a: T, b: T) => number): T[] {
  if (items.length <= 1) return [...items]
  const n1 = Math.floor(items.length / 2)
  const left = ipvsSort(items.slice(0, n1), cmp)
  const right = ipvsSort(items.slice(n1), cmp)
  const out: T[] = []
  let i = 0
  let j = 0
  while (i < left.length && j < right.length) {
    const l = left[i] as T
    const r = right[j] as T
    if (cmp(l, r) <= 0) {
      out.push(l)
      i++
    } else {
      out.push(r)
      j++
    }
  }
  return out.concat(left.slice(i), right.slice(j))
}
