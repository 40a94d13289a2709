/**
 * @module core/route/validate-source
 * Source validation of a received packet: `fib_validate_source` and `__fib_validate_source`
 * (net/ipv4/fib_frontend.c), where rp_filter lives.
 *
 * - rp_filter is `max(conf.all, conf.<iif>)`: 0 off, 1 strict, 2 loose.
 * - Off (and not about to send a redirect): only a source that is one of our own addresses is
 *   refused, unless accept_local; with custom rules or custom local routes the full check runs
 *   anyway (in which a missing route is fine).
 * - The full check looks the *source* up as a destination, from the packet's destination,
 *   with the packet's mark only if src_valid_mark, and `iif` = the output device (lo for local
 *   delivery), so `ip rule … iif lo` rules apply to it.
 * - Strict: a next hop of that route must use the input device. Loose: any unicast route back
 *   will do. Either way an input device without IPv4 addresses needs the device match.
 */
import type { NetnsState } from '../model/netns.js'
import { confMax, confOr } from './conf.js'
import type { RouteErrno } from './fib-alias.js'
import { routeIndex } from './index-build.js'
import { keyOf } from './key.js'
import { failure, success } from './result.js'
import { fibLookup } from './rules.js'
import { isIfaceAddr } from './select-addr.js'
import type { RouteResult } from './types.js'

export interface SourcePacket {
  readonly src: string
  readonly dst: string
  readonly tos?: number
  readonly mark?: number
}

export type SourceCheck =
  | { readonly ok: true; readonly route?: RouteResult }
  | {
      readonly ok: false
      readonly reason: 'rp_filter' | 'local source' | 'invalid source'
      /** What the kernel function returns (ip route get reports EINVAL on 6.13+). */
      readonly errno: Extract<RouteErrno, 'EXDEV' | 'EINVAL'>
      /** The reverse route the check found, if any. */
      readonly route?: RouteResult
    }

/**
 * Check the source of an IPv4 packet received on `iif`. `oif` is the device a forwarded packet
 * will leave by (omit it for local delivery).
 *
 * @example
 * validateSource(state, { src: '192.168.50.51', dst: '10.96.0.20' }, 'flannel0')
 * // → { ok: false, reason: 'rp_filter', … } when rp_filter is 1 and the way back is eth0
 */
export function validateSource(
  state: NetnsState,
  pkt: SourcePacket,
  iif: string,
  oif?: string,
): SourceCheck {
  const ix = routeIndex(state)
  const src = keyOf(pkt.src, 4)?.key ?? 0n
  const rpf = confMax(state, iif, 'rp_filter')
  const acceptLocal = confOr(state, iif, 'accept_local')
  const redirects = oif === iif && confOr(state, iif, 'send_redirects')
  if (rpf === 0 && !redirects) {
    if (acceptLocal) return { ok: true }
    if (!ix.customLocalRoutes && !ix.customRules4) {
      return isIfaceAddr(ix, 4, src)
        ? { ok: false, reason: 'local source', errno: 'EINVAL' }
        : { ok: true }
    }
  }
  const mark = confOr(state, iif, 'src_valid_mark') ? (pkt.mark ?? 0) : 0
  const dst = keyOf(pkt.dst, 4)?.key ?? 0n
  const look = fibLookup(ix.fib, ix.rules[4], {
    family: 4,
    dst: src,
    src: dst,
    iif: oif ?? 'lo',
    mark,
    tos: pkt.tos ?? 0,
  })
  const lastResort = (route?: RouteResult): SourceCheck =>
    rpf
      ? { ok: false, reason: 'rp_filter', errno: 'EXDEV', ...(route ? { route } : {}) }
      : { ok: true }
  if (!look.ok) return lastResort(failure(4, look))
  const a = look.res.alias
  const route = success(ix, look.res, look.res.nh?.dev, 0n)
  if (a.type !== 'unicast') {
    if (a.type !== 'local') return { ok: false, reason: 'invalid source', errno: 'EINVAL', route }
    if (!acceptLocal) return { ok: false, reason: 'local source', errno: 'EINVAL', route }
  }
  const devMatch = a.nexthops.some((h) => h.dev === iif) || (a.type === 'local' && iif === 'lo')
  if (devMatch) return { ok: true, route }
  if ((ix.addrs[4].get(iif) ?? []).length === 0) return lastResort(route)
  if (rpf === 1) return { ok: false, reason: 'rp_filter', errno: 'EXDEV', route }
  return { ok: true, route }
}
