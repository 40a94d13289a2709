/**
 * @module core/route/testing/random-states6
 * Test support: seeded random IPv6 namespaces and route queries for the live differential test.
 * Links come up with their peers (kpath assumes carrier); link-local addresses are the kernel's,
 * read back by the test.
 */
import type { Address, Link, NetnsState, PolicyRule, Route } from '../../model/netns.js'
import { defaultRules, TABLE_MAIN } from '../../model/netns.js'
import type { RouteQuery } from '../types.js'
import { randomLinks } from './random-states.js'
import { Rng } from './rng.js'

const hex = (n: number) => n.toString(16)

function randomAddr6(rng: Rng): string {
  if (rng.chance(0.1)) return rng.pick(['2001:4860::8888', '2606:4700::1111', 'fd00::1', '::1'])
  return `2001:db8:${hex(rng.int(3))}:${hex(rng.int(3))}::${hex(rng.pick([1, 2, 9, 0x55, 0x100, 0xffff]))}`
}

function randomPrefix6(rng: Rng): string {
  const len = rng.pick([0, 32, 48, 56, 64, 64, 96, 128])
  if (len === 0) return 'default'
  const a = randomAddr6(rng)
  return len === 128 ? a : `${a}/${len}`
}

function randomRoute6(rng: Rng, links: readonly Link[], addrs: readonly Address[]): Route {
  const table = rng.pick([TABLE_MAIN, TABLE_MAIN, TABLE_MAIN, 100])
  const type = rng.pick([
    'unicast',
    'unicast',
    'unicast',
    'unicast',
    'blackhole',
    'unreachable',
    'prohibit',
    'throw',
  ] as const)
  const metric = rng.pick([undefined, 100, 2000])
  const base: Route = {
    family: 6,
    table,
    type,
    dst: randomPrefix6(rng),
    ...(metric === undefined ? {} : { metric }),
  }
  if (type !== 'unicast') return base
  const dev = rng.pick(links.filter((l) => l.kind !== 'loopback')).name
  const onDev = addrs.filter((a) => a.iface === dev && a.prefixLen <= 64)
  const gw =
    rng.chance(0.6) && onDev.length > 0
      ? `${rng.pick(onDev).local.replace(/::[0-9a-f]+$/, '')}::${hex(0x1000 + rng.int(100))}`
      : undefined
  const locals = addrs.filter((a) => a.scope === 'global')
  const src = rng.chance(0.15) && locals.length > 0 ? rng.pick(locals).local : undefined
  return { ...base, dev, ...(gw ? { via: gw } : {}), ...(src ? { src } : {}) }
}

function randomRule6(rng: Rng, links: readonly Link[], priority: number): PolicyRule {
  const action = rng.pick([
    'lookup',
    'lookup',
    'lookup',
    'lookup',
    'unreachable',
    'prohibit',
    'blackhole',
  ] as const)
  return {
    family: 6,
    priority,
    ...(rng.chance(0.3) ? { from: randomPrefix6(rng).replace('default', '::/0') } : {}),
    ...(rng.chance(0.3) ? { to: randomPrefix6(rng).replace('default', '::/0') } : {}),
    ...(rng.chance(0.2) ? { iif: rng.pick(links).name } : {}),
    ...(rng.chance(0.3) ? { fwmark: { value: 0x10, mask: 0xffffffff } } : {}),
    action,
    ...(action === 'lookup' ? { table: rng.pick([100, TABLE_MAIN]) } : {}),
    ...(action === 'lookup' && rng.chance(0.15) ? { suppressPrefixLength: rng.pick([0, 48]) } : {}),
  }
}

/**
 * A random IPv6 namespace: veth pairs with both ends up, global addresses, routes, rules.
 * Link-local addresses are the kernel's; the live test reads them back.
 */
export function randomState6(seed: number): NetnsState {
  const rng = new Rng(seed)
  const links = randomLinks(rng).map((l) => ({ ...l, up: true }))
  const addresses: Address[] = []
  for (const l of links) {
    for (let i = rng.int(3); i > 0; i--) {
      const local = randomAddr6(rng)
      if (local === '::1' || addresses.some((a) => a.local === local && a.iface === l.name))
        continue
      addresses.push({
        iface: l.name,
        family: 6,
        local,
        prefixLen: rng.pick([48, 64, 64, 64, 128]),
        scope: 'global',
      })
    }
  }
  const routes = Array.from({ length: rng.int(10) }, () => randomRoute6(rng, links, addresses))
  const prios = [...new Set(Array.from({ length: rng.int(4) }, () => 100 + rng.int(300) * 100))]
  return {
    name: `random6-${seed}`,
    links,
    addresses,
    routes,
    rules: [...defaultRules(), ...prios.map((p) => randomRule6(rng, links, p))],
    neighbours: [],
    sysctls: {
      'net.ipv6.conf.all.disable_ipv6': '0',
      'net.ipv6.conf.default.disable_ipv6': '0',
      'net.ipv6.conf.all.accept_dad': '0',
      'net.ipv6.conf.default.accept_dad': '0',
      'net.ipv6.conf.all.forwarding': rng.pick(['0', '1']),
    },
    iptables: {},
    ipsets: [],
    conntrack: [],
  }
}

/** Random IPv6 questions (no link-local destinations: several links share fe80::/64). */
export function randomQueries6(state: NetnsState, seed: number, n: number): RouteQuery[] {
  const rng = new Rng(seed ^ 0x6666)
  const pool = () => {
    const globals = state.addresses.filter((a) => a.family === 6 && a.scope === 'global')
    return rng.chance(0.3) && globals.length > 0 ? rng.pick(globals).local : randomAddr6(rng)
  }
  const out: RouteQuery[] = []
  while (out.length < n) {
    const dst = pool()
    const mark = rng.chance(0.3) ? 0x10 : undefined
    const common = { dst, ...(mark === undefined ? {} : { mark }) }
    if (rng.chance(0.4)) {
      out.push({ ...common, input: true, src: pool(), iif: rng.pick(state.links).name })
      continue
    }
    const oif = rng.chance(0.2)
      ? rng.pick(state.links.filter((l) => l.kind !== 'loopback')).name
      : undefined
    out.push({ ...common, input: false, ...(oif === undefined ? {} : { oif }) })
  }
  return out
}
