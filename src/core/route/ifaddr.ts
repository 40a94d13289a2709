/**
 * @module core/route/ifaddr
 * Interface addresses in the order the kernel keeps them, which decides which address
 * `inet_select_addr` and REDIRECT pick.
 *
 * IPv4 (net/ipv4/devinet.c `__inet_insert_ifa`): an address in the same subnet (same mask) as
 * an earlier one becomes *secondary* and goes to the end; a primary is inserted after the last
 * primary whose scope is at least its own, so link- and host-scope addresses come before global
 * ones. Replaying that over a list already in kernel order changes nothing, so the state may
 * list addresses either in the order they were added or as `ip addr` dumps them.
 *
 * IPv6 (net/ipv6/addrconf.c `ipv6_link_dev_addr`) keeps each device's list sorted by scope,
 * global first, and puts a new address *before* the older ones of its scope. kpath reads the
 * state's order as the order the addresses were added (as the lab builds them), so a state
 * taken from `ip -6 addr`, which lists the kernel's order, must reverse each scope's run.
 */
import { KpathError } from '../errors.js'
import type { Address } from '../model/netns.js'
import { type Family, inPrefix, keyOf } from './key.js'

/** Route scopes by number (include/uapi/linux/rtnetlink.h `rt_scope_t`). */
export const SCOPE = { universe: 0, site: 200, link: 253, host: 254, nowhere: 255 } as const

const SCOPE_BY_NAME: Readonly<Record<Address['scope'], number>> = {
  global: SCOPE.universe,
  link: SCOPE.link,
  host: SCOPE.host,
}

/** One configured address, compiled. */
export interface IfAddr {
  readonly family: Family
  readonly iface: string
  /** `ifa_local`: the address of this host. */
  readonly local: bigint
  /** `ifa_address`: the peer for point-to-point addresses, else the local address. */
  readonly address: bigint
  readonly prefixLen: number
  readonly scope: number
  readonly secondary: boolean
  readonly broadcast?: bigint
  readonly text: string
  readonly source: Address
}

function compileOne(a: Address): IfAddr {
  const local = keyOf(a.local, a.family)
  const peer = a.peer === undefined ? undefined : keyOf(a.peer, a.family)
  const brd = a.broadcast === undefined ? undefined : keyOf(a.broadcast, a.family)
  if (!local || (a.peer !== undefined && !peer) || (a.broadcast !== undefined && !brd)) {
    throw new KpathError('KPATH_INVALID_ARGUMENT', `bad address ${a.local} on ${a.iface}`, {
      hint: 'addresses are plain IPv4/IPv6 text without a prefix; the length goes in prefixLen',
    })
  }
  return {
    family: a.family,
    iface: a.iface,
    local: local.key,
    address: peer?.key ?? local.key,
    prefixLen: a.prefixLen,
    scope: SCOPE_BY_NAME[a.scope],
    secondary: false,
    ...(brd === undefined ? {} : { broadcast: brd.key }),
    text: a.local,
    source: a,
  }
}

/** `__inet_insert_ifa`: append one IPv4 address to a device list in kernel order. */
function insert4(list: IfAddr[], next: IfAddr): void {
  let lastPrimary = 0
  let secondary = next.secondary
  for (let i = 0; i < list.length; i++) {
    const cur = list[i] as IfAddr
    if (!cur.secondary && next.scope <= cur.scope) lastPrimary = i + 1
    const sameNet =
      cur.prefixLen === next.prefixLen && inPrefix(4, next.address, cur.address, cur.prefixLen)
    if (sameNet && cur.local !== next.local) secondary = true
  }
  const placed = { ...next, secondary }
  if (secondary) list.push(placed)
  else list.splice(lastPrimary, 0, placed)
}

/** IPv6 source scope, coarse: global 14, site 5, link 2, loopback 1 (`ipv6_addr_src_scope`). */
function scope6(a: bigint): number {
  if (a === 1n) return 1
  if (a >> 118n === 0x3fan) return 2
  if (a >> 118n === 0x3fbn) return 5
  return 14
}

/** `ipv6_link_dev_addr`: before the first address of the same or a narrower scope. */
function insert6(list: IfAddr[], next: IfAddr): void {
  const s = scope6(next.local)
  const at = list.findIndex((a) => s >= scope6(a.local))
  if (at < 0) list.push(next)
  else list.splice(at, 0, next)
}

/** Per-interface address lists of one family, in kernel order. */
export function compileAddresses(
  addresses: readonly Address[],
  family: Family,
): Map<string, IfAddr[]> {
  const byDev = new Map<string, IfAddr[]>()
  for (const a of addresses) {
    if (a.family !== family) continue
    const list = byDev.get(a.iface) ?? []
    byDev.set(a.iface, list)
    const ifa = compileOne(a)
    if (list.some((x) => x.local === ifa.local && x.prefixLen === ifa.prefixLen)) continue
    if (family === 4) insert4(list, ifa)
    else insert6(list, ifa)
  }
  return byDev
}

/** `inet_ifa_match`: `addr` is inside the subnet of `ifa`. */
export function ifaMatch(ifa: IfAddr, addr: bigint): boolean {
  return inPrefix(ifa.family, addr, ifa.address, ifa.prefixLen)
}
