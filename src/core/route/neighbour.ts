/**
 * @module core/route/neighbour
 * Resolving a next hop to a link-layer address, as the neighbour layer does before a packet
 * leaves (`arp_constructor`, net/ipv4/arp.c; `ndisc_constructor`, net/ipv6/ndisc.c):
 * - broadcast and multicast next hops map to computed MACs (ff:ff:ff:ff:ff:ff,
 *   01:00:5e + low 23 bits, 33:33 + low 32 bits) without asking anyone;
 * - devices without ARP (IFF_NOARP: ipip, tun; the loopback) need no resolution;
 * - otherwise the neighbour table decides: a usable entry gives its MAC; no entry, or an
 *   INCOMPLETE/FAILED one, means a request goes out, carrying the source `arp_solicit` picks.
 */
import type { Neighbour, NetnsState } from '../model/netns.js'
import { addrType4 } from './addr-type.js'
import { arpSource } from './arp.js'
import { routeIndex } from './index-build.js'
import { isMulticast4, isMulticast6, keyOf } from './key.js'

export type NeighbourResolution =
  | { readonly kind: 'computed'; readonly lladdr: string; readonly why: 'broadcast' | 'multicast' }
  | { readonly kind: 'noarp'; readonly why: string }
  | { readonly kind: 'entry'; readonly lladdr: string; readonly state: Neighbour['state'] }
  | {
      readonly kind: 'unresolved'
      readonly state?: Neighbour['state']
      /** IPv4: the sender address of the ARP request the kernel would send. */
      readonly solicitSource?: string
    }

const hex2 = (n: bigint) => n.toString(16).padStart(2, '0')

function multicastMac(family: 4 | 6, a: bigint): string {
  if (family === 4) {
    const low = a & 0x7fffffn
    return `01:00:5e:${hex2(low >> 16n)}:${hex2((low >> 8n) & 0xffn)}:${hex2(low & 0xffn)}`
  }
  return `33:33:${[24n, 16n, 8n, 0n].map((s) => hex2((a >> s) & 0xffn)).join(':')}`
}

/**
 * A namespace's non-proxy neighbour entries by device, family and address, the first of each
 * (as a search in table order finds it). Built once per state: a flannel node holds an entry
 * per peer, and every packet it sends looks one up.
 */
const NEIGHBOURS = new WeakMap<NetnsState, ReadonlyMap<string, Neighbour>>()

function neighbourIndex(state: NetnsState): ReadonlyMap<string, Neighbour> {
  let ix = NEIGHBOURS.get(state)
  if (ix === undefined) {
    const made = new Map<string, Neighbour>()
    for (const n of state.neighbours) {
      if (n.proxy) continue
      const k = keyOf(n.dst)
      if (k === undefined) continue
      const key = `${n.dev}\0${k.family}\0${k.key}`
      if (!made.has(key)) made.set(key, n)
    }
    NEIGHBOURS.set(state, made)
    ix = made
  }
  return ix
}

/**
 * How `dev` reaches `nextHop` at layer 2. `packetSrc` is the source of the packet that needs
 * it (arp_announce may use it as the request's sender address).
 *
 * @example
 * resolveNeighbour(node, 'flannel.1', '10.244.2.0') // → { kind: 'entry', lladdr: '0e:…', state: 'PERMANENT' }
 */
export function resolveNeighbour(
  state: NetnsState,
  dev: string,
  nextHop: string,
  packetSrc?: string,
): NeighbourResolution {
  const ix = routeIndex(state)
  const k = keyOf(nextHop)
  const link = ix.links.get(dev)
  if (!k || !link) return { kind: 'unresolved' }
  // arp_constructor types the address by the whole local table (inet_addr_type_dev_table).
  if (k.family === 4 && addrType4(ix, k.key) === 'BROADCAST') {
    return { kind: 'computed', lladdr: 'ff:ff:ff:ff:ff:ff', why: 'broadcast' }
  }
  if (k.family === 4 ? isMulticast4(k.key) : isMulticast6(k.key)) {
    return { kind: 'computed', lladdr: multicastMac(k.family, k.key), why: 'multicast' }
  }
  if (link.kind === 'loopback') return { kind: 'noarp', why: 'loopback' }
  if (link.noarp || link.kind === 'ipip' || (link.kind === 'tun' && link.tun?.mode !== 'tap')) {
    return { kind: 'noarp', why: `${dev} has no link-layer resolution (IFF_NOARP)` }
  }
  const entry = neighbourIndex(state).get(`${dev}\0${k.family}\0${k.key}`)
  if (entry?.lladdr && entry.state !== 'INCOMPLETE' && entry.state !== 'FAILED') {
    return { kind: 'entry', lladdr: entry.lladdr, state: entry.state }
  }
  const src = k.family === 4 ? arpSource(state, dev, nextHop, packetSrc) : undefined
  return {
    kind: 'unresolved',
    ...(entry ? { state: entry.state } : {}),
    ...(src ? { solicitSource: src } : {}),
  }
}
