/**
 * @module core/route/lookup
 * `lookupRoute`: the kernel's answer to "where does this packet go?", for input (received on
 * `iif`) and output (locally generated) packets of either family, as `ip route get` shows it.
 * Pass a state whose routes include the kernel's own (see {@link withKernelRoutes}).
 */
import { KpathError } from '../errors.js'
import type { NetnsState } from '../model/netns.js'
import { routeIndex } from './index-build.js'
import { input4 } from './input4.js'
import { keyOf } from './key.js'
import { output4 } from './output4.js'
import { route6 } from './route6.js'
import type { RouteQuery, RouteResult } from './types.js'

/**
 * Route one packet.
 *
 * @example
 * lookupRoute(state, { dst: '8.8.8.8', input: false })
 * // → { type: 'unicast', table: 254, prefix: 'default', via: '10.0.0.1', dev: 'eth0', src: '10.0.0.2', … }
 * lookupRoute(state, { dst: '10.244.1.5', src: '10.244.2.9', iif: 'flannel.1', input: true })
 * @throws KpathError KPATH_INVALID_ARGUMENT for addresses that do not parse or mix families
 */
export function lookupRoute(state: NetnsState, q: RouteQuery): RouteResult {
  const d = keyOf(q.dst)
  if (!d) throw new KpathError('KPATH_INVALID_ARGUMENT', `not an IP address: ${q.dst}`)
  if (q.src !== undefined && !keyOf(q.src, d.family)) {
    throw new KpathError(
      'KPATH_INVALID_ARGUMENT',
      `source ${q.src} is not an IPv${d.family} address`,
    )
  }
  const ix = routeIndex(state)
  if (d.family === 6) return route6(ix, q)
  return q.input ? input4(ix, q) : output4(ix, q)
}
