/**
 * @module core/route/index-build
 * Everything routing needs from a {@link NetnsState}, compiled once: links by name, addresses
 * in kernel order, the FIB and the sorted rules. Compiled indexes are cached per state object
 * (states are immutable values), so repeated lookups on one state cost only the lookup.
 */
import { KpathError } from '../errors.js'
import type { Link, NetnsState, PolicyRule, Route } from '../model/netns.js'
import { ipv6Disabled } from './conf.js'
import { connectedDevice, Fib } from './fib.js'
import { compileAddresses, type IfAddr } from './ifaddr.js'
import type { Family } from './key.js'
import { hasCustomRules, sortRules } from './rules.js'

export interface RouteIndex {
  readonly state: NetnsState
  readonly links: ReadonlyMap<string, Link>
  /** Links in `dev_base` order (by ifindex): the order fallback address searches walk. */
  readonly linkOrder: readonly Link[]
  readonly addrs: Readonly<Record<Family, ReadonlyMap<string, readonly IfAddr[]>>>
  /** Every address, newest first: the order of the kernel's address hash chains. */
  readonly newestFirst: Readonly<Record<Family, readonly IfAddr[]>>
  readonly fib: Fib
  readonly rules: Readonly<Record<Family, readonly PolicyRule[]>>
  /** `fib4_has_custom_rules`: rules besides the three defaults exist. */
  readonly customRules4: boolean
  /** `fib_has_custom_local_routes`: someone added a `local` route (not the kernel). */
  readonly customLocalRoutes: boolean
}

const cache = new WeakMap<NetnsState, RouteIndex>()

/** The compiled index of a state (cached). Throws KPATH_INVALID_ARGUMENT on bad routes. */
export function routeIndex(state: NetnsState): RouteIndex {
  let ix = cache.get(state)
  if (!ix) {
    ix = build(state)
    cache.set(state, ix)
  }
  return ix
}

function build(state: NetnsState): RouteIndex {
  const links = new Map<string, Link>()
  for (const l of state.links) {
    if (links.has(l.name)) {
      throw new KpathError('KPATH_INVALID_ARGUMENT', `two links named ${l.name} in ${state.name}`)
    }
    links.set(l.name, l)
  }
  const customRules4 = hasCustomRules(state.rules, 4)
  const routes = state.routes
  const addrs = {
    4: compileAddresses(state.addresses, 4),
    6: compileAddresses(live6(state, links), 6),
  }
  const newest = (f: Family) => {
    const all = [...addrs[f].values()].flat()
    return state.addresses.flatMap((a) => all.filter((x) => x.source === a)).reverse()
  }
  return {
    state,
    links,
    linkOrder: [...state.links].sort((a, b) => a.index - b.index),
    addrs,
    newestFirst: { 4: newest(4), 6: newest(6) },
    fib: new Fib(withGatewayDevs(routes, links, customRules4), links, !customRules4),
    rules: { 4: sortRules(state.rules, 4), 6: sortRules(state.rules, 6) },
    customRules4,
    customLocalRoutes: routes.some(
      (r) => r.family === 4 && r.type === 'local' && r.proto !== 'kernel',
    ),
  }
}

/** IPv6 addresses count only on links with IPv6 enabled (disable_ipv6 flushes them). */
function live6(state: NetnsState, links: ReadonlyMap<string, Link>) {
  return state.addresses.filter(
    (a) => a.family === 6 && links.has(a.iface) && !ipv6Disabled(state, a.iface),
  )
}

/**
 * A gateway route given without a device gets the device of the route that reaches the
 * gateway, as `fib_check_nh` resolves it when the route is added.
 */
function withGatewayDevs(
  routes: readonly Route[],
  links: ReadonlyMap<string, Link>,
  customRules4: boolean,
): readonly Route[] {
  if (!routes.some((r) => r.via !== undefined && r.dev === undefined)) return routes
  const plain = routes.filter((r) => !(r.via !== undefined && r.dev === undefined))
  const fib = new Fib(plain, links, !customRules4)
  return routes.map((r) => {
    if (r.via === undefined || r.dev !== undefined) return r
    const dev = connectedDevice(fib, r.family, r.table, r.via)
    if (dev === undefined) {
      throw new KpathError(
        'KPATH_INVALID_ARGUMENT',
        `route ${r.dst} via ${r.via}: gateway not reachable`,
        {
          hint: 'the kernel refuses it too ("Nexthop has invalid gateway"); add dev and onlink',
        },
      )
    }
    return { ...r, dev }
  })
}
