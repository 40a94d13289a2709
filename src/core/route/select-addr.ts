/**
 * @module core/route/select-addr
 * IPv4 source address selection: `inet_select_addr` (net/ipv4/devinet.c). The device's primary
 * addresses whose scope is wide enough, preferring one whose subnet holds `dst`; failing that,
 * the first suitable non-link-scope address of any device, loopback first (`dev_base` order).
 */
import { TABLE_LOCAL } from '../model/netns.js'
import { confOr } from './conf.js'
import { tableLookup } from './fib.js'
import { ifaMatch, SCOPE } from './ifaddr.js'
import type { RouteIndex } from './index-build.js'

/**
 * The address a packet leaving by `dev` towards `dst` (0n: any) uses as its source, for a
 * route of `scope`; 0n when the namespace has none.
 *
 * @example
 * // 10.0.0.2/24 on eth0, route scope link: inetSelectAddr(ix, 'eth0', 0n, SCOPE.link) → 10.0.0.2
 */
export function inetSelectAddr(ix: RouteIndex, dev: string, dst: bigint, scope: number): bigint {
  // 127/8 addresses have scope host; route_localnet lets them serve link-scope routes.
  const localnet = confOr(ix.state, dev, 'route_localnet') ? SCOPE.link : SCOPE.host
  let addr = 0n
  for (const ifa of ix.addrs[4].get(dev) ?? []) {
    if (ifa.secondary) continue
    if (Math.min(ifa.scope, localnet) > scope) continue
    if (dst === 0n || ifaMatch(ifa, dst)) return ifa.local
    if (addr === 0n) addr = ifa.local
  }
  if (addr !== 0n) return addr
  for (const link of ix.linkOrder) {
    for (const ifa of ix.addrs[4].get(link.name) ?? []) {
      if (ifa.secondary) continue
      if (ifa.scope !== SCOPE.link && ifa.scope <= scope) return ifa.local
    }
  }
  return 0n
}

/** The first address on a device (`ifa_list`), what REDIRECT rewrites to (nf_nat_redirect). */
export function firstAddress(ix: RouteIndex, dev: string, family: 4 | 6): bigint | undefined {
  return ix.addrs[family].get(dev)?.[0]?.local
}

/**
 * The device owning a local address (`__ip_dev_find`): an interface address, else a `local`
 * route of the local table ("so that communication over loopback subnets work": 127.0.0.2,
 * or any address of a `local 10.9.0.0/24 dev lo` route).
 */
export function deviceOf(ix: RouteIndex, family: 4 | 6, addr: bigint): string | undefined {
  // inet_hash_insert adds at the head of the chain: the newest holder of a shared address wins.
  const own = ix.newestFirst[family].find((a) => a.local === addr)
  if (own) return own.iface
  if (family === 6) return undefined
  const local = ix.fib.table(4, TABLE_LOCAL)
  const r = local && tableLookup(local, { dst: addr, tos: 0 })
  return r?.kind === 'hit' && r.alias.type === 'local' ? r.nh?.dev : undefined
}

/** `addr` is an address of this host (`__ip_dev_find` found a device). */
export function isLocalAddr(ix: RouteIndex, family: 4 | 6, addr: bigint): boolean {
  return deviceOf(ix, family, addr) !== undefined
}

/** Some interface has exactly `addr` (`inet_lookup_ifaddr_rcu`). */
export function isIfaceAddr(ix: RouteIndex, family: 4 | 6, addr: bigint): boolean {
  for (const list of ix.addrs[family].values()) if (list.some((a) => a.local === addr)) return true
  return false
}
