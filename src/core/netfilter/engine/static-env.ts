/**
 * @module core/netfilter/engine/static-env
 * A {@link NetfilterEnv} for one node described by flags rather than by routes: its local
 * addresses, optionally the addresses of each interface, and the interface forwarded packets
 * leave by. The cluster data plane replaces it with one computed from real routes.
 */

import type { Packet } from '../../model/packet.js'
import { cidrContains, parseAddr, parseCidr } from '../../net/ip.js'
import type { AddrType, NetfilterEnv, RouteDecision } from './types.js'

export interface StaticEnvOptions {
  /** Addresses that are local to the node (`--local`). */
  readonly local: readonly string[]
  /** Interface addresses as `iface → ["10.0.0.1/24", …]`, for MASQUERADE and REDIRECT. */
  readonly ifaceAddrs?: Readonly<Record<string, readonly string[]>>
  /** The interface non-local destinations are forwarded to (default `eth0`). */
  readonly outIface?: string
}

const LOOPBACK4 = parseCidr('127.0.0.0/8')
const MULTICAST4 = parseCidr('224.0.0.0/4')
const MULTICAST6 = parseCidr('ff00::/8')

export function staticEnv(o: StaticEnvOptions): NetfilterEnv {
  const ifaceAddrs = o.ifaceAddrs ?? {}
  const localSet = new Set(
    o.local
      .map((a) => parseAddr(a))
      .filter((a) => a !== undefined)
      .map((a) => `${a.family}:${a.value}`),
  )
  for (const list of Object.values(ifaceAddrs)) {
    for (const c of list) {
      const a = parseAddr(c.split('/')[0] ?? '')
      if (a) localSet.add(`${a.family}:${a.value}`)
    }
  }
  const isLocal = (addr: string, dev?: string): boolean => {
    const a = parseAddr(addr)
    if (!a) return false
    if ((LOOPBACK4 && cidrContains(LOOPBACK4, a)) || (a.family === 6 && a.value === 1n))
      return dev === undefined || dev === 'lo'
    if (!localSet.has(`${a.family}:${a.value}`)) return false
    const onDev = dev === undefined ? undefined : ifaceAddrs[dev]
    // With no per-interface addresses, --limit-iface cannot narrow the answer.
    return onDev === undefined || onDev.some((c) => c.split('/')[0] === addr)
  }
  const addrType = (addr: string, dev?: string): AddrType => {
    const a = parseAddr(addr)
    if (!a) return 'UNSPEC'
    if (a.value === 0 || a.value === 0n) return 'UNSPEC'
    if (isLocal(addr, dev)) return 'LOCAL'
    if ((MULTICAST4 && cidrContains(MULTICAST4, a)) || (MULTICAST6 && cidrContains(MULTICAST6, a)))
      return 'MULTICAST'
    if (a.family === 4 && a.value === 0xffffffff) return 'BROADCAST'
    return 'UNICAST'
  }
  const firstOf = (list: readonly string[] | undefined, family: 4 | 6) =>
    list?.map((c) => c.split('/')[0] ?? '').find((a) => parseAddr(a)?.family === family)
  const anyLocal = (family: 4 | 6) =>
    o.local.find((a) => parseAddr(a)?.family === family && !a.startsWith('127.') && a !== '::1')
  return {
    addrType,
    route(p: Packet): RouteDecision {
      if (isLocal(p.dst)) return { kind: 'local' }
      return { kind: 'forward', outIface: o.outIface ?? 'eth0' }
    },
    masqueradeSource: (p, out) => firstOf(ifaceAddrs[out], p.family) ?? anyLocal(p.family),
    primaryAddress: (iface, family) => firstOf(ifaceAddrs[iface], family) ?? anyLocal(family),
    icmpSource: (p) => (isLocal(p.dst) ? p.dst : (anyLocal(p.family) ?? p.dst)),
  }
}
