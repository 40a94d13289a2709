/**
 * @module core/route/testing/random-states
 * Test support: seeded random namespaces and route queries for the property and live
 * differential tests. Deterministic for a seed (mulberry32), so a failing case is reproduced by
 * its seed alone. States stay within what a real namespace accepts most of the time; the live
 * test drops whatever the kernel refuses.
 */
import type { Address, Link, NetnsState, PolicyRule, Route } from '../../model/netns.js'
import { defaultRules, TABLE_LOCAL, TABLE_MAIN } from '../../model/netns.js'
import { formatIPv4, parseIPv4 } from '../../net/ip.js'
import type { RouteQuery } from '../types.js'
import { Rng } from './rng.js'

const v4 = (s: string): number => parseIPv4(s) ?? 0
const mask = (len: number): number => (len === 0 ? 0 : (0xffffffff << (32 - len)) >>> 0)

/** Addresses cluster in a few /16s so that prefixes overlap and longest-match matters. */
function randomAddr(rng: Rng): number {
  const base = rng.pick([
    '10.0.0.0',
    '10.1.0.0',
    '10.2.0.0',
    '192.168.0.0',
    '172.16.0.0',
    '8.8.0.0',
  ])
  return (v4(base) + rng.int(4) * 256 + rng.pick([0, 1, 2, 9, 77, 128, 254, 255])) >>> 0
}

export function randomLinks(rng: Rng): Link[] {
  const links: Link[] = [
    { index: 1, name: 'lo', kind: 'loopback', mtu: 65536, up: true, mac: '00:00:00:00:00:00' },
  ]
  const pairs = 2 + rng.int(2)
  for (let i = 0; i < pairs; i++) {
    for (const [a, b] of [
      [`a${i}`, `b${i}`],
      [`b${i}`, `a${i}`],
    ] as const) {
      links.push({
        index: links.length + 1,
        name: a,
        kind: 'veth',
        mac: `02:00:00:00:0${i}:0${a.startsWith('a') ? 1 : 2}`,
        mtu: 1500,
        up: rng.chance(0.85),
        peer: { netns: '', name: b },
      })
    }
  }
  return links
}

function randomAddresses(rng: Rng, links: readonly Link[]): Address[] {
  const out: Address[] = []
  for (const l of links) {
    const n = l.kind === 'loopback' ? rng.int(2) : 1 + rng.int(2)
    for (let i = 0; i < n; i++) {
      const prev = out.filter((a) => a.iface === l.name)
      const same = prev.length > 0 && rng.chance(0.2) ? rng.pick(prev) : undefined
      const len = same?.prefixLen ?? rng.pick([16, 24, 24, 24, 28, 30, 31, 32])
      const addr = same ? ((v4(same.local) & mask(len)) + 1 + rng.int(250)) >>> 0 : randomAddr(rng)
      if ((addr & ~mask(len)) >>> 0 === 0 && len < 31) continue
      // The kernel refuses a second address of a subnet with another scope.
      const sibling = prev.find(
        (p) => p.prefixLen === len && ((v4(p.local) ^ addr) & mask(len)) === 0,
      )
      out.push({
        iface: l.name,
        family: 4,
        local: formatIPv4(addr),
        prefixLen: len,
        scope: sibling?.scope ?? (l.kind !== 'loopback' && rng.chance(0.1) ? 'link' : 'global'),
        ...(rng.chance(0.05) ? { broadcast: formatIPv4((addr | 0x3f) >>> 0) } : {}),
      })
    }
  }
  return out
}

function randomPrefix(rng: Rng): string {
  const len = rng.pick([0, 8, 12, 16, 20, 24, 24, 26, 28, 32])
  if (len === 0) return 'default'
  const a = (randomAddr(rng) & mask(len)) >>> 0
  return len === 32 ? formatIPv4(a) : `${formatIPv4(a)}/${len}`
}

