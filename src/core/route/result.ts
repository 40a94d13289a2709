/**
 * @module core/route/result
 * Turning a FIB answer into a {@link RouteResult}: text addresses, the matched prefix, the next
 * hop (the gateway only when the next hop has one, as `rt_set_nexthop` does) and the MTU.
 */
import type { RouteErrno } from './fib-alias.js'
import type { RouteIndex } from './index-build.js'
import { type Family, keyText, prefixText } from './key.js'
import type { FibLookup, FibResult } from './rules.js'
import type { RouteError, RouteResult } from './types.js'

const ERROR_BY_ERRNO: Partial<Record<RouteErrno, RouteError>> = {
  EINVAL: 'blackhole',
  EHOSTUNREACH: 'unreachable',
  EACCES: 'prohibit',
  ENETUNREACH: 'network unreachable',
}

/** The failed lookup as a result. */
export function failure(family: Family, look: Extract<FibLookup, { ok: false }>): RouteResult {
  const a = look.alias
  return {
    family,
    type: a?.type === 'throw' || !a ? 'unreachable' : a.type,
    ...(a ? { table: a.table, prefix: prefixText(family, a.net, a.len), route: a.route } : {}),
    ...(look.rule ? { rule: look.rule } : {}),
    error: ERROR_BY_ERRNO[look.errno] ?? 'network unreachable',
    errno: look.errno,
  }
}

/** An error that is not a route's: martians, forwarding off, bad devices. */
export function refused(family: Family, error: RouteError, errno: RouteErrno): RouteResult {
  return { family, type: 'unreachable', error, errno }
}

/** The successful lookup as a result leaving by `dev` with source `src` (0n: none). */
export function success(
  ix: RouteIndex,
  res: FibResult,
  dev: string | undefined,
  src: bigint,
): RouteResult {
  const a = res.alias
  const f = a.family
  const gw = res.nh?.gw
  const link = dev === undefined ? undefined : ix.links.get(dev)
  const mtu = a.route.mtu ?? link?.mtu
  const live = a.nexthops.filter((h) => !h.dead)
  return {
    family: f,
    type: a.type,
    table: res.table,
    prefix: prefixText(f, a.net, a.len),
    ...(gw === undefined || a.type !== 'unicast' ? {} : { via: keyText(f, gw) }),
    ...(dev === undefined ? {} : { dev }),
    ...(src === 0n ? {} : { src: keyText(f, src) }),
    ...(mtu === undefined ? {} : { mtu }),
    route: a.route,
    ...(res.rule ? { rule: res.rule } : {}),
    ...(live.length > 1
      ? {
          multipath: live.map((h) => ({
            ...(h.gw === undefined ? {} : { via: keyText(f, h.gw) }),
            ...(h.dev === undefined ? {} : { dev: h.dev }),
            weight: h.weight,
          })),
        }
      : {}),
  }
}
