/**
 * @module core/netfilter/engine/static-env
 * A {@link NetfilterEnv} for one node described by flags rather than by routes: its local
 * addresses, optionally the addresses of each interface, and the interface forwarded packets
 * leave by. The cluster data plane replaces it with one computed from real routes.
 */

import type { Packet } from '../../model/packet.js'
import { type Addr, cidrContains, parseAddr, parseCidr } from '../../net/ip.js'
import type { AddrType, NetfilterEnv, RouteDecision } from './types.js'

export interface StaticEnvOptions {
  /** Addresses that are local to the node (`--local`). */
  readonly local: readonly string[]
  /** Interface addresses as `iface → ["10.0.0.1/24", …]`, for MASQUERADE and REDIRECT. */
  readonly ifaceAddrs?: Readonly<Record<string, readonly string[]>>
  /** The interface non-local destinations are forwarded to (default `eth0`). */
  readonly outIface?: string
  /**
   * `net.ipv4.conf.*.route_localnet` (default 0, the kernel's): may 127.0.0.0/8 addresses be
   * routed off `lo`? Off, a packet received on another device for or from a loopback address
   * is a martian (ip_route_input_slow), and a locally generated one with a loopback source
   * cannot leave by another device (__mkroute_output: EINVAL). kube-proxy's iptables mode sets
   * it to 1 for localhost NodePorts.
   */
  readonly routeLocalnet?: boolean
}

const LOOPBACK4 = parseCidr('127.0.0.0/8')
const MULTICAST4 = parseCidr('224.0.0.0/4')
const MULTICAST6 = parseCidr('ff00::/8')

function isLoopback4(addr: string): boolean {
  const a = parseAddr(addr)
  return a !== undefined && a.family === 4 && LOOPBACK4 !== undefined && cidrContains(LOOPBACK4, a)
}

/**
 * An address as a set key: IPv4 as its number, IPv6 as its bigint (1 and 1n stay apart). The
 * flags are parsed once here, not on every question a packet asks.
 */
function addrValues(texts: readonly string[]): Set<number | bigint> {
  const out = new Set<number | bigint>()
  for (const t of texts) {
    const a = parseAddr(t)
    if (a) out.add(a.value)
  }
  return out
}

/** `10.0.0.1/24` → `10.0.0.1`: an interface address without its prefix length. */
const host = (cidr: string): string => cidr.split('/')[0] ?? ''

export function staticEnv(o: StaticEnvOptions): NetfilterEnv {
  const ifaceAddrs = o.ifaceAddrs ?? {}
  const localSet = addrValues([...o.local, ...Object.values(ifaceAddrs).flat().map(host)])
  const onIface = new Map(
    Object.entries(ifaceAddrs).map(([dev, list]) => [dev, addrValues(list.map(host))]),
  )
  const isLocalAddr = (a: Addr, dev?: string): boolean => {
    if ((LOOPBACK4 && cidrContains(LOOPBACK4, a)) || (a.family === 6 && a.value === 1n))
      return dev === undefined || dev === 'lo'
    if (!localSet.has(a.value)) return false
    const onDev = dev === undefined ? undefined : onIface.get(dev)
    // With no per-interface addresses, --limit-iface cannot narrow the answer.
    return onDev === undefined || onDev.has(a.value)
  }
  const isLocal = (addr: string, dev?: string): boolean => {
    const a = parseAddr(addr)
    return a !== undefined && isLocalAddr(a, dev)
  }
  const addrType = (addr: string, dev?: string): AddrType => {
    const a = parseAddr(addr)
    if (!a) return 'UNSPEC'
    if (a.value === 0 || a.value === 0n) return 'UNSPEC'
    if (isLocalAddr(a, dev)) return 'LOCAL'
    if ((MULTICAST4 && cidrContains(MULTICAST4, a)) || (MULTICAST6 && cidrContains(MULTICAST6, a)))
      return 'MULTICAST'
    if (a.family === 4 && a.value === 0xffffffff) return 'BROADCAST'
    return 'UNICAST'
  }
  const firstOf = (list: readonly string[] | undefined, family: 4 | 6) =>
    list?.map(host).find((a) => parseAddr(a)?.family === family)
  const anyLocal = (family: 4 | 6) =>
    o.local.find((a) => parseAddr(a)?.family === family && !a.startsWith('127.') && a !== '::1')
  return {
    addrType,
    route(p: Packet): RouteDecision {
      const localnet = o.routeLocalnet === true
      // A packet with an input device other than lo was received; without one it is the
      // node's own (the output route).
      const received = p.inIface !== undefined && p.inIface !== 'lo'
      if (received && !localnet) {
        if (isLoopback4(p.dst)) return { kind: 'unreachable', reason: 'martian destination' }
        if (isLoopback4(p.src)) return { kind: 'unreachable', reason: 'martian source' }
      }
      if (isLocal(p.dst)) return { kind: 'local' }
      const outIface = o.outIface ?? 'eth0'
      if (!received && !localnet && isLoopback4(p.src) && outIface !== 'lo')
        return { kind: 'unreachable', reason: `loopback source cannot leave by ${outIface}` }
      return { kind: 'forward', outIface }
    },
    masqueradeSource: (p, out) => firstOf(ifaceAddrs[out], p.family) ?? anyLocal(p.family),
    primaryAddress: (iface, family) => firstOf(ifaceAddrs[iface], family) ?? anyLocal(family),
    icmpSource: (p) => (isLocal(p.dst) ? p.dst : (anyLocal(p.family) ?? p.dst)),
  }
}
