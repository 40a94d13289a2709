/**
 * @module core/route/arp
 * Whether the namespace answers an ARP request, and what its own requests carry: `arp_process`,
 * `arp_ignore`, `arp_filter`, `arp_fwd_proxy`, `arp_fwd_pvlan` and `arp_solicit`
 * (net/ipv4/arp.c).
 *
 * A request for `tip` from `sip` received on `dev` is routed like an IP packet from `sip` to
 * `tip` arriving on `dev` (`ip_route_input_noref`, with rp_filter and the ARP rule that the
 * route may not leave by `dev`). Then:
 * - a local target is answered unless arp_ignore (1: only addresses of `dev`; 2: and `sip` in
 *   the same subnet; 3: not scope-host addresses; 8: never) or arp_filter (the route back to
 *   `sip` must leave by `dev`) says no;
 * - otherwise, if `dev` forwards and the route is unicast: proxy_arp (with medium_id rules),
 *   proxy_arp_pvlan, or a proxy neighbour entry (`ip neigh add proxy`) answers, after a random
 *   delay up to `neigh.<dev>.proxy_delay` unless that is 0.
 * The answer always carries `dev`'s own MAC. Calico's 169.254.1.1 works this way: the cali*
 * side has proxy_arp=1 and the node routes 169.254.1.1 out of another interface (its default
 * route); with no such route there is no answer (kernel-lab §3).
 */
import type { NetnsState } from '../model/netns.js'
import { addrType4 } from './addr-type.js'
import { confDev, confMax, confOr, forwarding, proxyDelay } from './conf.js'
import { confirmAddr } from './confirm-addr.js'
import { parseRouteDst } from './fib-alias.js'
import { ifaMatch, SCOPE } from './ifaddr.js'
import { type RouteIndex, routeIndex } from './index-build.js'
import { isLoopback4, isMulticast4, keyOf, keyText } from './key.js'
import { lookupRoute } from './lookup.js'
import { inetSelectAddr } from './select-addr.js'

export type ArpAnswer =
  | {
      readonly answer: true
      /** The MAC in the reply: the receiving device's own. */
      readonly mac: string
      readonly reason: 'local' | 'proxy_arp' | 'proxy_arp_pvlan' | 'proxy entry' | 'dad probe'
      /** Proxy replies wait up to proxy_delay (jiffies) unless it is 0. */
      readonly delayed?: boolean
    }
  | { readonly answer: false; readonly reason: string }

const no = (reason: string): ArpAnswer => ({ answer: false, reason })

/** `arp_ignore`: true when the local target must not be answered. */
function ignored(ix: RouteIndex, dev: string, sip: bigint, tip: bigint): boolean {
  switch (confMax(ix.state, dev, 'arp_ignore')) {
    case 1:
      return confirmAddr(ix, dev, 0n, tip, SCOPE.host) === 0n
    case 2:
      return confirmAddr(ix, dev, sip, tip, SCOPE.host) === 0n
    case 3:
      return confirmAddr(ix, undefined, 0n, tip, SCOPE.link) === 0n
    case 8:
      return true
    default:
      return false
  }
}

/** `arp_filter`: the route from `tip` back to `sip` must leave by `dev`. */
function filtered(ix: RouteIndex, dev: string, sip: string, tip: string): boolean {
  if (!confOr(ix.state, dev, 'arp_filter')) return false
  const r = lookupRoute(ix.state, { dst: sip, src: tip, input: false })
  return r.error !== undefined || r.dev !== dev
}

/** `arp_fwd_proxy`: proxy_arp on `dev`, and the media ids allow it. */
function fwdProxy(ix: RouteIndex, dev: string, outDev: string | undefined): boolean {
  if (outDev === dev || !confOr(ix.state, dev, 'proxy_arp')) return false
  const imi = confDev(ix.state, dev, 'medium_id')
  if (imi === 0) return true
  if (imi === -1 || outDev === undefined) return false
  const omi = confDev(ix.state, outDev, 'medium_id')
  return omi !== imi && omi !== -1
}

function proxyEntry(state: NetnsState, dev: string, tip: bigint): boolean {
  return state.neighbours.some(
    (n) => n.proxy === true && n.dev === dev && keyOf(n.dst, 4)?.key === tip,
  )
}

/**
 * States whose producer vouches that they answer ARP for their own addresses only: no
 * proxy_arp or proxy_arp_pvlan set anywhere, no proxy neighbour entry and no `local` route
 * besides those the kernel derives from the addresses. The cluster assembly says so of the
 * nodes it builds on first use, so that {@link mayAnswerArp} reads only their links and
 * addresses, which are known before the node is built: a flood over a 1,000-node underlay
 * then builds none of the nodes that do not answer. A copy of such a state (a spread) is not
 * in the set and gets the full test.
 */
const OWN_ADDRESSES_ONLY = new WeakSet<NetnsState>()

/** Vouch that `state` answers ARP for its own addresses only (see {@link mayAnswerArp}). */
export function answersArpForOwnAddressesOnly(state: NetnsState): void {
  OWN_ADDRESSES_ONLY.add(state)
}

/**
 * The kernel's own `local` routes cover the target: one of the addresses, or inside the
 * prefix of an address on a loopback device (fib_add_ifaddr makes that whole prefix local).
 */
