/**
 * @module core/route/env
 * The netfilter engine's view of the rest of the namespace ({@link NetfilterEnv}), computed from
 * the namespace's real routes and addresses instead of flags:
 * - `addrType`: the local table, as `-m addrtype` reads it (see addr-type.ts);
 * - `route`: an input route for packets with an input device (forwarding, martians and
 *   rp_filter included; IPv6 forwards only with `conf.all.forwarding`), else an output route
 *   whose source need not be local (ip_route_me_harder's FLOWI_FLAG_ANYSRC);
 * - `masqueradeSource`: `inet_select_addr` on the output device towards the next hop
 *   (nf_nat_masquerade_ipv4), or RFC 6724 selection for IPv6;
 * - `primaryAddress`: the device's first address (nf_nat_redirect), loopback for locally
 *   generated packets;
 * - `icmpSource`: the rules of `__icmp_send` / `icmp6_send`.
 */
import type { NetnsState } from '../model/netns.js'
import type { Packet } from '../model/packet.js'
import type { AddrType, NetfilterEnv, RouteDecision } from '../netfilter/engine/types.js'
import { addrType } from './addr-type.js'
import { forwarding6, netSwitch } from './conf.js'
import { SCOPE } from './ifaddr.js'
import { type RouteIndex, routeIndex } from './index-build.js'
import { keyOf, keyText } from './key.js'
import { lookupRoute } from './lookup.js'
import { ipv6DevGetSaddr } from './saddr6.js'
import { firstAddress, inetSelectAddr, isLocalAddr } from './select-addr.js'
import type { RouteResult } from './types.js'

/** The route the kernel gives a packet at this point of its path. */
/** Route results of one namespace by the packet fields the lookup reads (states are immutable). */
type RouteCache = Map<string, RouteResult>

function routeOf(state: NetnsState, p: Packet, cache?: RouteCache): RouteResult {
  if (cache === undefined) return lookupOf(state, p)
  const key = `${p.dst}\0${p.src}\0${p.inIface ?? ''}\0${p.mark}\0${p.tos ?? ''}`
  let r = cache.get(key)
  if (r === undefined) {
    r = lookupOf(state, p)
    cache.set(key, r)
  }
  return r
}

function lookupOf(state: NetnsState, p: Packet): RouteResult {
  const input = p.inIface !== undefined
  return lookupRoute(state, {
    dst: p.dst,
    src: p.src,
    ...(input ? { iif: p.inIface } : {}),
    input,
    mark: p.mark,
    ...(p.tos === undefined ? {} : { tos: p.tos }),
    anySource: true,
  })
}

function decide(state: NetnsState, p: Packet, cache?: RouteCache): RouteDecision {
  const r = routeOf(state, p, cache)
  if (r.error !== undefined) return { kind: 'unreachable', reason: r.error }
  if (r.type === 'local' || (p.inIface !== undefined && r.type === 'broadcast')) {
    return { kind: 'local', iface: p.inIface ?? 'lo' }
  }
  if (p.family === 6 && p.inIface !== undefined && !forwarding6(state)) {
    return { kind: 'unreachable', reason: 'forwarding disabled' }
  }
  if (r.dev === undefined) return { kind: 'unreachable', reason: `no device for a ${r.type} route` }
  return { kind: 'forward', outIface: r.dev, ...(r.src === undefined ? {} : { src: r.src }) }
}

function masquerade(
  state: NetnsState,
  ix: RouteIndex,
  p: Packet,
  out: string,
  cache?: RouteCache,
): string | undefined {
  const dst = keyOf(p.dst, p.family)?.key
  if (dst === undefined) return undefined
  if (p.family === 6) {
    const s = ipv6DevGetSaddr(ix, out, dst)
    return s === undefined ? undefined : keyText(6, s)
  }
  const r = routeOf(state, p, cache)
  const nh = r.via === undefined ? dst : (keyOf(r.via, 4)?.key ?? dst)
  const s = inetSelectAddr(ix, out, nh, SCOPE.universe)
  return s === 0n ? undefined : keyText(4, s)
}

function icmpSource(state: NetnsState, ix: RouteIndex, p: Packet): string {
  const dst = keyOf(p.dst, p.family)?.key ?? 0n
  const r = routeOf(state, p)
  if (r.type === 'local' || isLocalAddr(ix, p.family, dst)) return p.dst
  if (
    p.family === 4 &&
    p.inIface !== undefined &&
    netSwitch(state, 'net.ipv4.icmp_errors_use_inbound_ifaddr')
  ) {
    const s = inetSelectAddr(ix, p.inIface, keyOf(p.src, 4)?.key ?? 0n, SCOPE.link)
    if (s !== 0n) return keyText(4, s)
  }
  // Otherwise the error is routed back to the sender like any local packet, mark 0.
  const back = lookupRoute(state, { dst: p.src, input: false })
  // With no way back the kernel sends nothing; the original destination stands in.
  return back.src ?? p.dst
}

/**
 * A {@link NetfilterEnv} for a namespace, from its routes and addresses. Give it a state that
 * holds the kernel's own routes ({@link withKernelRoutes}).
 *
 * @example
 * const env = netfilterEnv(withKernelRoutes(node))
 * env.route({ …packet, inIface: 'eth0' }) // → { kind: 'forward', outIface: 'cni0' }
 */
export function netfilterEnv(state: NetnsState): NetfilterEnv {
  const ix = routeIndex(state)
  // A cluster trace asks each namespace's routing the same questions in every branch.
  const cache: RouteCache = new Map()
  return {
    addrType(addr: string, dev?: string): AddrType {
      const k = keyOf(addr)
      return k ? addrType(ix, k.family, k.key, dev) : 'UNSPEC'
    },
    route: (p) => decide(state, p, cache),
    masqueradeSource: (p, out) => masquerade(state, ix, p, out, cache),
    primaryAddress(iface, family) {
      // nf_nat_redirect: locally generated packets go to the loopback address.
      if (iface === '') return family === 4 ? '127.0.0.1' : '::1'
      const a = firstAddress(ix, iface, family)
      return a === undefined ? undefined : keyText(family, a)
    },
    icmpSource: (p) => icmpSource(state, ix, p),
  }
}