/** A gateway inside a connected subnet of `dev`, or undefined. */
function gatewayOn(rng: Rng, addrs: readonly Address[], dev: string): string | undefined {
  const mine = addrs.filter((a) => a.iface === dev && a.prefixLen < 31)
  if (mine.length === 0) return undefined
  const a = rng.pick(mine)
  const net = v4(a.local) & mask(a.prefixLen)
  const host = (net + 1 + rng.int(2 ** (32 - a.prefixLen) - 2)) >>> 0
  return host === v4(a.local) ? undefined : formatIPv4(host)
}

function randomRoute(rng: Rng, links: readonly Link[], addrs: readonly Address[]): Route {
  const table = rng.pick([TABLE_MAIN, TABLE_MAIN, TABLE_MAIN, 100, 100, 200, TABLE_LOCAL])
  const type = rng.pick([
    'unicast',
    'unicast',
    'unicast',
    'unicast',
    'unicast',
    'blackhole',
    'unreachable',
    'prohibit',
    'throw',
    'local',
  ] as const)
  const metric = rng.pick([undefined, 10, 50, 100])
  const tos = rng.chance(0.05) ? 0x10 : undefined
  const base: Route = {
    family: 4,
    table,
    type,
    dst: randomPrefix(rng),
    ...(metric === undefined ? {} : { metric }),
    ...(tos ? { tos } : {}),
  }
  if (type !== 'unicast' && type !== 'local') return base
  const dev = rng.pick(links.filter((l) => l.kind !== 'loopback' || type === 'local')).name
  const gw = type === 'unicast' && rng.chance(0.5) ? gatewayOn(rng, addrs, dev) : undefined
  const onlink = type === 'unicast' && gw === undefined && rng.chance(0.15)
  const locals = addrs.filter((a) => a.scope === 'global')
  const src = rng.chance(0.2) && locals.length > 0 ? rng.pick(locals).local : undefined
  return {
    ...base,
    dev,
    ...(gw ? { via: gw } : onlink ? { via: formatIPv4(randomAddr(rng)), onlink: true } : {}),
    ...(src ? { src } : {}),
  }
}

function randomRule(rng: Rng, links: readonly Link[], priority: number): PolicyRule {
  const action = rng.pick([
    'lookup',
    'lookup',
    'lookup',
    'lookup',
    'lookup',
    'lookup',
    'unreachable',
    'prohibit',
    'blackhole',
    'nop',
  ] as const)
  const fw = rng.pick([1, 2, 0x10, 0x4000])
  const r: PolicyRule = {
    family: 4,
    priority,
    ...(rng.chance(0.1) ? { not: true } : {}),
    ...(rng.chance(0.3) ? { from: randomPrefix(rng).replace('default', '0.0.0.0/0') } : {}),
    ...(rng.chance(0.3) ? { to: randomPrefix(rng).replace('default', '0.0.0.0/0') } : {}),
    ...(rng.chance(0.2) ? { iif: rng.pick(links).name } : {}),
    ...(rng.chance(0.1) ? { oif: rng.pick(links).name } : {}),
    ...(rng.chance(0.3) ? { fwmark: { value: fw, mask: rng.chance(0.5) ? 0xffffffff : fw } } : {}),
    ...(rng.chance(0.05) ? { tos: 0x10 } : {}),
    action,
  }
  if (action !== 'lookup') return r
  return {
    ...r,
    table: rng.pick([100, 200, TABLE_MAIN, 300]),
    ...(rng.chance(0.15) ? { suppressPrefixLength: rng.pick([0, 8, 24]) } : {}),
  }
}

