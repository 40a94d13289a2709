/**
 * @module core/iproute2/route/text
 * A route as `ip route` writes it, from the hub object, following the text branches of
 * iproute2 6.1's `print_route`: words in print order each followed by a space, except `pref`
 * (IPv6) which ends the line without one; multipath nexthops on `\tnexthop` lines; the route
 * cache flags of `ip route get` on a `    cache` line.
 */
import { arr, num, obj, str } from '../fields.js'
import { isJsonObject, type JsonObject, type JsonValue } from '../json/value.js'
import { valueText } from '../link/details-text.js'
import { METRIC_FIELDS } from './keys.js'

/** RTAX_CC_ALGO is "congestion" in JSON but "congctl" in text. */
const METRIC_WORDS: Readonly<Record<string, string>> = { congestion: 'congctl' }

function millis(v: number): string {
  return v >= 1000 ? `${v / 1e3}s` : `${v}ms`
}

export function metricsText(m: JsonObject): string {
  let s = ''
  let features = false
  for (const { key } of METRIC_FIELDS) {
    const v = m[key]
    if (v === undefined) continue
    if (key === 'ecn' || key === 'features') {
      // RTAX_FEATURES prints once: "features", then "ecn" for its ECN bit, then other bits.
      if (!features) s += featuresText(m)
      features = true
      continue
    }
    const word = METRIC_WORDS[key] ?? key
    const n = typeof v === 'number' ? v : undefined
    s +=
      ['rtt', 'rttvar', 'rto_min'].includes(key) && n !== undefined
        ? `${word} ${millis(n)} `
        : `${word} ${valueText(v)} `
  }
  return s
}

function featuresText(m: JsonObject): string {
  if (m.ecn === undefined && m.features === undefined) return ''
  return `features ${m.ecn !== undefined ? 'ecn ' : ''}${m.features !== undefined ? `${valueText(m.features)} ` : ''}`
}

function flowText(flow: JsonObject): string {
  const from = str(flow, 'from')
  return `realm${from === undefined ? '' : 's'} ${from === undefined ? '' : `${from}/`}${valueText(flow.to)} `
}

function viaText(via: JsonObject): string {
  return `via ${valueText(via.family)} ${valueText(via.host)} `
}

function nexthopText(n: JsonObject): string {
  let s = '\n\tnexthop '
  if (n.to !== undefined) s += `as to ${valueText(n.to)} `
  if (n.gateway !== undefined) s += `via ${valueText(n.gateway)} `
  const via = obj(n, 'via')
  if (via) s += viaText(via)
  const flow = obj(n, 'flow')
  if (flow) s += flowText(flow)
  if (n.dev !== undefined) s += `dev ${valueText(n.dev)} `
  if (n.weight !== undefined) s += `weight ${valueText(n.weight)} `
  for (const f of arr(n, 'flags') ?? []) s += `${valueText(f)} `
  return s
}

function cacheText(hub: JsonObject): string {
  const flags = arr(hub, 'cache')
  if (flags === undefined) return ''
  return `\n    cache ${flags.length === 0 ? '' : `<${flags.map(valueText).join(',')}> `}`
}

function markText(mark: number): string {
  return mark >= 16 ? `mark 0x${mark.toString(16)} ` : `mark ${mark} `
}

/** Words of the head of a route, up to and including the route flags. */
function headText(hub: JsonObject): string {
  let s = ''
  const add = (key: string, word: string) => {
    if (hub[key] !== undefined) s += `${word}${valueText(hub[key])} `
  }
  add('type', '')
  add('dst', '')
  add('from', 'from ')
  add('src', 'from ')
  add('nhid', 'nhid ')
  add('to', 'as to ')
  add('tos', 'tos ')
  add('gateway', 'via ')
  const via = obj(hub, 'via')
  if (via) s += viaText(via)
  add('dev', 'dev ')
  add('table', 'table ')
  add('protocol', 'proto ')
  add('scope', 'scope ')
  add('prefsrc', 'src ')
  add('metric', 'metric ')
  for (const f of arr(hub, 'flags') ?? []) s += `${valueText(f)} `
  return s
}

/** One route, with its final newline. */
export function routeText(hub: JsonObject): string {
  let s = headText(hub)
  const mark = num(hub, 'mark')
  if (mark !== undefined) s += markText(mark)
  const flow = obj(hub, 'flow')
  if (flow) s += flowText(flow)
  if (hub.uid !== undefined) s += `uid ${valueText(hub.uid)} `
  s += cacheText(hub)
  for (const [key, word, unit] of [
    ['expires', 'expires', 'sec'],
    ['error', 'error', ''],
    ['users', 'users', ''],
    ['used', 'used', ''],
    ['age', 'age', 'sec'],
    ['ipid', 'ipid', ''],
  ] as const) {
    if (hub[key] !== undefined) s += `${word} ${valueText(hub[key])}${unit} `
  }
  const metrics = (arr(hub, 'metrics') ?? [])[0]
  if (isJsonObject(metrics)) s += metricsText(metrics)
  if (hub.iif !== undefined) s += `iif ${valueText(hub.iif)} `
  const pref: JsonValue | undefined = hub.pref
  if (typeof pref === 'string') s += `pref ${pref}`
  else if (pref !== undefined) s += valueText(pref)
  const ttl = hub['ttl-propogate']
  if (ttl !== undefined) s += `ttl-propogate ${ttl === true ? 'enabled' : 'disabled'}`
  for (const n of arr(hub, 'nexthops') ?? []) if (isJsonObject(n)) s += nexthopText(n)
  return `${s}\n`
}
