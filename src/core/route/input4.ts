/**
 * @module core/route/input4
 * IPv4 input routes: `ip_route_input_slow`, `ip_mkroute_input` and `__mkroute_input`
 * (net/ipv4/route.c), what `ip route get DST from SRC iif DEV [mark M]` answers.
 *
 * Order of checks: martian sources (multicast, limited broadcast, 0/8, loopback without
 * route_localnet), limited broadcast goes to broadcast input, martian destinations (0/8,
 * loopback without route_localnet), then the FIB. A failed lookup is "no route" (the error of
 * the route, or EHOSTUNREACH when the device does not forward); a broadcast route is broadcast
 * input; a local route is local input after source validation; anything else needs forwarding
 * on the input device, a unicast route and a valid source for the output device.
 */
import { unsupported } from '../errors.js'
import { confDev, confOr, forwarding } from './conf.js'
import type { RouteIndex } from './index-build.js'
import { isLbcast4, isLoopback4, isMulticast4, isZeronet4, keyOf } from './key.js'
import { failure, refused, success } from './result.js'
import { type FibResult, fibLookup } from './rules.js'
import type { RouteQuery, RouteResult } from './types.js'
import { validateSource } from './validate-source.js'

function martianSource(r?: RouteResult, rpf = false): RouteResult {
  return {
    ...refused(4, rpf ? 'rp_filter' : 'martian source', 'EINVAL'),
    ...(r ? { reverse: r } : {}),
  }
}

/** Source validation; a refusal becomes the martian-source result the kernel gives. */
function checkSource(
  ix: RouteIndex,
  q: RouteQuery,
  iif: string,
  dst: string,
  oif?: string,
): RouteResult | undefined {
  const v = validateSource(
    ix.state,
    { src: q.src ?? '0.0.0.0', dst, tos: q.tos ?? 0, mark: q.mark ?? 0 },
    iif,
    oif,
  )
  if (v.ok) return undefined
  const r = martianSource(v.route, v.reason === 'rp_filter')
  return v.reason === 'local source' ? { ...r, error: 'local source' } : r
}

/** `brd_input`: a broadcast delivered locally (dev lo), after source validation. */
function broadcastInput(
  ix: RouteIndex,
  q: RouteQuery,
  iif: string,
  src: bigint,
  res?: FibResult,
): RouteResult {
  if (src !== 0n) {
    const bad = checkSource(ix, q, iif, '0.0.0.0')
    if (bad) return bad
  }
  if (!res) return { family: 4, type: 'broadcast', dev: 'lo' }
  return { ...success(ix, res, 'lo', 0n), type: 'broadcast' }
}

export function input4(ix: RouteIndex, q: RouteQuery): RouteResult {
  const iif = q.iif ?? 'lo'
  if (!ix.links.has(iif)) return refused(4, 'no device', 'ENODEV')
  const dst = keyOf(q.dst, 4)?.key ?? 0n
  const src = q.src === undefined ? 0n : (keyOf(q.src, 4)?.key ?? 0n)
  if (isMulticast4(dst)) {
    throw unsupported(
      `input route to multicast ${q.dst}`,
      undefined,
      'group membership is not modelled',
    )
  }
  if (isMulticast4(src) || isLbcast4(src)) return martianSource()
  if (isLbcast4(dst) || (src === 0n && dst === 0n)) return broadcastInput(ix, q, iif, src)
  if (isZeronet4(src)) return martianSource()
  if (isZeronet4(dst)) return refused(4, 'martian destination', 'EINVAL')
  const localnet = confOr(ix.state, iif, 'route_localnet')
  if (isLoopback4(dst) && !localnet) return refused(4, 'martian destination', 'EINVAL')
  if (!isLoopback4(dst) && isLoopback4(src) && !localnet) return martianSource()
  const look = fibLookup(ix.fib, ix.rules[4], {
    family: 4,
    dst,
    src,
    iif,
    mark: q.mark ?? 0,
    tos: q.tos ?? 0,
  })
  const fwd = forwarding(ix.state, 4, iif)
  if (!look.ok) {
    const r = failure(4, look)
    return fwd ? r : { ...r, error: 'forwarding disabled', errno: 'EHOSTUNREACH' }
  }
  const a = look.res.alias
  if (a.type === 'broadcast') return broadcastInput(ix, q, iif, src, look.res)
  if (a.type === 'local') return checkSource(ix, q, iif, q.dst) ?? success(ix, look.res, 'lo', 0n)
  if (!fwd) return { ...refused(4, 'forwarding disabled', 'EHOSTUNREACH'), route: a.route }
  if (a.type !== 'unicast')
    return { ...refused(4, 'martian destination', 'EINVAL'), route: a.route }
  return mkrouteInput(ix, q, iif, look.res)
}

/** `__mkroute_input`: the output device, source validation against it, the ARP rule. */
function mkrouteInput(ix: RouteIndex, q: RouteQuery, iif: string, res: FibResult): RouteResult {
  const out = res.nh?.dev ?? iif
  const bad = checkSource(ix, q, iif, q.dst, out)
  if (bad) return bad
  // "Not IP (i.e. ARP). Do not create route, if it is invalid for proxy arp."
  if (q.arp && out === iif && confDev(ix.state, iif, 'proxy_arp_pvlan') === 0) {
    return { ...refused(4, 'same device', 'EINVAL'), route: res.alias.route }
  }
  return success(ix, res, out, 0n)
}
