/**
 * @module core/route/fib-alias
 * One route compiled for lookups: the kernel's `fib_alias` + `fib_info` + `fib_nh`. Parses the
 * model's text fields once and fills in the defaults `ip route add` and the kernel apply.
 */
import { KpathError } from '../errors.js'
import type { Link, NextHop, Route, RouteType } from '../model/netns.js'
import { SCOPE } from './ifaddr.js'
import { type Family, keyOf, maskOf, widthOf } from './key.js'

/** A next hop (`fib_nh`): `dead` when its device is down, as fib_sync_down_dev marks it. */
export interface FibNexthop {
  readonly gw?: bigint
  readonly dev?: string
  readonly weight: number
  readonly onlink: boolean
  readonly dead: boolean
  /** `nhc_scope`: link for a gateway, host for a directly connected destination. */
  readonly scope: number
}

export interface FibAlias {
  readonly route: Route
  readonly family: Family
  readonly table: number
  readonly type: RouteType
  readonly net: bigint
  readonly len: number
  /** TOS the route is limited to (0: any). */
  readonly tos: number
  readonly metric: number
  /** `fib_scope`: the scope `inet_select_addr` uses for the preferred source. */
  readonly scope: number
  readonly prefsrc?: bigint
  readonly nexthops: readonly FibNexthop[]
  /** The position in the state, to keep the state's order among equal routes. */
  readonly order: number
}

/** Route types whose lookup fails, with the errno `fib_props` gives them. */
export const REJECT_ERRNO: Partial<Record<RouteType, RouteErrno>> = {
  blackhole: 'EINVAL',
  unreachable: 'EHOSTUNREACH',
  prohibit: 'EACCES',
  throw: 'EAGAIN',
}

export type RouteErrno =
  | 'ENETUNREACH'
  | 'EHOSTUNREACH'
  | 'EACCES'
  | 'EINVAL'
  | 'EAGAIN'
  | 'EXDEV'
  | 'ENODEV'

const SCOPE_BY_NAME = {
  global: SCOPE.universe,
  link: SCOPE.link,
  host: SCOPE.host,
  nowhere: SCOPE.nowhere,
} as const

/** iproute2's default scope: host for local, link for broadcast and gateway-less unicast. */
function defaultScope(r: Route): number {
  if (r.type === 'local') return SCOPE.host
  if (r.type === 'broadcast' || r.type === 'multicast' || r.type === 'anycast') return SCOPE.link
  const hasGw = r.via !== undefined || (r.nexthops ?? []).some((n) => n.via !== undefined)
  if (r.type === 'unicast' && !hasGw) return SCOPE.link
  return SCOPE.universe
}

function bad(r: Route, what: string): KpathError {
  return new KpathError('KPATH_INVALID_ARGUMENT', `route ${r.dst} (table ${r.table}): ${what}`, {
    hint: 'routes carry plain addresses, a `default` or `a.b.c.d/len` dst and existing devices',
  })
}

/**
 * Parsed destinations and gateways by route object. Routes are immutable values, and nodes
 * of a large cluster share theirs (flannel's route to each peer), so every node's FIB parses
 * a shared route's text once.
 */
const DSTS = new WeakMap<Route, { net: bigint; len: number }>()
const GATEWAYS = new WeakMap<Route, bigint | undefined>()

/** Parse `default`, `addr` or `addr/len`. */
export function parseRouteDst(r: Route): { net: bigint; len: number } {
  let d = DSTS.get(r)
  if (d === undefined) {
    d = parseDst(r)
    DSTS.set(r, d)
  }
  return d
}

/** The gateway of hop `h` of `r` as a key (cached when it is the route's own `via`). */
function gatewayKey(r: Route, via: string): bigint | undefined {
  if (via !== r.via) return keyOf(via, r.family)?.key
  if (GATEWAYS.has(r)) return GATEWAYS.get(r)
  const k = keyOf(via, r.family)?.key
  GATEWAYS.set(r, k)
  return k
}

function parseDst(r: Route): { net: bigint; len: number } {
  if (r.dst === 'default') return { net: 0n, len: 0 }
  const [addr = '', lenText] = r.dst.split('/')
  const k = keyOf(addr, r.family)
  const len = lenText === undefined ? widthOf(r.family) : Number(lenText)
  if (!k || !Number.isInteger(len) || len < 0 || len > widthOf(r.family)) throw bad(r, 'bad dst')
  return { net: k.key & maskOf(r.family, len), len }
}

function compileHop(r: Route, h: NextHop, links: ReadonlyMap<string, Link>): FibNexthop {
  const gw = h.via === undefined ? undefined : gatewayKey(r, h.via)
  if (h.via !== undefined && gw === undefined) throw bad(r, `bad gateway ${h.via}`)
  const link = h.dev === undefined ? undefined : links.get(h.dev)
  if (h.dev !== undefined && !link) throw bad(r, `no device ${h.dev}`)
  // Local routes keep working on a down device: their next hop has scope nowhere, which
  // fib_sync_down_dev leaves alone (the kernel keeps `local` routes of down links).
  const dead = r.type !== 'local' && link !== undefined && !link.up
  return {
    ...(gw === undefined ? {} : { gw }),
    ...(h.dev === undefined ? {} : { dev: h.dev }),
    weight: h.weight ?? 1,
    onlink: h.onlink ?? false,
    dead,
    scope: gw === undefined ? SCOPE.host : SCOPE.link,
  }
}

/** IPv4 routes default to metric 0; IPv6 ones to 1024 (IP6_RT_PRIO_USER), local ones to 0. */
function defaultMetric(r: Route): number {
  if (r.family === 4 || r.type === 'local' || r.type === 'anycast') return 0
  return 1024
}

const REJECTS: ReadonlySet<RouteType> = new Set(['blackhole', 'unreachable', 'prohibit', 'throw'])

export function compileAlias(r: Route, order: number, links: ReadonlyMap<string, Link>): FibAlias {
  const { net, len } = parseRouteDst(r)
  const prefsrc = r.src === undefined ? undefined : keyOf(r.src, r.family)
  if (r.src !== undefined && !prefsrc) throw bad(r, `bad src ${r.src}`)
  const hops: NextHop[] =
    r.nexthops && r.nexthops.length > 0
      ? [...r.nexthops]
      : REJECTS.has(r.type)
        ? // IPv6 binds reject routes to the loopback device (`ip -6 route` shows `dev lo`).
          r.family === 6
          ? [{ dev: 'lo' }]
          : []
        : [
            {
              ...(r.via === undefined ? {} : { via: r.via }),
              ...(r.dev === undefined ? {} : { dev: r.dev }),
              ...(r.onlink ? { onlink: true } : {}),
            },
          ]
  return {
    route: r,
    family: r.family,
    table: r.table,
    type: r.type,
    net,
    len,
    tos: r.tos ?? 0,
    metric: r.metric ?? defaultMetric(r),
    scope: r.scope === undefined ? defaultScope(r) : SCOPE_BY_NAME[r.scope],
    ...(prefsrc === undefined ? {} : { prefsrc: prefsrc.key }),
    nexthops: hops.map((h) => compileHop(r, h, links)),
    order,
  }
}

/**
 * The kernel's order of aliases at one prefix (fib_trie.c `fib_find_alias`): higher table id
 * first (it matters only when local and main share a trie), then higher TOS, then lower
 * metric; the state's order among equals.
 */
export function compareAliases(a: FibAlias, b: FibAlias): number {
  return b.table - a.table || b.tos - a.tos || a.metric - b.metric || a.order - b.order
}