function ownsTarget(state: NetnsState, tip: bigint): boolean {
  for (const a of state.addresses) {
    if (a.family !== 4) continue
    const k = keyOf(a.local, 4)?.key
    if (k === tip) return true
    if (k === undefined || state.links.find((l) => l.name === a.iface)?.kind !== 'loopback')
      continue
    const shift = BigInt(32 - a.prefixLen)
    if (a.prefixLen === 0 || tip >> shift === k >> shift) return true
  }
  return false
}

/**
 * A cheap test that is exact in one direction: `false` means {@link answersArp} says no for
 * this target on `dev`, whatever the sender; `true` means it may answer, so ask it. It reads
 * the namespace's routes, sysctls and neighbours but does not compile its routing tables:
 * flooding an ARP request over a cluster's underlay asks every node in port order, and
 * compiling a thousand nodes' FIBs to hear "no" was most of a trace's time. Every yes of
 * answersArp is a local target (a `local` route covers it, which is also what makes a DAD
 * probe's target LOCAL) or a proxy (proxy_arp on `all` or `dev`, proxy_arp_pvlan on `dev`, a
 * proxy neighbour entry on `dev`).
 */
export function mayAnswerArp(state: NetnsState, dev: string, targetIp: string): boolean {
  const tip = keyOf(targetIp, 4)?.key
  if (tip === undefined) return true
  if (OWN_ADDRESSES_ONLY.has(state)) return ownsTarget(state, tip)
  for (const r of state.routes) {
    if (r.family !== 4 || r.type !== 'local') continue
    const { net, len } = parseRouteDst(r)
    if (len === 0 || tip >> BigInt(32 - len) === net >> BigInt(32 - len)) return true
  }
  if (confOr(state, dev, 'proxy_arp') || confDev(state, dev, 'proxy_arp_pvlan') !== 0) return true
  return state.neighbours.some((n) => n.proxy === true && n.dev === dev)
}

/**
 * Does the namespace answer "who has `targetIp`? tell `senderIp`" received on `dev`?
 *
 * @example
 * answersArp(node, 'cali1234', '169.254.1.1', '10.234.64.10')
 * // → { answer: true, mac: 'ee:ee:ee:ee:ee:ee', reason: 'proxy_arp', delayed: false }
 */
export function answersArp(
  state: NetnsState,
  dev: string,
  targetIp: string,
  senderIp: string,
): ArpAnswer {
  const ix = routeIndex(state)
  const link = ix.links.get(dev)
  if (!link) return no(`no device ${dev}`)
  if (!link.up) return no(`${dev} is down`)
  if (link.noarp || link.kind === 'loopback') return no(`${dev} does not do ARP (IFF_NOARP)`)
  const tip = keyOf(targetIp, 4)?.key
  const sip = keyOf(senderIp, 4)?.key
  if (tip === undefined || sip === undefined) return no('not IPv4 addresses')
  const mac = link.mac ?? '00:00:00:00:00:00'
  if (isMulticast4(tip) || (isLoopback4(tip) && !confOr(state, dev, 'route_localnet'))) {
    return no('target is multicast or loopback')
  }
  if (sip === 0n) {
    if (addrType4(ix, tip) === 'LOCAL' && !ignored(ix, dev, sip, tip))
      return { answer: true, mac, reason: 'dad probe' }
    return no('duplicate address probe for an address that is not ours')
  }
  const r = lookupRoute(state, { dst: targetIp, src: senderIp, iif: dev, input: true, arp: true })
  if (r.error !== undefined) return no(`no input route to the target: ${r.error}`)
  if (r.type === 'local') {
    if (ignored(ix, dev, sip, tip)) return no('arp_ignore')
    if (filtered(ix, dev, senderIp, targetIp)) return no('arp_filter')
    return { answer: true, mac, reason: 'local' }
  }
  if (!forwarding(state, 4, dev) || r.type !== 'unicast')
    return no(`target route is ${r.type}, not proxied`)
  const delayed = proxyDelay(state, dev) !== 0
  if (fwdProxy(ix, dev, r.dev)) return { answer: true, mac, reason: 'proxy_arp', delayed }
  if (r.dev === dev && sip !== tip && confDev(state, dev, 'proxy_arp_pvlan') !== 0) {
    return { answer: true, mac, reason: 'proxy_arp_pvlan', delayed }
  }
  if (r.dev !== dev && proxyEntry(state, dev, tip))
    return { answer: true, mac, reason: 'proxy entry', delayed }
  return no('target is routed elsewhere and nothing proxies it')
}

/**
 * The sender address of the namespace's own ARP request for `target` on `dev`, triggered by a
 * packet from `packetSrc` (`arp_solicit` with arp_announce 0: any local source; 1: only one
 * in the target's subnet on `dev`; 2: always `inet_select_addr`).
 */
export function arpSource(
  state: NetnsState,
  dev: string,
  target: string,
  packetSrc?: string,
): string | undefined {
  const ix = routeIndex(state)
  const t = keyOf(target, 4)?.key ?? 0n
  const s = packetSrc === undefined ? undefined : keyOf(packetSrc, 4)?.key
  let saddr = 0n
  const announce = confMax(state, dev, 'arp_announce')
  if (s !== undefined && addrType4(ix, s) === 'LOCAL') {
    if (announce === 0) saddr = s
    // inet_addr_onlink: one subnet on dev holds both the target and the source.
    else if (
      announce === 1 &&
      (ix.addrs[4].get(dev) ?? []).some((a) => ifaMatch(a, t) && ifaMatch(a, s))
    )
      saddr = s
  }
  if (saddr === 0n) saddr = inetSelectAddr(ix, dev, t, SCOPE.link)
  return saddr === 0n ? undefined : keyText(4, saddr)
}
