/**
 * @module core/netfilter/engine/addr-cache
 * Parsed packet addresses, memoised per packet value: every `-s`/`-d` test of a walk reads the
 * same parse instead of re-parsing text thousands of times.
 */
import type { Packet } from '../../model/packet.js'
import { type Addr, parseAddr } from '../../net/ip.js'

const cache = new WeakMap<Packet, { src: Addr; dst: Addr }>()

export function packetAddrs(p: Packet): { src: Addr; dst: Addr } {
  let hit = cache.get(p)
  if (!hit) {
    const src = parseAddr(p.src)
    const dst = parseAddr(p.dst)
    if (!src || !dst) throw new Error(`packet has an invalid address: ${p.src} > ${p.dst}`)
    hit = { src, dst }
    cache.set(p, hit)
  }
  return hit
}
