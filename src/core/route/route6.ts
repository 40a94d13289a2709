/**
 * @module core/route/route6
 * IPv6 routes (net/ipv6/route.c `ip6_route_output_flags`, `ip6_route_input_lookup`): the
 * rules, then longest prefix and lowest metric. A device binds the lookup (RT6_LOOKUP_F_IFACE)
 * or is preferred among equal routes; reject routes live on `lo`, so a bound lookup skips them;
 * unlike IPv4 there is no on-link fallback. The
 * source is the route's `src`, else RFC 6724 selection towards the destination. Input routes
 * do not look at forwarding (ip6_forward does, later) and IPv6 has no rp_filter.
 *
 * Not modelled: round-robin among equal-metric routers (rt6_select), neighbour reachability
 * scoring, cached exceptions (PMTU, redirects), martian checks of ip6_rcv_core.
 */
import type { RouteIndex } from './index-build.js'
import { isLinkLocal6, isLoopback6, isMulticast6, keyOf } from './key.js'
import { failure, refused, success } from './result.js'
import { fibLookup } from './rules.js'
import { ipv6DevGetSaddr } from './saddr6.js'
import type { RouteQuery, RouteResult } from './types.js'

/** `rt6_need_strict`: multicast, link-local and loopback destinations stay on their device. */
function needStrict(dst: bigint): boolean {
  return isMulticast6(dst) || isLinkLocal6(dst) || isLoopback6(dst)
}

/**
 * The device the lookup is bound to (RT6_LOOKUP_F_IFACE) or merely prefers. Output: bound to
 * `oif` when the source is unset or the destination needs it, else `oif` is a preference.
 * Input: the input device plays `oif` (ip6_pol_route_input), bound for strict destinations.
 */
function devices(q: RouteQuery, dst: bigint, src: bigint): { oif?: string; preferDev?: string } {
  const dev = q.input ? (q.iif ?? 'lo') : q.oif
  if (dev === undefined) return {}
  const strict = needStrict(dst) || (!q.input && src === 0n)
  return strict ? { oif: dev } : { preferDev: dev }
}

export function route6(ix: RouteIndex, q: RouteQuery): RouteResult {
  const dst = keyOf(q.dst, 6)?.key ?? 0n
  const src = q.src === undefined ? 0n : (keyOf(q.src, 6)?.key ?? 0n)
  const iif = q.input ? (q.iif ?? 'lo') : 'lo'
  if (!ix.links.has(iif) || (q.oif !== undefined && !ix.links.has(q.oif))) {
    return refused(6, 'no device', 'ENODEV')
  }
  const look = fibLookup(ix.fib, ix.rules[6], {
    family: 6,
    dst,
    src,
    iif,
    ...devices(q, dst, src),
    ...(q.input || q.oif === undefined ? {} : { ruleOif: q.oif }),
    mark: q.mark ?? 0,
    tos: q.tos ?? 0,
  })
  if (!look.ok) return failure(6, look)
  const a = look.res.alias
  const nhDev = look.res.nh?.dev
  if (a.type === 'local' || a.type === 'anycast') {
    const s = q.input ? 0n : src || (a.prefsrc ?? ipv6DevGetSaddr(ix, nhDev, dst) ?? 0n)
    return success(ix, look.res, 'lo', s)
  }
  const s = q.input ? 0n : src || (a.prefsrc ?? ipv6DevGetSaddr(ix, nhDev, dst) ?? 0n)
  return success(ix, look.res, nhDev, s)
}
