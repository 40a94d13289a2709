/**
 * @module core/route/kernel-routes
 * The routes the kernel adds by itself when addresses are configured, so a state may give only
 * links and addresses. Checked against Linux 6.18 (`ip addr add`, `ip link set up`, then
 * `ip route show table all`; see kernel-routes.live.test.ts).
 *
 * IPv4 (net/ipv4/fib_frontend.c `fib_add_ifaddr`), per address, all `proto kernel`:
 * - `local ADDR dev IF table local scope host src PRIMARY`: always, even on a down link (PRIMARY
 *   is the address itself, or for a secondary the primary of its subnet);
 * - on an up link only:
 *   - `broadcast BRD … table local scope link` for an explicit `brd` other than 255.255.255.255;
 *   - for a primary whose prefix is not 0/8 and is not a lone /32 host address:
 *     `PREFIX dev IF scope link src ADDR` in main (on a loopback device: `local PREFIX … table
 *     local scope host`), and below /31 `broadcast PREFIX|~MASK … table local scope link`.
 *     A peer address (`peer P/len`) takes its prefix from the peer.
 * - `lo` brought up always gets 127.0.0.1/8 (scope host) and ::1/128 (inetdev_event and
 *   addrconf on NETDEV_UP of the loopback device); kpath adds them when the state lacks them.
 *
 * IPv6 (net/ipv6/addrconf.c), on links with IPv6 enabled:
 * - `local ADDR dev IF table local metric 0` per address (after DAD; kpath treats every
 *   address as past DAD), also on a down link (an address added while the link is down stays;
 *   taking a link down flushes its addresses, so a dump never shows that case);
 * - `anycast PREFIX:: dev IF table local metric 0` (the subnet-router anycast address) per
 *   prefix shorter than /127 while the device forwards, also on a down link;
 * - on up links only: `PREFIX dev IF metric 256` in main per address and prefix, /128
 *   included (not for the loopback's own ::1), and `multicast ff00::/8 dev IF table local
 *   metric 256` per non-loopback link with an address.
 *
 * Not generated: link-local addresses and their fe80::/64 routes (the kernel derives them from
 * the MAC and the addr_gen_mode; importers read them from `ip addr`, renderers must list them),
 * routes of `noprefixroute` addresses (the model has no such flag), `metric` on addresses.
 */
import type { Address, NetnsState, Route } from '../model/netns.js'
import { TABLE_LOCAL, TABLE_MAIN } from '../model/netns.js'
import { forwarding, ipv6Disabled } from './conf.js'
import { parseRouteDst } from './fib-alias.js'
import { compileAddresses, type IfAddr } from './ifaddr.js'
import { isZeronet4, keyText, maskOf, prefixText } from './key.js'

function primaryOf(list: readonly IfAddr[], ifa: IfAddr): IfAddr {
  const net = (a: IfAddr) => a.address & maskOf(4, a.prefixLen)
  return (
    list.find((p) => !p.secondary && p.prefixLen === ifa.prefixLen && net(p) === net(ifa)) ?? ifa
  )
}

/** The routes `fib_add_ifaddr` adds once the link is up. */
function upRoutes4(ifa: IfAddr, primary: IfAddr, loopback: boolean): Route[] {
  const base = {
    family: 4,
    dev: ifa.iface,
    proto: 'kernel',
    src: keyText(4, primary.local),
  } as const
  const out: Route[] = []
  const brd = (addr: bigint): Route => ({
    ...base,
    table: TABLE_LOCAL,
    type: 'broadcast',
    dst: keyText(4, addr),
    scope: 'link',
  })
  if (ifa.broadcast !== undefined && ifa.broadcast !== 0xffffffffn) out.push(brd(ifa.broadcast))
  const mask = maskOf(4, ifa.prefixLen)
  const prefix = ifa.address & mask
  if (isZeronet4(prefix) || ifa.secondary || (prefix === ifa.local && ifa.prefixLen === 32))
    return out
  const dst = prefixText(4, prefix, ifa.prefixLen)
  out.push(
    loopback
      ? { ...base, table: TABLE_LOCAL, type: 'local', dst, scope: 'host' }
      : { ...base, table: TABLE_MAIN, type: 'unicast', dst, scope: 'link' },
  )
  if (ifa.prefixLen < 31) out.push(brd(prefix | (~mask & 0xffffffffn)))
  return out
}

/**
 * Local routes first, in address order, then per up link (in link order) the rest, in the
 * device's address order: the order the kernel files them in when addresses are configured
 * before links come up, which decides between equal routes (a local address that is also
 * some subnet's broadcast address).
 */
