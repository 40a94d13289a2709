/**
 * @module core/route/confirm-addr
 * `inet_confirm_addr` / `confirm_addr_indev` (net/ipv4/devinet.c): is `local` one of our
 * addresses (on a device or anywhere) of at least `scope`, in a subnet that also holds `dst`?
 * arp_ignore 1, 2 and 3 are built on it.
 */
import { confOr } from './conf.js'
import { ifaMatch, SCOPE } from './ifaddr.js'
import type { RouteIndex } from './index-build.js'

/**
 * One device's answer: the confirmed address, or 0n. A 0n `local` or `dst` means "any". The
 * address holding `local` and the subnet holding both need not be the same entry.
 */
export function confirmAddrIndev(
  ix: RouteIndex,
  dev: string,
  dst: bigint,
  local: bigint,
  scope: number,
): bigint {
  const localnet = confOr(ix.state, dev, 'route_localnet') ? SCOPE.link : SCOPE.host
  let addr = 0n
  let same = false
  for (const ifa of ix.addrs[4].get(dev) ?? []) {
    const minScope = Math.min(ifa.scope, localnet)
    if (addr === 0n && (local === ifa.local || local === 0n) && minScope <= scope) {
      addr = ifa.local
      if (same) break
    }
    if (!same) {
      same = (local === 0n || ifaMatch(ifa, local)) && (dst === 0n || ifaMatch(ifa, dst))
      if (same && addr !== 0n) {
        if (local !== 0n || dst === 0n) break
        if (ifaMatch(ifa, addr)) break // the selected address is in dst's subnet
        if (minScope <= scope) {
          addr = ifa.local
          break
        }
        same = false // look for a larger dst subnet holding addr
      }
    }
  }
  return same ? addr : 0n
}

/** `inet_confirm_addr`: on `dev`, or on every device in ifindex order when undefined. */
export function confirmAddr(
  ix: RouteIndex,
  dev: string | undefined,
  dst: bigint,
  local: bigint,
  scope: number,
): bigint {
  if (dev !== undefined) return confirmAddrIndev(ix, dev, dst, local, scope)
  for (const l of ix.linkOrder) {
    const a = confirmAddrIndev(ix, l.name, dst, local, scope)
    if (a !== 0n) return a
  }
  return 0n
}
