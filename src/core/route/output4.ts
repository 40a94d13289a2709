/**
 * @module core/route/output4
 * IPv4 output routes: `ip_route_output_key_hash_rcu` and `__mkroute_output` (net/ipv4/route.c),
 * what `ip route get DST [from SRC] [oif DEV] [mark M] [tos T]` answers.
 *
 * Source rules: a given source must be a local address (unless `anySource`); a multicast or
 * limited-broadcast destination with a source and no device leaves by the device holding the
 * source; with a device and no route the kernel assumes the destination is on that link; a
 * local route's source is its `src` or the destination itself; otherwise the route's `src`, or
 * `inet_select_addr` on the next hop's device towards the gateway with the route's scope.
 */
import { confOr } from './conf.js'
import { SCOPE } from './ifaddr.js'
import type { RouteIndex } from './index-build.js'
import {
  isLbcast4,
  isLocalMulticast4,
  isLoopback4,
  isMulticast4,
  isZeronet4,
  keyOf,
  keyText,
} from './key.js'
import { failure, refused, success } from './result.js'
import { type FibResult, type Flow, fibLookup } from './rules.js'
import { deviceOf, inetSelectAddr, isLocalAddr } from './select-addr.js'
import type { RouteQuery, RouteResult } from './types.js'

const LOOPBACK = 0x7f000001n

/** A route built without a FIB entry (on-link assumption, broadcast, multicast). */
function direct(
  ix: RouteIndex,
  type: 'unicast' | 'broadcast' | 'multicast' | 'local',
  dev: string,
  src: bigint,
): RouteResult {
  const mtu = ix.links.get(dev)?.mtu
  return {
    family: 4,
    type,
    dev,
    ...(src === 0n ? {} : { src: keyText(4, src) }),
    ...(mtu === undefined ? {} : { mtu }),
  }
}

/** `__mkroute_output`'s checks and type fix-ups on the way out. */
function mkroute(
  ix: RouteIndex,
  dst: bigint,
  src: bigint,
  dev: string,
  r: RouteResult,
): RouteResult {
  const link = ix.links.get(dev)
  if (isLoopback4(src) && link?.kind !== 'loopback' && !confOr(ix.state, dev, 'route_localnet')) {
    return refused(4, 'invalid source', 'EINVAL')
  }
  if (isLbcast4(dst)) {
    const { via: _via, ...rest } = r
    return { ...rest, type: 'broadcast' }
  }
  if (isMulticast4(dst)) {
    const { via: _via, ...rest } = r
    return { ...rest, type: 'multicast' }
  }
  if (isZeronet4(dst)) return refused(4, 'martian destination', 'EINVAL')
  return r
}

export function output4(ix: RouteIndex, q: RouteQuery): RouteResult {
  const dst = keyOf(q.dst, 4)?.key ?? 0n
  let src = q.src === undefined ? 0n : (keyOf(q.src, 4)?.key ?? 0n)
  const oif = q.oif
  if (src !== 0n) {
    if (isMulticast4(src) || isLbcast4(src) || isZeronet4(src))
      return refused(4, 'invalid source', 'EINVAL')
    if (oif === undefined && (isMulticast4(dst) || isLbcast4(dst))) {
      const dev = deviceOf(ix, 4, src)
      if (dev === undefined) return refused(4, 'invalid source', 'ENETUNREACH')
      return mkroute(ix, dst, src, dev, direct(ix, 'unicast', dev, src))
    }
    if (!q.anySource && !isLocalAddr(ix, 4, src)) return refused(4, 'invalid source', 'ENETUNREACH')
  }
  if (oif !== undefined) {
    const link = ix.links.get(oif)
    if (!link) return refused(4, 'no device', 'ENODEV')
    if (!link.up) return refused(4, 'device down', 'ENETUNREACH')
    if (isLocalMulticast4(dst) || isLbcast4(dst)) {
      if (src === 0n) src = inetSelectAddr(ix, oif, 0n, SCOPE.link)
      return mkroute(ix, dst, src, oif, direct(ix, 'unicast', oif, src))
    }
    if (src === 0n && isMulticast4(dst)) src = inetSelectAddr(ix, oif, 0n, SCOPE.universe)
    else if (src === 0n && dst === 0n) src = inetSelectAddr(ix, oif, 0n, SCOPE.host)
  }
  if (dst === 0n) {
    const self = src === 0n ? LOOPBACK : src
    return direct(ix, 'local', 'lo', self)
  }
  const flow: Flow = {
    family: 4,
    dst,
    src,
    iif: 'lo',
    ...(oif === undefined ? {} : { oif }),
    mark: q.mark ?? 0,
    tos: q.tos ?? 0,
  }
  const look = fibLookup(ix.fib, ix.rules[4], flow)
  if (!look.ok) {
    if (oif === undefined) return failure(4, look)
    // "Apparently, routing tables are wrong. Assume, that the destination is on link."
    if (src === 0n) src = inetSelectAddr(ix, oif, 0n, SCOPE.link)
    return mkroute(ix, dst, src, oif, direct(ix, 'unicast', oif, src))
  }
  return fromFib(ix, look.res, dst, src)
}

function fromFib(ix: RouteIndex, res: FibResult, dst: bigint, src: bigint): RouteResult {
  const a = res.alias
  if (a.type === 'local') {
    const s = src !== 0n ? src : (a.prefsrc ?? dst)
    return mkroute(ix, dst, s, 'lo', success(ix, res, 'lo', s))
  }
  // fib_select_path: without an oif a multipath route picks a next hop by flow hash (kpath
  // reports them all and keeps the first); fib_select_default is not modelled.
  const dev = res.nh?.dev ?? 'lo'
  const s = src !== 0n ? src : (a.prefsrc ?? inetSelectAddr(ix, dev, res.nh?.gw ?? 0n, a.scope))
  return mkroute(ix, dst, s, dev, success(ix, res, dev, s))
}
