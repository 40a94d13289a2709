/**
 * @module core/whatif/route
 * `ip route add ARGS` (iproute2 6.1, ip/iproute.c iproute_modify) on one namespace's routes:
 * `[TYPE] PREFIX [via ADDR] [dev DEV] [src ADDR] [metric N] [table ID] [proto P] [scope S]
 * [mtu N] [onlink]`. Defaults as `ip route add` gives them: table main (local for `local`
 * routes), proto boot, scope link for a unicast route without gateway, host for `local`, global
 * otherwise. Checked as the kernel checks (fib_create_info, fib_check_nh): the device must
 * exist, a gateway must be reachable on a link route unless `onlink`, and a route with the same
 * prefix, table, type-independent metric and TOS must not exist ("File exists"). IPv4 only.
 */
import { formatPrefix4, parsePrefix4 } from '../cluster/ipv4.js'
import { KpathError } from '../errors.js'
import {
  type NetnsState,
  type Route,
  type RouteType,
  TABLE_LOCAL,
  TABLE_MAIN,
} from '../model/netns.js'
import { parseIPv4 } from '../net/ip.js'
import { lookupRoute } from '../route/index.js'

const TYPES: readonly RouteType[] = [
  'unicast',
  'local',
  'blackhole',
  'unreachable',
  'prohibit',
  'throw',
]
const SCOPES = ['global', 'link', 'host', 'nowhere'] as const
const TABLES: Readonly<Record<string, number>> = {
  main: TABLE_MAIN,
  local: TABLE_LOCAL,
  default: 253,
}

/** One word of the arguments with its 1-based column, for located errors. */
interface Word {
  readonly text: string
  readonly column: number
}

function words(text: string): Word[] {
  return [...text.matchAll(/\S+/g)].map((m) => ({ text: m[0], column: (m.index ?? 0) + 1 }))
}

function fail(w: Word | undefined, text: string, message: string, hint?: string): KpathError {
  return new KpathError('KPATH_PARSE', message, {
    location: { line: 1, column: w?.column ?? text.length + 1, text },
    ...(hint === undefined ? {} : { hint }),
  })
}

function prefix(w: Word, text: string): string {
  if (w.text === 'default') return 'default'
  const p = parsePrefix4(w.text.includes('/') ? w.text : `${w.text}/32`)
  if (p === undefined)
    throw fail(w, text, `${w.text} is not an IPv4 prefix`, 'e.g. 10.96.0.0/12 or default')
  if (formatPrefix4(p) !== (w.text.includes('/') ? w.text : `${w.text}/32`))
    throw fail(
      w,
      text,
      `invalid prefix for given prefix length: ${w.text}`,
      `use ${formatPrefix4(p)}`,
    )
  return formatPrefix4(p)
}

type Draft = { -readonly [K in keyof Route]?: Route[K] }

function number(w: Word | undefined, text: string, what: string): number {
  if (w === undefined || !/^[0-9]+$/.test(w.text)) throw fail(w, text, `expected ${what}`)
  return Number(w.text)
}

function address(w: Word | undefined, text: string, what: string): string {
  if (w === undefined || parseIPv4(w.text) === undefined)
    throw fail(w, text, `expected ${what} (IPv4)`)
  return w.text
}

/** One keyword and its argument into the draft; false when `w` is not a keyword. */
function keyword(r: Draft, w: Word, next: () => Word | undefined, text: string): boolean {
  switch (w.text) {
    case 'via':
      r.via = address(next(), text, 'a gateway address')
      return true
    case 'dev': {
      const d = next()
      if (d === undefined) throw fail(d, text, 'expected a device')
      r.dev = d.text
      return true
    }
    case 'src':
      r.src = address(next(), text, 'a source address')
      return true
    case 'metric':
    case 'preference':
    case 'priority':
      r.metric = number(next(), text, 'a metric')
      return true
    case 'mtu':
      r.mtu = number(next(), text, 'an MTU')
      return true
    case 'onlink':
      r.onlink = true
      return true
    case 'proto':
    case 'protocol': {
      const p = next()
      if (p === undefined) throw fail(p, text, 'expected a protocol')
      r.proto = p.text
      return true
    }
    case 'table': {
      const t = next()
      r.table = t !== undefined && t.text in TABLES ? TABLES[t.text] : number(t, text, 'a table')
      return true
    }
    case 'scope': {
      const s = next()
      const scope = SCOPES.find((x) => x === s?.text)
      if (scope === undefined) throw fail(s, text, 'expected a scope', SCOPES.join(', '))
      r.scope = scope
      return true
    }
    default:
      return false
  }
}

