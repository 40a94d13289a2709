/**
 * @module core/ipset/db-set
 * One set inside an {@link IpSetDb}: its members by element key, plus the indexes the kernel
 * keeps to look packets up without scanning — the prefix lengths present in the network
 * dimension (h->nets[] in ip_set_hash_gen.h, most specific first) and, for hash:net,iface, which
 * networks have non-physdev members at all.
 */
import { KpathError } from '../errors.js'
import type { CreateSpec } from './create-spec.js'
import { elemKey, formatElem, type Part, partKey } from './element.js'
import { parseElement } from './element-parse.js'
import { LineError } from './line-error.js'
import { memberOptions, memberWords, parseMemberOpts } from './member-opts.js'
import type { IpSet, IpSetMember, IpSetOption } from './model.js'
import { specOf } from './model-spec.js'
import { type TypeInfo, typeInfo } from './types.js'

export interface DbMember {
  readonly parts: readonly Part[]
  readonly options: readonly IpSetOption[]
  readonly nomatch: boolean
}

export interface DbSet {
  readonly source: IpSet
  readonly info: TypeInfo
  readonly spec: CreateSpec
  readonly family: 4 | 6 | undefined
  /** The position of the network dimension, or -1. */
  readonly netDim: number
  readonly members: Map<string, DbMember>
  /** Prefix length → number of members with it, in the network dimension. */
  readonly cidrs: Map<number, number>
  /** hash:net,iface: `net/cidr` → number of non-physdev members on it. */
  readonly nets: Map<string, number>
  /** Set once a member was added or removed: the snapshot is then rebuilt. */
  dirty: boolean
  /** The keys of {@link DbSet.cidrs}, most specific first; rebuilt when a length comes or goes. */
  cidrOrder: number[] | undefined
}

/** The prefix lengths present, most specific first (the order test_cidrs walks h->nets[]). */
export function cidrOrder(set: DbSet): readonly number[] {
  if (!set.cidrOrder) set.cidrOrder = [...set.cidrs.keys()].sort((a, b) => b - a)
  return set.cidrOrder
}

/** The key of a hash:net,iface member without its interface. */
export function netKey(parts: readonly Part[]): string {
  return parts[0] ? partKey(parts[0]) : ''
}

function bump(map: Map<string | number, number>, key: string | number, by: number): void {
  const n = (map.get(key) ?? 0) + by
  if (n > 0) map.set(key, n)
  else map.delete(key)
}

/** Keep the indexes in step with adding (`by` 1) or removing (`by` -1) a member. */
export function indexMember(set: DbSet, m: DbMember, by: 1 | -1): void {
  const net = set.netDim >= 0 ? m.parts[set.netDim] : undefined
  if (net?.kind === 'addr') {
    const before = set.cidrs.size
    bump(set.cidrs as Map<string | number, number>, net.cidr, by)
    if (set.cidrs.size !== before) set.cidrOrder = undefined
  }
  const iface = m.parts[1]
  if (set.info.type === 'hash:net,iface' && iface?.kind === 'iface' && !iface.physdev) {
    bump(set.nets as Map<string | number, number>, netKey(m.parts), by)
  }
}

function invalid(set: IpSet, message: string, hint?: string): KpathError {
  return new KpathError(
    'KPATH_INVALID_ARGUMENT',
    `set ${set.name}: ${message}`,
    hint === undefined ? {} : { hint },
  )
}

function readMember(set: IpSet, spec: CreateSpec, m: IpSetMember): DbMember {
  const info = typeInfo(set.type)
  const family = spec.family
  try {
    const all = parseElement(m.elem, 0, { type: set.type, family, spec, ranges: false, limit: 1 })
    const parts = all[0]
    if (!parts || all.length !== 1) throw new LineError(`"${m.elem}" is not one element`, 0)
    const options = memberOptions(
      parseMemberOpts(memberWords(m.options, m.nomatch)),
      spec,
      info.nomatch,
    )
    return { parts, options, nomatch: m.nomatch }
  } catch (e) {
    if (e instanceof LineError) throw invalid(set, `member "${m.elem}": ${e.message}`, e.hint)
    throw e
  }
}

/** Build the db form of a model set, checking every member as `ipset restore` would. */
export function buildDbSet(set: IpSet): DbSet {
  const spec = specOf(set)
  const info = typeInfo(set.type)
  const db: DbSet = {
    source: set,
    info,
    spec,
    family: spec.family,
    netDim: info.dims.indexOf('net'),
    members: new Map(),
    cidrs: new Map(),
    nets: new Map(),
    dirty: false,
    cidrOrder: undefined,
  }
  for (const m of set.members) {
    const member = readMember(set, spec, m)
    const key = elemKey(member.parts)
    if (db.members.has(key)) throw invalid(set, `member "${m.elem}" is listed twice`)
    db.members.set(key, member)
    indexMember(db, member, 1)
  }
  return db
}

export function cloneDbSet(s: DbSet): DbSet {
  return { ...s, members: new Map(s.members), cidrs: new Map(s.cidrs), nets: new Map(s.nets) }
}

/** The model form of a db set: the source when untouched, else rebuilt in `ipset save` order. */
export function dbSetToIpSet(s: DbSet): IpSet {
  if (!s.dirty) return s.source
  const members = [...s.members.values()]
  if (s.info.type === 'bitmap:port') {
    const port = (m: DbMember) => (m.parts[0]?.kind === 'bport' ? m.parts[0].port : 0)
    members.sort((a, b) => port(a) - port(b))
  }
  const { listing: _dropped, ...rest } = s.source
  return {
    ...rest,
    members: members.map((m) => ({
      elem: formatElem(m.parts),
      options: m.options,
      nomatch: m.nomatch,
    })),
  }
}
