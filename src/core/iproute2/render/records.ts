/**
 * @module core/iproute2/render/records
 * A model namespace as the records the listing printers take, in kernel dump order, with
 * the fields the kernel adds filled in: link state and counters, address lifetimes, route
 * flags (`linkdown` on a link without carrier), IPv6 route preference and metric.
 *
 * @example
 * const w = worldOf(emptyNetns('n1'))
 * printIpLinkJson(linkRecords(w), contextFor(w.state, w.all))
 */
import type { Address, FdbEntry, Neighbour, PolicyRule, Route } from '../../model/netns.js'
import type { IpAddress } from '../addr/record.js'
import type { IpBridgeLink } from '../brlink/record.js'
import type { IpFdbEntry } from '../fdb/record.js'
import { obj } from '../fields.js'
import type { JsonObject, JsonValue } from '../json/value.js'
import { sortFlags } from '../link/keys.js'
import type { IpLink } from '../link/record.js'
import type { IpAddrListing } from '../listing/addr.js'
import type { IpNeighbour } from '../neigh/record.js'
import type { IpRoute } from '../route/record.js'
import type { IpRule } from '../rule/record.js'
import { linkRecord } from './link-extra.js'
import { addressOrder, routeOrder, ruleOrder } from './order.js'
import { carrier, findLink, type World } from './world.js'

const FOREVER = 4294967295

export function linkRecords(world: World): IpLink[] {
  return [...world.state.links].sort((a, b) => a.index - b.index).map((l) => linkRecord(world, l))
}

function addressRecord(a: Address): IpAddress {
  return { address: a, extra: { valid_life_time: FOREVER, preferred_life_time: FOREVER } }
}

/** `ip addr`: each link with its addresses in the kernel's order. */
export function addrListing(world: World): IpAddrListing {
  const links = linkRecords(world)
  const addresses = links.flatMap((l) =>
    addressOrder(world.state.addresses.filter((a) => a.iface === l.link.name)).map(addressRecord),
  )
  return { links, addresses }
}

function linkdown(world: World, dev: string | undefined): boolean {
  const link = dev === undefined ? undefined : findLink(world, dev)
  return link !== undefined && !carrier(world, link)
}

function routeRecord(world: World, r: Route): IpRoute {
  const extra: Record<string, JsonValue> = {}
  const reject = ['blackhole', 'unreachable', 'prohibit', 'throw'].includes(r.type)
  let route = r
  if (r.family === 6) {
    // IPv6 keeps a metric on every route (IP6_RT_PRIO_USER for user routes) and sends
    // reject routes through the loopback device.
    route = {
      ...r,
      metric: r.metric ?? 1024,
      ...(reject && r.dev === undefined ? { dev: 'lo' } : {}),
    }
    extra.pref = 'medium'
  }
  extra.flags = r.type !== 'local' && linkdown(world, route.dev) ? ['linkdown'] : []
  if (route.nexthops !== undefined) {
    extra.nexthops = route.nexthops.map(
      (h): JsonObject => ({ flags: linkdown(world, h.dev) ? ['linkdown'] : [] }),
    )
  }
  return { route, extra }
}

/** `ip route show table all`: IPv4 then IPv6 (`family` limits it, as `-4`/`-6` do). */
export function routeRecords(world: World, family?: 4 | 6): IpRoute[] {
  const families: (4 | 6)[] = family === undefined ? [4, 6] : [family]
  return families.flatMap((f) =>
    routeOrder(world.state.routes, f).map((r) => routeRecord(world, r)),
  )
}

export function ruleRecords(world: World, family: 4 | 6): IpRule[] {
  return ruleOrder(world.state.rules, family).map((rule: PolicyRule) => ({ rule, extra: {} }))
}

/**
 * `ip neigh` (`proxy: false`) hides NOARP entries (its default filter is every state but
 * NUD_NOARP) and proxies; `ip neigh show proxy` shows only proxies. The kernel's order is its
 * hash table's: the model's order is kept.
 */
export function neighRecords(world: World, options: { readonly proxy: boolean }): IpNeighbour[] {
  return world.state.neighbours
    .filter((n: Neighbour) =>
      options.proxy ? n.proxy === true : n.proxy !== true && n.state !== 'NOARP',
    )
    .map((neighbour) => ({ neighbour, extra: {} }))
}

export function fdbRecords(world: World): IpFdbEntry[] {
  return (world.state.fdb ?? []).map((entry: FdbEntry) => ({ entry, extra: {} }))
}

/** `bridge link`: the bridge ports; a cross-namespace veth's `link` is the local link with the peer's index. */
export function bridgeLinkRecords(
  world: World,
  indexOf?: (netns: string, name: string) => number | undefined,
): IpBridgeLink[] {
  return linkRecords(world)
    .filter((r) => r.link.master !== undefined && r.link.bridgePort !== undefined)
    .map((r): IpBridgeLink => {
      const l = r.link
      const extra: Record<string, JsonValue> = { flags: withOwned(r), mtu: l.mtu }
      const peer = l.peer
      if (peer !== undefined) {
        const index =
          peer.netns === world.state.name
            ? findLink(world, peer.name)?.index
            : indexOf?.(peer.netns, peer.name)
        if (index !== undefined)
          extra.link = world.state.links.find((x) => x.index === index)?.name ?? `if${index}`
      }
      Object.assign(extra, portExtra(r))
      return {
        index: l.index,
        name: l.name,
        master: l.master ?? '',
        port: l.bridgePort ?? { hairpin: false, learning: true, flood: true },
        extra,
      }
    })
}

/** The port's full flag list: `bridge link` has no model fields for UP and NOARP. */
function withOwned(r: IpLink): JsonValue[] {
  const flags = (Array.isArray(r.extra.flags) ? r.extra.flags : []).filter(
    (f): f is string => typeof f === 'string',
  )
  return sortFlags([...flags, ...(r.link.up ? ['UP'] : []), ...(r.link.noarp ? ['NOARP'] : [])])
}

/** `bridge link` keys the port data also has (`bridge link` key ← `ip -d link` key). */
const PORT_KEYS: readonly (readonly [string, string])[] = [
  ['state', 'state'],
  ['priority', 'priority'],
  ['cost', 'cost'],
  ['guard', 'guard'],
  ['root_block', 'root_block'],
  ['fastleave', 'fastleave'],
  ['mcast_flood', 'mcast_flood'],
  ['bcast_flood', 'bcast_flood'],
  ['mcast_router', 'multicast_router'],
  ['mcast_to_unicast', 'mcast_to_unicast'],
  ['neigh_suppress', 'neigh_suppress'],
  ['vlan_tunnel', 'vlan_tunnel'],
  ['isolated', 'isolated'],
  ['locked', 'locked'],
]

function portExtra(r: IpLink): JsonObject {
  const data = obj(obj(r.extra, 'linkinfo') ?? {}, 'info_slave_data') ?? {}
  const out: Record<string, JsonValue> = {}
  for (const [key, from] of PORT_KEYS) {
    const v = data[from]
    if (v !== undefined) out[key] = v
  }
  return out
}
