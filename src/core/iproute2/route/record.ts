/**
 * @module core/iproute2/route/record
 * One route of `ip -j route show table all` both ways: the model's {@link Route} and the rest
 * (route flags other than onlink, `pref`, other metrics …) as iproute2 printed it.
 *
 * Conventions: a host route's `dst` keeps its `/32` or `/128` in the model (iproute2 prints the
 * bare address); a missing `table` is main, a missing `protocol` is boot, a missing `scope`
 * is global (iproute2 leaves out exactly those, `print_route`).
 */
import type { NextHop, Route, RouteType } from '../../model/netns.js'
import { TABLE_MAIN } from '../../model/netns.js'
import { canonicalAddr } from '../../net/ip.js'
import { arr, checkObject, type Locator, num, obj, ordered, str, strings } from '../fields.js'
import { isJsonObject, type JsonObject, type JsonValue, omitKeys } from '../json/value.js'
import { dsfieldName, dsfieldValue, tableId, tableName } from '../names.js'
import {
  FLOW_FIELDS,
  METRIC_FIELDS,
  NEXTHOP_FIELDS,
  ROUTE_FIELDS,
  sortRouteFlags,
  VIA_FIELDS,
} from './keys.js'

export interface IpRoute {
  readonly route: Route
  readonly extra: JsonObject
}

type Mutable<T> = { -readonly [K in keyof T]?: T[K] }

const TYPES: readonly RouteType[] = [
  'unicast',
  'local',
  'broadcast',
  'anycast',
  'multicast',
  'blackhole',
  'unreachable',
  'prohibit',
  'throw',
]
const SCOPES = ['link', 'host', 'nowhere'] as const

/** The family of a route: its addresses say, else IPv6-only keys (`pref`), else `fallback`. */
function familyOf(hub: JsonObject, fallback: 4 | 6): 4 | 6 {
  const nexthops = (arr(hub, 'nexthops') ?? []).filter(isJsonObject)
  const addrs = [hub.dst, hub.gateway, hub.prefsrc, hub.from, ...nexthops.map((n) => n.gateway)]
  for (const a of addrs) {
    if (typeof a !== 'string' || a === 'default') continue
    return a.includes(':') ? 6 : 4
  }
  return hub.pref !== undefined ? 6 : fallback
}

function checkNested(loc: Locator, hub: JsonObject): void {
  checkObject(loc, hub, ROUTE_FIELDS, 'a route')
  const via = obj(hub, 'via')
  if (via) checkObject(loc, via, VIA_FIELDS, 'via')
  const flow = obj(hub, 'flow')
  if (flow) checkObject(loc, flow, FLOW_FIELDS, 'flow')
  for (const m of arr(hub, 'metrics') ?? []) {
    if (!isJsonObject(m)) throw loc.error('metrics must hold an object', hub, 'metrics')
    checkObject(loc, m, METRIC_FIELDS, 'metrics')
  }
  for (const n of arr(hub, 'nexthops') ?? []) {
    if (!isJsonObject(n)) throw loc.error('nexthops must hold objects', hub, 'nexthops')
    checkObject(loc, n, NEXTHOP_FIELDS, 'a nexthop')
  }
}

/** `default`, a prefix, or a bare host address as a model prefix. */
function dstPrefix(loc: Locator, hub: JsonObject, family: 4 | 6): string {
  const dst = str(hub, 'dst')
  if (dst === undefined) throw loc.error('a route without "dst"', hub)
  if (dst === 'default') return dst
  const [addr = '', len] = dst.split('/')
  if (canonicalAddr(addr) === undefined || (len !== undefined && !/^[0-9]{1,3}$/.test(len))) {
    throw loc.error(`"${dst}" is not a route destination`, hub, 'dst')
  }
  return len === undefined ? `${addr}/${family === 4 ? 32 : 128}` : dst
}

export function readRoute(loc: Locator, hub: JsonObject, fallback: 4 | 6): IpRoute {
  checkNested(loc, hub)
  const family = familyOf(hub, fallback)
  const typeName = str(hub, 'type') ?? 'unicast'
  const type = TYPES.find((t) => t === typeName)
  if (type === undefined) throw loc.refuse(`route type "${typeName}" is not modelled`, hub, 'type')
  const tableText = str(hub, 'table')
  const table = tableText === undefined ? TABLE_MAIN : tableId(tableText)
  if (table === undefined) throw loc.error(`"${tableText}" is not a routing table`, hub, 'table')
  const route: Mutable<Route> = { family, table, type, dst: dstPrefix(loc, hub, family) }
  const taken = ['dst', 'nexthops', 'metrics', 'flags']
  // "unicast" and "main" are printed only in some listings: keep them where they were.
  if (typeName !== 'unicast') taken.push('type')
  if (tableText !== 'main') taken.push('table')
  const take = <K extends keyof Route>(key: string, field: K, value: Route[K] | undefined) => {
    if (value === undefined) return
    route[field] = value
    taken.push(key)
  }
  take('gateway', 'via', str(hub, 'gateway'))
  take('dev', 'dev', str(hub, 'dev'))
  take('prefsrc', 'src', str(hub, 'prefsrc'))
  take('metric', 'metric', num(hub, 'metric'))
  // boot is what a missing "protocol" means: a printed one stays where it was.
  take('protocol', 'proto', hub.protocol === 'boot' ? undefined : str(hub, 'protocol'))
  take(
    'scope',
    'scope',
    SCOPES.find((s) => s === hub.scope),
  )
  const tos = str(hub, 'tos')
  take('tos', 'tos', tos === undefined ? undefined : dsfieldValue(tos))
  const flags = strings(loc, hub, 'flags', 'a route')
  if (flags.includes('onlink')) route.onlink = true
  const extra: Record<string, JsonValue> = { ...omitKeys(hub, taken) }
  if (hub.flags !== undefined) extra.flags = flags.filter((f) => f !== 'onlink')
  readMetrics(hub, route, extra)
  readNexthops(loc, hub, route, extra)
  return { route: route as Route, extra: ordered(ROUTE_FIELDS, extra) }
}