/**
 * The route `ip route add ARGS` makes. Errors are KPATH_PARSE located in `text` (line 1).
 *
 * @example
 * parseRouteArgs('10.96.0.0/12 dev eth0') // { dst: '10.96.0.0/12', dev: 'eth0', scope: 'link', proto: 'boot', table: 254, … }
 */
export function parseRouteArgs(text: string): Route {
  const ws = words(text)
  let i = 0
  const r: Draft = { family: 4, proto: 'boot' }
  const first = ws[0]
  if (first === undefined) throw fail(first, text, 'no route given')
  const type = TYPES.find((t) => t === first.text)
  if (type !== undefined) i++
  const dst = ws[i++]
  if (dst === undefined) throw fail(dst, text, 'expected a destination prefix')
  r.dst = prefix(dst, text)
  while (i < ws.length) {
    const w = ws[i++] as Word
    if (!keyword(r, w, () => ws[i++], text))
      throw fail(
        w,
        text,
        `unknown word ${JSON.stringify(w.text)} in the route`,
        'via, dev, src, metric, table, proto, scope, mtu, onlink',
      )
  }
  const t = type ?? 'unicast'
  const table = r.table ?? (t === 'local' ? TABLE_LOCAL : TABLE_MAIN)
  const scope =
    r.scope ?? (t === 'local' ? 'host' : t === 'unicast' && r.via === undefined ? 'link' : 'global')
  return { ...r, family: 4, type: t, table, scope, dst: r.dst } as Route
}

function sameKey(a: Route, b: Route): boolean {
  return (
    a.family === b.family &&
    a.table === b.table &&
    a.dst === b.dst &&
    (a.metric ?? 0) === (b.metric ?? 0) &&
    (a.tos ?? 0) === (b.tos ?? 0)
  )
}

/** The kernel's checks of a new route against the namespace (fib_create_info, fib_check_nh). */
function check(n: NetnsState, r: Route): string | undefined {
  if (n.routes.some((x) => sameKey(x, r))) return 'RTNETLINK answers: File exists'
  if (r.dev !== undefined && !n.links.some((l) => l.name === r.dev))
    return `Cannot find device "${r.dev}"`
  if (r.type === 'unicast' && r.dev === undefined && r.via === undefined)
    return 'a unicast route needs dev or via'
  if (r.via === undefined || r.onlink) return undefined
  const g = lookupRoute(n, { dst: r.via, input: false })
  const linked =
    g.type === 'unicast' && g.via === undefined && (r.dev === undefined || g.dev === r.dev)
  return linked
    ? undefined
    : `Nexthop has invalid gateway: ${r.via} is not on a link route${r.dev ? ` of ${r.dev}` : ''}`
}

/**
 * `ip route add ARGS` in namespace `n`.
 *
 * @throws KpathError KPATH_PARSE for arguments that do not read, KPATH_INVALID_ARGUMENT for a
 *   route the kernel would refuse
 */
export function addRoute(n: NetnsState, text: string): NetnsState {
  const r = parseRouteArgs(text)
  const why = check(n, r)
  if (why !== undefined)
    throw new KpathError('KPATH_INVALID_ARGUMENT', `${n.name}: ${why}`, {
      location: { line: 1, column: 1, text },
      hint: `its devices: ${n.links.map((l) => l.name).join(', ')}`,
    })
  const dev = r.dev ?? lookupRoute(n, { dst: r.via ?? r.dst, input: false }).dev
  return { ...n, routes: [...n.routes, { ...r, ...(dev === undefined ? {} : { dev }) }] }
}
