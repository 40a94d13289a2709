/**
 * @module core/route/addr-type
 * The type of an address as `-m addrtype` and the kernel's own checks see it.
 *
 * IPv4 (`__inet_dev_addr_type`, net/ipv4/fib_frontend.c): 0.0.0.0/8 and 255.255.255.255 are
 * BROADCAST, 224/4 MULTICAST; otherwise the type of the local table's route for the address
 * (LOCAL, BROADCAST, …), UNICAST when it has none or a reject route; with a device, a route
 * through another device reads as UNICAST. (While local and main share a trie, main's routes
 * answer too, as in the kernel.)
 *
 * IPv6 (xt_addrtype.c `match_type6`): `::` is UNSPEC, ff00::/8 MULTICAST; otherwise a route
 * lookup: an error or reject route is UNREACHABLE, a local route LOCAL (with a device: the
 * address must be on it), an anycast route ANYCAST, anything else UNICAST.
 */
import { TABLE_LOCAL } from '../model/netns.js'
import type { AddrType } from '../netfilter/engine/types.js'
import { tableLookup } from './fib.js'
import type { RouteIndex } from './index-build.js'
import { isLbcast4, isMulticast4, isMulticast6, isZeronet4, keyText } from './key.js'
import { route6 } from './route6.js'

export function addrType4(ix: RouteIndex, addr: bigint, dev?: string): AddrType {
  if (isZeronet4(addr) || isLbcast4(addr)) return 'BROADCAST'
  if (isMulticast4(addr)) return 'MULTICAST'
  const local = ix.fib.table(4, TABLE_LOCAL)
  if (!local) return 'BROADCAST'
  const r = tableLookup(local, { dst: addr, tos: 0 })
  if (r.kind !== 'hit') return 'UNICAST'
  if (dev !== undefined && r.alias.nexthops[0]?.dev !== dev) return 'UNICAST'
  return r.alias.type.toUpperCase() as AddrType
}

export function addrType6(ix: RouteIndex, addr: bigint, dev?: string): AddrType {
  if (addr === 0n) return 'UNSPEC'
  if (isMulticast6(addr)) return 'MULTICAST'
  const r = route6(ix, {
    dst: keyText(6, addr),
    input: false,
    ...(dev === undefined ? {} : { oif: dev }),
  })
  if (r.error !== undefined) return 'UNREACHABLE'
  if (dev !== undefined && (ix.addrs[6].get(dev) ?? []).some((a) => a.local === addr))
    return 'LOCAL'
  if (r.type === 'local' && dev === undefined) return 'LOCAL'
  if (r.type === 'anycast') return 'ANYCAST'
  return 'UNICAST'
}

/** Both families, from text; UNSPEC for text that is not an address. */
export function addrType(ix: RouteIndex, family: 4 | 6, addr: bigint, dev?: string): AddrType {
  return family === 4 ? addrType4(ix, addr, dev) : addrType6(ix, addr, dev)
}