function routes4(state: NetnsState, addresses: readonly Address[]): Route[] {
  const byDev = compileAddresses(addresses, 4)
  const out: Route[] = []
  for (const a of addresses) {
    const list = byDev.get(a.iface) ?? []
    const ifa = list.find((x) => x.source === a)
    if (!ifa) continue
    const src = keyText(4, primaryOf(list, ifa).local)
    out.push({
      family: 4,
      dev: a.iface,
      proto: 'kernel',
      src,
      table: TABLE_LOCAL,
      type: 'local',
      dst: keyText(4, ifa.local),
      scope: 'host',
    })
  }
  for (const link of state.links) {
    const list = byDev.get(link.name)
    if (!link.up || !list) continue
    for (const ifa of list)
      out.push(...upRoutes4(ifa, primaryOf(list, ifa), link.kind === 'loopback'))
  }
  return out
}

function routes6(state: NetnsState, addresses: readonly Address[]): Route[] {
  const out: Route[] = []
  for (const [dev, list] of compileAddresses(addresses, 6)) {
    const link = state.links.find((l) => l.name === dev)
    if (!link || ipv6Disabled(state, dev)) continue
    const base = { family: 6, dev, proto: 'kernel' } as const
    const lo = link.kind === 'loopback'
    if (!lo && link.up)
      out.push({ ...base, table: TABLE_LOCAL, type: 'multicast', dst: 'ff00::/8', metric: 256 })
    for (const ifa of list) {
      out.push({
        ...base,
        table: TABLE_LOCAL,
        type: 'local',
        dst: keyText(6, ifa.local),
        metric: 0,
      })
      const net = ifa.local & maskOf(6, ifa.prefixLen)
      if (link.up && !(lo && ifa.local === 1n)) {
        out.push({
          ...base,
          table: TABLE_MAIN,
          type: 'unicast',
          dst: prefixText(6, net, ifa.prefixLen),
          metric: 256,
        })
      }
      if (ifa.prefixLen < 127 && net !== 0n && forwarding(state, 6, dev)) {
        out.push({ ...base, table: TABLE_LOCAL, type: 'anycast', dst: keyText(6, net), metric: 0 })
      }
    }
  }
  return out
}

/** The loopback addresses `ip link set lo up` configures, where missing. */
/** The loopback addresses the kernel gives `lo` when it is up and lacks them. */
export function loopbackAddresses(
  state: Pick<NetnsState, 'links' | 'addresses' | 'sysctls'>,
): Address[] {
  const lo = state.links.find((l) => l.kind === 'loopback' && l.up)
  if (!lo) return []
  const has = (local: string) =>
    state.addresses.some((a) => a.iface === lo.name && a.local === local)
  const out: Address[] = []
  if (!has('127.0.0.1'))
    out.push({ iface: lo.name, family: 4, local: '127.0.0.1', prefixLen: 8, scope: 'host' })
  if (!has('::1') && !ipv6Disabled(state, lo.name)) {
    out.push({ iface: lo.name, family: 6, local: '::1', prefixLen: 128, scope: 'host' })
  }
  return out
}

/** Identity of a route for de-duplication: table, type, prefix, device, source, metric. */
/** Keys by route object (routes are immutable; large clusters share them between nodes). */
const KEYS = new WeakMap<Route, string>()

function routeKey(r: Route): string {
  let k = KEYS.get(r)
  if (k === undefined) {
    k = makeRouteKey(r)
    KEYS.set(r, k)
  }
  return k
}

function makeRouteKey(r: Route): string {
  const { net, len } = parseRouteDst(r)
  return [
    r.family,
    r.table,
    r.type,
    prefixText(r.family, net, len),
    r.dev ?? '',
    r.src ?? '',
    r.metric ?? 0,
  ].join(' ')
}

/**
 * The state plus every route (and loopback address) the kernel derives from its links and
 * addresses. Routes already present are not duplicated, so a state read from a real dump comes
 * back with the same routes.
 *
 * @example
 * withKernelRoutes({ ...emptyNetns('n1'), links: [lo, eth0], addresses: [{ iface: 'eth0',
 *   family: 4, local: '10.0.0.2', prefixLen: 24, scope: 'global' }] }).routes
 * // local 10.0.0.2, 10.0.0.0/24 dev eth0 scope link src 10.0.0.2, broadcast 10.0.0.255, …
 */
export function withKernelRoutes(state: NetnsState): NetnsState {
  const addresses = [...state.addresses, ...loopbackAddresses(state)]
  const seen = new Set(state.routes.map(routeKey))
  const added: Route[] = []
  for (const r of [...routes4(state, addresses), ...routes6(state, addresses)]) {
    const k = routeKey(r)
    if (seen.has(k)) continue
    seen.add(k)
    added.push(r)
  }
  return { ...state, addresses, routes: [...state.routes, ...added] }
}