function randomSysctls(rng: Rng, links: readonly Link[]): Record<string, string> {
  const s: Record<string, string> = {
    'net.ipv4.ip_forward': rng.pick(['0', '1', '1']),
    'net.ipv4.conf.all.rp_filter': rng.pick(['0', '0', '1', '2']),
    'net.ipv4.conf.default.rp_filter': '0',
    'net.ipv4.conf.all.accept_local': rng.pick(['0', '0', '1']),
    'net.ipv4.conf.default.accept_local': '0',
    'net.ipv4.conf.all.route_localnet': rng.pick(['0', '0', '0', '1']),
    'net.ipv4.conf.default.route_localnet': '0',
    'net.ipv4.conf.all.src_valid_mark': rng.pick(['0', '1']),
    'net.ipv4.conf.default.src_valid_mark': '0',
    'net.ipv4.conf.all.send_redirects': '1',
    'net.ipv4.conf.default.send_redirects': '1',
    'net.ipv6.conf.all.disable_ipv6': '1',
    'net.ipv6.conf.default.disable_ipv6': '1',
  }
  for (const l of links) {
    if (l.kind === 'loopback') continue
    if (rng.chance(0.3)) s[`net.ipv4.conf.${l.name}.rp_filter`] = rng.pick(['0', '1', '2'])
    if (rng.chance(0.15)) s[`net.ipv4.conf.${l.name}.forwarding`] = rng.pick(['0', '1'])
  }
  return s
}

/** A random IPv4 namespace: 2-3 veth pairs, addresses, routes, rules and sysctls. */
export function randomState(seed: number): NetnsState {
  const rng = new Rng(seed)
  const links = randomLinks(rng)
  const addresses = randomAddresses(rng, links)
  const routes = Array.from({ length: rng.int(12) }, () => randomRoute(rng, links, addresses))
  const custom = rng.chance(0.65)
  const prios = [...new Set(Array.from({ length: 1 + rng.int(5) }, () => 100 + rng.int(300) * 100))]
  const rules = custom
    ? [...defaultRules(), ...prios.map((p) => randomRule(rng, links, p))]
    : defaultRules()
  return {
    name: `random-${seed}`,
    links,
    addresses,
    routes,
    rules,
    neighbours: [],
    sysctls: randomSysctls(rng, links),
    iptables: {},
    ipsets: [],
    conntrack: [],
  }
}

/** Destinations and sources worth asking about in a state: its own addresses and neighbours. */
function interesting(rng: Rng, state: NetnsState): string {
  const r = rng.int(10)
  if (r < 3 && state.addresses.length > 0) {
    const a = rng.pick(state.addresses)
    const n = v4(a.local)
    const m = mask(a.prefixLen)
    return formatIPv4(rng.pick([n, n + 1, (n & m) >>> 0, (n | ~m) >>> 0, n - 1]) >>> 0)
  }
  if (r < 5 && state.routes.length > 0) {
    const dst = rng.pick(state.routes).dst
    const base = dst === 'default' ? randomAddr(rng) : v4(dst.split('/')[0] ?? '')
    return formatIPv4((base + rng.int(3)) >>> 0)
  }
  if (r === 5) return rng.pick(['127.0.0.1', '127.0.0.9', '8.8.8.8', '255.255.255.255', '1.1.1.1'])
  return formatIPv4(randomAddr(rng))
}

/** Random `ip route get` questions for a state, input and output. */
export function randomQueries(state: NetnsState, seed: number, n: number): RouteQuery[] {
  const rng = new Rng(seed ^ 0x5eed)
  const marks = [0, 1, 2, 0x10, 0x4000]
  const out: RouteQuery[] = []
  while (out.length < n) {
    const dst = interesting(rng, state)
    const mark = rng.chance(0.3) ? rng.pick(marks) : undefined
    const tos = rng.chance(0.05) ? 0x10 : undefined
    const common = {
      dst,
      ...(mark === undefined ? {} : { mark }),
      ...(tos === undefined ? {} : { tos }),
    }
    if (rng.chance(0.5)) {
      if (dst === '255.255.255.255') continue
      out.push({
        ...common,
        input: true,
        src: interesting(rng, state),
        iif: rng.pick(state.links).name,
      })
      continue
    }
    const src = rng.chance(0.3) ? interesting(rng, state) : undefined
    const oif = rng.chance(0.2) ? rng.pick(state.links).name : undefined
    out.push({
      ...common,
      input: false,
      ...(src === undefined ? {} : { src }),
      ...(oif === undefined ? {} : { oif }),
    })
  }
  return out
}
