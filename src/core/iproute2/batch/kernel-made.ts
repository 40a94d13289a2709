/**
 * @module core/iproute2/batch/kernel-made
 * What a namespace holds that no command creates: the kernel makes it from something else.
 * A model that describes a namespace completely lists these too (so that it prints like the
 * real listing); the batch generator must leave them out.
 *
 * - routes with `proto kernel`: prefix, local, broadcast, anycast and multicast routes made
 *   from addresses and links (`fib_add_ifaddr`, `addrconf_*`);
 * - IPv6 link-local addresses (fe80::/64 + EUI-64 of the MAC, made when a link comes up,
 *   `addrconf_addr_gen`), `::1` and `127.0.0.1/8` on `lo`;
 * - the policy rules every namespace starts with (0 local, 32766 main, 32767 default);
 * - FDB entries for multicast MACs (`self permanent`, from the link's multicast list), a
 *   macvlan's MAC on its parent, and the bridge's own `master permanent` entries for its
 *   ports' and its own MACs.
 */
import type { Address, FdbEntry, Link, PolicyRule, Route } from '../../model/netns.js'
import { TABLE_DEFAULT, TABLE_LOCAL, TABLE_MAIN } from '../../model/netns.js'
import { canonicalAddr, formatIPv6 } from '../../net/ip.js'

export function kernelRoute(r: Route): boolean {
  return r.proto === 'kernel'
}

/** fe80::/64 plus the modified EUI-64 of `mac` (RFC 4291 appendix A). */
export function linkLocalOf(mac: string): string {
  const b = mac.split(':').map((x) => Number.parseInt(x, 16))
  const eui = [(b[0] ?? 0) ^ 2, b[1] ?? 0, b[2] ?? 0, 0xff, 0xfe, b[3] ?? 0, b[4] ?? 0, b[5] ?? 0]
  let iid = 0n
  for (const byte of eui) iid = (iid << 8n) | BigInt(byte)
  return formatIPv6((0xfe80n << 112n) | iid)
}

export function kernelAddress(a: Address, links: readonly Link[]): boolean {
  if (
    a.iface === 'lo' &&
    ((a.family === 4 && a.local === '127.0.0.1' && a.prefixLen === 8) || a.local === '::1')
  ) {
    return true
  }
  if (a.family !== 6 || a.scope !== 'link' || a.prefixLen !== 64) return false
  const mac = links.find((l) => l.name === a.iface)?.mac
  return mac !== undefined && canonicalAddr(a.local) === linkLocalOf(mac)
}

export function defaultRule(r: PolicyRule): boolean {
  const plain =
    r.from === undefined &&
    r.to === undefined &&
    r.iif === undefined &&
    r.oif === undefined &&
    r.fwmark === undefined &&
    r.not !== true &&
    (r.action === undefined || r.action === 'lookup')
  if (!plain) return false
  return (
    (r.priority === 0 && r.table === TABLE_LOCAL) ||
    (r.priority === 32766 && r.table === TABLE_MAIN) ||
    (r.family === 4 && r.priority === 32767 && r.table === TABLE_DEFAULT)
  )
}

function multicastMac(mac: string): boolean {
  return (Number.parseInt(mac.slice(0, 2), 16) & 1) === 1
}

export function kernelFdb(e: FdbEntry, links: readonly Link[]): boolean {
  if (e.self && e.permanent && multicastMac(e.mac)) return true
  // A macvlan puts its MAC on its parent's unicast list (dev_uc_add), which `bridge fdb` shows.
  if (e.self && e.permanent && links.some((l) => l.macvlan?.parent === e.dev && l.mac === e.mac))
    return true
  // The bridge's local entries: its own MAC and each port's.
  if (e.master !== undefined && e.permanent && !e.self) {
    const own = links.find((l) => l.name === e.dev)?.mac
    return own === e.mac
  }
  return false
}