function readMetrics(
  hub: JsonObject,
  route: Mutable<Route>,
  extra: Record<string, JsonValue>,
): void {
  const m = (arr(hub, 'metrics') ?? [])[0]
  if (!isJsonObject(m)) return
  const mtu = num(m, 'mtu')
  if (mtu !== undefined) route.mtu = mtu
  extra.metrics = [omitKeys(m, ['mtu'])]
}

function readNexthops(
  loc: Locator,
  hub: JsonObject,
  route: Mutable<Route>,
  extra: Record<string, JsonValue>,
): void {
  const list = arr(hub, 'nexthops')
  if (list === undefined) return
  const hops: NextHop[] = []
  const kept: JsonValue[] = []
  for (const n of list.filter(isJsonObject)) {
    const hop: Mutable<NextHop> = {}
    const via = str(n, 'gateway')
    if (via !== undefined) hop.via = via
    const dev = str(n, 'dev')
    if (dev !== undefined) hop.dev = dev
    const weight = num(n, 'weight')
    if (weight !== undefined) hop.weight = weight
    const flags = strings(loc, n, 'flags', 'a nexthop')
    if (flags.includes('onlink')) hop.onlink = true
    hops.push(hop as NextHop)
    const rest: Record<string, JsonValue> = {
      ...omitKeys(n, ['gateway', 'dev', 'weight', 'flags']),
    }
    if (n.flags !== undefined) rest.flags = flags.filter((f) => f !== 'onlink')
    kept.push(rest)
  }
  route.nexthops = hops
  extra.nexthops = kept
}

/** The printed form of a model prefix: `default`, or a host route without its length. */
export function dstText(dst: string): string {
  if (dst === 'default') return dst
  const [addr = '', len = ''] = dst.split('/')
  const canon = canonicalAddr(addr) ?? addr
  const host = canon.includes(':') ? '128' : '32'
  if (len === '0') return 'default'
  return len === '' || len === host ? canon : `${canon}/${len}`
}

export function writeRoute(rec: IpRoute): JsonObject {
  const r = rec.route
  const model: Record<string, JsonValue> = { dst: dstText(r.dst) }
  if (r.type !== 'unicast') model.type = r.type
  if (r.table !== TABLE_MAIN) model.table = tableName(r.table)
  if (r.tos !== undefined && r.tos !== 0) model.tos = dsfieldName(r.tos)
  if (r.via !== undefined) model.gateway = r.via
  if (r.dev !== undefined) model.dev = r.dev
  if (r.proto !== undefined && r.proto !== 'boot') model.protocol = r.proto
  if (r.scope !== undefined && r.scope !== 'global') model.scope = r.scope
  if (r.src !== undefined) model.prefsrc = r.src
  if (r.metric !== undefined) model.metric = r.metric
  const kept = arr(rec.extra, 'flags') ?? []
  model.flags = sortRouteFlags([
    ...(r.onlink ? ['onlink'] : []),
    ...kept.filter((f) => typeof f === 'string'),
  ])
  const metrics = writeMetrics(r, rec.extra)
  if (metrics !== undefined) model.metrics = metrics
  if (r.nexthops !== undefined)
    model.nexthops = writeNexthops(r.nexthops, arr(rec.extra, 'nexthops') ?? [])
  return ordered(ROUTE_FIELDS, model, rec.extra)
}

function writeMetrics(r: Route, extra: JsonObject): JsonValue[] | undefined {
  const kept = (arr(extra, 'metrics') ?? [])[0]
  const m = ordered(
    METRIC_FIELDS,
    r.mtu === undefined ? {} : { mtu: r.mtu },
    isJsonObject(kept) ? kept : {},
  )
  return Object.keys(m).length === 0 ? undefined : [m]
}

function writeNexthops(hops: readonly NextHop[], kept: readonly JsonValue[]): JsonValue[] {
  return hops.map((h, i) => {
    const k = kept[i]
    const extra = isJsonObject(k) ? k : {}
    const model: Record<string, JsonValue> = {}
    if (h.via !== undefined) model.gateway = h.via
    if (h.dev !== undefined) model.dev = h.dev
    model.weight = h.weight ?? 1
    const flags = arr(extra, 'flags') ?? []
    model.flags = sortRouteFlags([
      ...(h.onlink ? ['onlink'] : []),
      ...flags.filter((f) => typeof f === 'string'),
    ])
    return ordered(NEXTHOP_FIELDS, model, extra)
  })
}
