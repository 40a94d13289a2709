/**
 * @module core/ipset/db-lookup
 * The kernel's test, add and del of one packet in one (non-list) set, as the `kadt` functions
 * and ip_set_hash_gen.h do them:
 *
 * - a set needs at least as many directions as it has dimensions, and the packet's family
 *   (bitmap:port and list:set take both) — otherwise nothing matches (ip_set_test);
 * - hash types with a network dimension try the prefix lengths present in the set, most
 *   specific first, and the first member found decides: a `nomatch` member answers "nomatch"
 *   and so excludes its prefix from the wider ones (mtype_test_cidrs);
 * - hash:net,iface stops at the first prefix that has a member for the address at all, even
 *   if its interface differs (the IP_SET_HASH_WITH_MULTI rule);
 * - add and del from the SET target use the most specific prefix present (INIT_CIDR of
 *   h->nets[0]), or a host prefix when there is none.
 *
 * Lookups are one map probe per prefix length, never a scan of the members.
 */
import { KpathError } from '../errors.js'
import type { Packet } from '../model/packet.js'
import { cidrOrder, type DbMember, type DbSet, indexMember, netKey } from './db-set.js'
import { type AddrPart, elemKey, hostBits, type Part, prefixMask } from './element.js'
import type { IpSetOption } from './model.js'
import { packetAddr, packetIface, packetPort, packetTcpUdpPort, type SetDir } from './packet-key.js'

export type TestResult = 'match' | 'nomatch' | 'none'

/** Whether the set can look at this packet at all (dimension and family, as ip_set_test checks). */
export function applies(set: DbSet, pkt: Packet, dirs: readonly SetDir[]): boolean {
  if (dirs.length < set.info.dims.length) return false
  return set.family === undefined || set.family === pkt.family
}

function storeMask(set: DbSet, family: 4 | 6): bigint {
  if (set.spec.netmask !== undefined) return prefixMask(family, set.spec.netmask)
  return set.spec.bitmask ?? prefixMask(family, hostBits(family))
}

function addrPart(family: 4 | 6, value: bigint, cidr: number, net: boolean): AddrPart {
  return { kind: 'addr', family, value: value & prefixMask(family, cidr), cidr, net }
}

/** The packet's part for each dimension; the network dimension gets its host address. */
function packetParts(set: DbSet, pkt: Packet, dirs: readonly SetDir[]): Part[] | undefined {
  const family = pkt.family
  const parts: Part[] = []
  const dims = set.info.dims
  for (let i = 0; i < dims.length; i++) {
    const kind = dims[i]
    const dir = dirs[i] as SetDir
    let part: Part | undefined
    if (kind === 'ip') {
      const masked = i === 0 && (set.info.type === 'hash:ip' || set.info.type === 'hash:ip,port')
      const value =
        packetAddr(pkt, dir) &
        (masked ? storeMask(set, family) : prefixMask(family, hostBits(family)))
      part = addrPart(family, value, hostBits(family), false)
    } else if (kind === 'net') part = addrPart(family, packetAddr(pkt, dir), hostBits(family), true)
    else if (kind === 'port') part = packetPort(pkt, dir)
    else if (kind === 'iface') {
      const name = packetIface(pkt, dir)
      part = name === undefined ? undefined : { kind: 'iface', name, physdev: false }
    } else if (kind === 'bport') {
      const port = packetTcpUdpPort(pkt, dir)
      const [lo, hi] = set.spec.range ?? [0, 65535]
      part = port !== undefined && port >= lo && port <= hi ? { kind: 'bport', port } : undefined
    }
    if (part === undefined) return undefined
    parts.push(part)
  }
  return parts
}

function withNet(set: DbSet, parts: Part[], cidr: number): Part[] {
  const net = parts[set.netDim] as AddrPart
  const out = [...parts]
  out[set.netDim] = addrPart(net.family, net.value, cidr, true)
  return out
}

function verdict(m: DbMember): TestResult {
  return m.nomatch ? 'nomatch' : 'match'
}

/** `-m set` on one non-list set, before `--return-nomatch` is applied. */
export function testLeaf(set: DbSet, pkt: Packet, dirs: readonly SetDir[]): TestResult {
  if (!applies(set, pkt, dirs)) return 'none'
  const parts = packetParts(set, pkt, dirs)
  // An empty set (most of kube-proxy's IPVS-mode sets) matches nothing: no key to build.
  if (!parts || set.members.size === 0) return 'none'
  if (set.netDim < 0) {
    const m = set.members.get(elemKey(parts))
    return m ? verdict(m) : 'none'
  }
  for (const cidr of cidrOrder(set)) {
    const probe = withNet(set, parts, cidr)
    const m = set.members.get(elemKey(probe))
    if (m) return verdict(m)
    if (set.info.type === 'hash:net,iface' && set.nets.has(netKey(probe))) return 'none'
  }
  return 'none'
}

/** The parts the SET target adds or deletes: the network dimension at the most specific prefix. */
function targetParts(set: DbSet, pkt: Packet, dirs: readonly SetDir[]): Part[] | undefined {
  if (!applies(set, pkt, dirs)) return undefined
  const parts = packetParts(set, pkt, dirs)
  if (!parts || set.netDim < 0) return parts
  const net = parts[set.netDim] as AddrPart
  return withNet(set, parts, cidrOrder(set)[0] ?? hostBits(net.family))
}

/** The extensions of an element the SET target adds (IP_SET_INIT_KEXT: 1 packet, its bytes). */
function freshOptions(set: DbSet, pkt: Packet, timeout: number | undefined): IpSetOption[] {
  const out: IpSetOption[] = []
  if (set.spec.timeout !== undefined)
    out.push({ name: 'timeout', value: String(timeout ?? set.spec.timeout) })
  if (set.spec.counters)
    out.push({ name: 'packets', value: '1' }, { name: 'bytes', value: String(pkt.length) })
  return out
}

/**
 * SET --add-set on one non-list set. Returns whether the kernel reports success (the list:set
 * walk uses it). An existing element is left alone, or with `exist` re-initialised as if new
 * (its nomatch flag, counters, comment and skbinfo are reset: mtype_add's overwrite path).
 */
export function addLeaf(
  set: DbSet,
  pkt: Packet,
  dirs: readonly SetDir[],
  timeout: number | undefined,
  exist: boolean,
): boolean {
  const parts = targetParts(set, pkt, dirs)
  if (!parts) return false
  const key = elemKey(parts)
  const old = set.members.get(key)
  if (old && !exist) return false
  if (!old && set.spec.maxelem !== undefined && set.members.size >= set.spec.maxelem) {
    if (set.spec.forceadd) {
      throw new KpathError(
        'KPATH_UNSUPPORTED',
        `set ${set.source.name} is full and has forceadd: the kernel evicts a random member`,
      )
    }
    return false
  }
  const member: DbMember = { parts, nomatch: false, options: freshOptions(set, pkt, timeout) }
  if (old) indexMember(set, old, -1)
  set.members.set(key, member)
  indexMember(set, member, 1)
  set.dirty = true
  return true
}

/** SET --del-set on one non-list set; returns whether an element was removed. */
export function delLeaf(set: DbSet, pkt: Packet, dirs: readonly SetDir[]): boolean {
  const parts = targetParts(set, pkt, dirs)
  if (!parts) return false
  const key = elemKey(parts)
  const old = set.members.get(key)
  if (!old) return false
  set.members.delete(key)
  indexMember(set, old, -1)
  set.dirty = true
  return true
}
