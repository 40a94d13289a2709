/**
 * @module core/iproute2/route/text-parse
 * Read back what {@link routeText} writes: a route line, its `    cache` line (`ip route get`)
 * and its `\tnexthop` lines, into the hub object of the JSON listing. Words are read in print
 * order; anything out of place is left over and reported where it stands.
 */
import type { JsonObject, JsonValue } from '../json/value.js'
import { typed, Words } from '../link/details-text.js'
import type { NumberedLine } from '../link/text-parse.js'
import { RTN_TYPES } from '../names.js'
import { CACHE_FLAGS, METRIC_FIELDS, ROUTE_FLAGS } from './keys.js'

type Hub = Record<string, JsonValue>

function readVia(w: Words, hub: Hub): void {
  if (!w.take('via')) return
  const first = w.next('a gateway')
  if (first === 'inet' || first === 'inet6')
    hub.via = { family: first, host: w.next('a gateway address') }
  else hub.gateway = first
}

function readFlow(w: Words, hub: Hub): void {
  const word = w.peek()
  if (word !== 'realm' && word !== 'realms') return
  w.next('realm')
  const value = w.next('a realm')
  const slash = value.indexOf('/')
  hub.flow = slash < 0 ? { to: value } : { from: value.slice(0, slash), to: value.slice(slash + 1) }
}

function readFlags(w: Words): string[] {
  const flags: string[] = []
  for (const f of ROUTE_FLAGS) if (w.take(f)) flags.push(f)
  return flags
}

function readHead(w: Words, hub: Hub): void {
  const first = w.peek()
  if (
    first !== undefined &&
    (RTN_TYPES as readonly string[]).includes(first) &&
    w.peek(1) !== undefined
  ) {
    hub.type = w.next('a type')
  }
  hub.dst = w.next('a destination')
  if (w.take('from')) hub.from = w.next('a source prefix')
  if (w.take('nhid')) hub.nhid = typed(w, w.next('an id'), 'num')
  if (w.take('as')) {
    if (!w.take('to')) throw w.fail('expected "as to"')
    hub.to = w.next('an address')
  }
  if (w.take('tos')) hub.tos = w.next('a TOS')
  readVia(w, hub)
  for (const [word, key] of [
    ['dev', 'dev'],
    ['table', 'table'],
    ['proto', 'protocol'],
    ['scope', 'scope'],
    ['src', 'prefsrc'],
  ] as const) {
    if (w.take(word)) hub[key] = w.next(`a value after ${word}`)
  }
  if (w.take('metric')) hub.metric = typed(w, w.next('a metric'), 'num')
  hub.flags = readFlags(w)
  if (w.take('mark')) {
    const mark = w.next('a mark')
    hub.mark = mark.startsWith('0x') ? Number.parseInt(mark.slice(2), 16) : typed(w, mark, 'num')
  }
  readFlow(w, hub)
  if (w.take('uid')) hub.uid = typed(w, w.next('a uid'), 'num')
}

function readCacheFlags(w: Words, hub: Hub): void {
  if (!w.take('cache')) return
  const word = w.peek()
  if (word === undefined || !word.startsWith('<')) {
    hub.cache = []
    return
  }
  w.next('cache flags')
  const flags = word.replace(/^<|>$/g, '').split(',')
  for (const f of flags) {
    if (!(CACHE_FLAGS as readonly string[]).includes(f))
      throw w.failLast(`unknown route cache flag "${f}"`)
  }
  hub.cache = flags
}

function readMillis(w: Words, word: string): JsonValue {
  const m = /^([0-9.]+)(ms|s)$/.exec(word)
  if (!m) throw w.failLast(`"${word}" is not a time`)
  return m[2] === 's' ? Math.round(Number(m[1]) * 1000) : Number(m[1])
}

function readMetrics(w: Words): JsonObject | undefined {
  const out: Hub = {}
  for (const { key } of METRIC_FIELDS) {
    if (key === 'ecn') continue
    if (key === 'features') {
      if (!w.take('features')) continue
      if (w.take('ecn')) out.ecn = null
      if (w.peek()?.startsWith('0x')) out.features = w.next('features')
      continue
    }
    const word = key === 'congestion' ? 'congctl' : key
    if (!w.take(word)) continue
    const v = w.next(`a value after ${word}`)
    if (['rtt', 'rttvar', 'rto_min'].includes(key)) out[key] = readMillis(w, v)
    else out[key] = key === 'congestion' ? v : typed(w, v, 'num')
  }
  return Object.keys(out).length === 0 ? undefined : out
}

function readTail(w: Words, hub: Hub): void {
  for (const [word, key, unit] of [
    ['expires', 'expires', 'sec'],
    ['error', 'error', ''],
    ['users', 'users', ''],
    ['used', 'used', ''],
    ['age', 'age', 'sec'],
  ] as const) {
    if (!w.take(word)) continue
    const v = w.next(`a value after ${word}`)
    if (unit !== '' && !v.endsWith(unit)) throw w.failLast(`expected ${word} in ${unit}`)
    hub[key] = typed(w, v.slice(0, v.length - unit.length), 'num')
  }
  if (w.take('ipid')) hub.ipid = w.next('an IP id')
  const metrics = readMetrics(w)
  if (metrics !== undefined) hub.metrics = [metrics]
  if (w.take('iif')) hub.iif = w.next('an interface')
  if (w.take('pref')) hub.pref = w.next('a preference')
  if (w.take('ttl-propogate')) hub['ttl-propogate'] = w.next('enabled or disabled') === 'enabled'
}

function readNexthop(line: NumberedLine): JsonObject {
  const w = new Words(line.text, line.no)
  if (!w.take('nexthop')) throw w.fail('expected "nexthop"')
  const hop: Hub = {}
  if (w.take('as')) {
    if (!w.take('to')) throw w.fail('expected "as to"')
    hop.to = w.next('an address')
  }
  readVia(w, hop)
  readFlow(w, hop)
  if (w.take('dev')) hop.dev = w.next('a device')
  if (w.take('weight')) hop.weight = typed(w, w.next('a weight'), 'num')
  hop.flags = readFlags(w)
  if (!w.done()) throw w.fail(`unexpected "${w.peek()}" in a nexthop`)
  return hop
}

/** The route starting at `lines[0]`; returns it and how many lines it took. */
export function readRouteText(lines: readonly NumberedLine[]): { hub: JsonObject; used: number } {
  const first = lines[0] as NumberedLine
  const hub: Hub = {}
  let w = new Words(first.text, first.no)
  readHead(w, hub)
  let used = 1
  const cache = lines[used]
  if (w.done() && cache !== undefined && /^ {4}cache\b/.test(cache.text)) {
    w = new Words(cache.text, cache.no)
    used++
  }
  readCacheFlags(w, hub)
  readTail(w, hub)
  if (!w.done()) throw w.fail(`unexpected "${w.peek()}" in a route`)
  const hops: JsonObject[] = []
  for (let line = lines[used]; line?.text.startsWith('\tnexthop'); line = lines[used]) {
    hops.push(readNexthop(line))
    used++
  }
  if (hops.length > 0) hub.nexthops = hops
  return { hub, used }
}
