/**
 * @module core/route/testing/build
 * Test support: namespaces written the way `ip` commands read, e.g.
 * `node({ links: ['eth0', 'cali1'], addrs: ['eth0 10.0.0.2/24'], routes: ['default via 10.0.0.1'] })`.
 * Only the words the tests use are understood; anything else throws.
 */
import type {
  Address,
  Link,
  Neighbour,
  NetnsState,
  PolicyRule,
  Route,
  RouteType,
} from '../../model/netns.js'
import { defaultRules, TABLE_LOCAL, TABLE_MAIN } from '../../model/netns.js'
import { withKernelRoutes } from '../kernel-routes.js'

const TYPES: readonly RouteType[] = [
  'unicast',
  'local',
  'broadcast',
  'blackhole',
  'unreachable',
  'prohibit',
  'throw',
  'anycast',
  'multicast',
]

function table(t: string): number {
  return t === 'main' ? TABLE_MAIN : t === 'local' ? TABLE_LOCAL : Number(t)
}

/** `[type] DST [via GW] [dev D] [table T] [metric M] [src S] [scope S] [tos T] [onlink] [mtu M]`. */
export function route(text: string): Route {
  const w = text.split(/\s+/)
  const type = TYPES.includes(w[0] as RouteType) ? (w.shift() as RouteType) : 'unicast'
  const dst = w.shift() ?? ''
  const family = dst.includes(':') ? 6 : 4
  const r: Record<string, unknown> = { family, table: TABLE_MAIN, type, dst }
  while (w.length) {
    const k = w.shift()
    if (k === 'onlink') r.onlink = true
    else if (k === 'via' || k === 'dev' || k === 'src' || k === 'scope' || k === 'proto')
      r[k] = w.shift()
    else if (k === 'table') r.table = table(w.shift() ?? '')
    else if (k === 'metric' || k === 'mtu' || k === 'tos') r[k] = Number(w.shift())
    else if (k === 'nexthop') {
      // nexthop via GW dev DEV
      const hops = (r.nexthops as object[] | undefined) ?? []
      const [, via, , dev] = w.splice(0, 4)
      hops.push({ via, dev })
      r.nexthops = hops
    } else throw new Error(`route: unknown word ${k} in "${text}"`)
  }
  return r as unknown as Route
}

/** `[not] [from P] [to P] [iif D] [oif D] [fwmark V[/M]] [tos T] pref N (lookup T|ACTION) [suppress_prefixlength N]`. */
export function rule(text: string, family: 4 | 6 = 4): PolicyRule {
  const w = text.split(/\s+/)
  const r: Record<string, unknown> = { family }
  while (w.length) {
    const k = w.shift()
    if (k === 'not') r.not = true
    else if (k === 'from' || k === 'to' || k === 'iif' || k === 'oif') r[k] = w.shift()
    else if (k === 'fwmark') {
      const [v = '0', m] = (w.shift() ?? '').split('/')
      r.fwmark = { value: Number(v), mask: m === undefined ? 0xffffffff : Number(m) }
    } else if (k === 'tos') r.tos = Number(w.shift())
    else if (k === 'pref') r.priority = Number(w.shift())
    else if (k === 'lookup') r.table = table(w.shift() ?? '')
    else if (k === 'suppress_prefixlength') r.suppressPrefixLength = Number(w.shift())
    else if (
      k === 'blackhole' ||
      k === 'unreachable' ||
      k === 'prohibit' ||
      k === 'nop' ||
      k === 'goto'
    )
      r.action = k
    else throw new Error(`rule: unknown word ${k} in "${text}"`)
  }
  return r as unknown as PolicyRule
}

/** `DEV ADDR/LEN [scope S] [brd B] [peer P]`. */
export function addr(text: string): Address {
  const [iface = '', cidr = '', ...w] = text.split(/\s+/)
  const [local = '', len] = cidr.split('/')
  const family = local.includes(':') ? 6 : 4
  const a: Record<string, unknown> = {
    iface,
    family,
    local,
    prefixLen: Number(len ?? (family === 4 ? 32 : 128)),
    scope: 'global',
  }
  while (w.length) {
    const k = w.shift()
    if (k === 'scope') a.scope = w.shift()
    else if (k === 'brd') a.broadcast = w.shift()
    else if (k === 'peer') a.peer = w.shift()
    else throw new Error(`addr: unknown word ${k} in "${text}"`)
  }
  return a as unknown as Address
}

export interface NodeSpec {
  /** Link names (veth, up), `NAME down`, or full links. */
  readonly links?: readonly (string | Link)[]
  readonly addrs?: readonly string[]
  readonly routes?: readonly string[]
  readonly rules?: readonly string[]
  readonly sysctls?: Readonly<Record<string, string | number>>
  readonly neighbours?: readonly Neighbour[]
  /** Skip withKernelRoutes (default: add the kernel's routes). */
  readonly bare?: boolean
}

let mac = 0

function link(spec: string | Link, index: number): Link {
  if (typeof spec !== 'string') return spec
  const [name = '', state] = spec.split(/\s+/)
  mac = (mac + 1) % 250
  return {
    index,
    name,
    kind: 'veth',
    mtu: 1500,
    up: state !== 'down',
    mac: `02:00:00:00:00:${mac.toString(16).padStart(2, '0')}`,
  }
}

/** A namespace from its `ip`-style description, with the kernel's own routes added. */
export function node(spec: NodeSpec): NetnsState {
  const links: Link[] = [
    { index: 1, name: 'lo', kind: 'loopback', mtu: 65536, up: true, mac: '00:00:00:00:00:00' },
    ...(spec.links ?? []).map((l, i) => link(l, i + 2)),
  ]
  const custom = (spec.rules ?? []).map((r) => rule(r, r.includes(':') ? 6 : 4))
  const state: NetnsState = {
    name: 'test',
    links,
    addresses: (spec.addrs ?? []).map(addr),
    routes: (spec.routes ?? []).map(route),
    rules: [...defaultRules(), ...custom],
    neighbours: spec.neighbours ?? [],
    sysctls: Object.fromEntries(Object.entries(spec.sysctls ?? {}).map(([k, v]) => [k, String(v)])),
    iptables: {},
    ipsets: [],
    conntrack: [],
  }
  return spec.bare ? state : withKernelRoutes(state)
}
