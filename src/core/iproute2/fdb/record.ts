/**
 * @module core/iproute2/fdb/record
 * One entry of `bridge -j fdb` both ways, following iproute2 6.1's `print_fdb`
 * (bridge/fdb.c). The state word comes from `state_n2a`: `permanent` (NUD_PERMANENT),
 * `static` (NUD_NOARP), `stale`, and the empty string for a learned (reachable) entry; the
 * model holds permanent or not, other states stay in the record's extra fields.
 */
import type { FdbEntry } from '../../model/netns.js'
import { checkObject, type Locator, num, ordered, str, strings, table } from '../fields.js'
import { type JsonObject, type JsonValue, omitKeys } from '../json/value.js'

export interface IpFdbEntry {
  readonly entry: FdbEntry
  readonly extra: JsonObject
}

export const FDB_FIELDS = table(
  'mac:str',
  'ifname:str',
  'dst:str',
  'vlan:num',
  'port:num',
  'vni:num',
  'src_vni:num',
  'viaIfIndex:num',
  'viaIf:str',
  'nhid:num',
  'linkNetNsId:num',
  'used:num',
  'updated:num',
  'flags:arr',
  'master:str',
  'state:str',
)

/** fdb_print_flags order. */
export const FDB_FLAGS = ['self', 'router', 'extern_learn', 'offload', 'master', 'sticky'] as const

type Mutable<T> = { -readonly [K in keyof T]?: T[K] }

export function readFdb(loc: Locator, hub: JsonObject): IpFdbEntry {
  checkObject(loc, hub, FDB_FIELDS, 'an fdb entry')
  const mac = str(hub, 'mac')
  const dev = str(hub, 'ifname')
  if (mac === undefined || dev === undefined)
    throw loc.error('an fdb entry needs "mac" and "ifname"', hub)
  const e: Mutable<FdbEntry> = { mac, dev }
  const taken = ['mac', 'ifname', 'flags']
  const take = <K extends keyof FdbEntry>(
    key: string,
    field: K,
    value: FdbEntry[K] | undefined,
  ) => {
    if (value === undefined) return
    e[field] = value
    taken.push(key)
  }
  take('master', 'master', str(hub, 'master'))
  take('dst', 'dst', str(hub, 'dst'))
  take('vlan', 'vlan', num(hub, 'vlan'))
  const state = str(hub, 'state')
  if (state === 'permanent') take('state', 'permanent', true)
  else if (state === '') taken.push('state')
  const flags = strings(loc, hub, 'flags', 'an fdb entry')
  if (flags.includes('self')) e.self = true
  const extra: Record<string, JsonValue> = { ...omitKeys(hub, taken) }
  if (hub.flags !== undefined) extra.flags = flags.filter((f) => f !== 'self')
  return { entry: e as FdbEntry, extra: ordered(FDB_FIELDS, extra) }
}

export function writeFdb(rec: IpFdbEntry): JsonObject {
  const e = rec.entry
  const model: Record<string, JsonValue> = { mac: e.mac, ifname: e.dev }
  if (e.dst !== undefined) model.dst = e.dst
  if (e.vlan !== undefined) model.vlan = e.vlan
  const kept = (Array.isArray(rec.extra.flags) ? rec.extra.flags : []).filter(
    (f) => typeof f === 'string',
  )
  const rank = (f: JsonValue) => (FDB_FLAGS as readonly JsonValue[]).indexOf(f)
  model.flags = [...(e.self ? ['self'] : []), ...kept.filter((f) => f !== 'self')].sort(
    (a, b) => rank(a) - rank(b),
  )
  if (e.master !== undefined) model.master = e.master
  if (e.permanent) model.state = 'permanent'
  else if (rec.extra.state === undefined) model.state = ''
  return ordered(FDB_FIELDS, model, rec.extra)
}
