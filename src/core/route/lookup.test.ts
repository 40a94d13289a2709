/**
 * lookupRoute, one kernel rule per test. Expected answers are what Linux 6.18's `ip route get`
 * printed for the same setup in a scratch namespace (the live test checks thousands more).
 */
import { describe, expect, it } from 'vitest'
import { isKpathError } from '../errors.js'
import { lookupRoute } from './lookup.js'
import { node } from './testing/build.js'
import type { RouteQuery, RouteResult } from './types.js'

const out = (dst: string, more: Partial<RouteQuery> = {}): RouteQuery => ({
  dst,
  input: false,
  ...more,
})
const inp = (
  dst: string,
  src: string,
  iif: string,
  more: Partial<RouteQuery> = {},
): RouteQuery => ({ dst, src, iif, input: true, ...more })

/** The fields `ip route get` prints. */
function shown(r: RouteResult) {
  if (r.errno) return { errno: r.errno, error: r.error }
  return { type: r.type, table: r.table, via: r.via, dev: r.dev, src: r.src }
}

// The namespace of the first lab experiment: v0 10.1.2.3/24 (+ secondary .4), v1 10.2.0.1/24,
// default via 10.1.2.1, table 100 for fwmark 0x10, reject routes in main.
const lab = (extra: { sysctls?: Record<string, string | number>; rules?: string[] } = {}) =>
  node({
    links: ['v0', 'v1'],
    addrs: ['v0 10.1.2.3/24', 'v0 10.1.2.4/24', 'v1 10.2.0.1/24'],
    routes: [
      'default via 10.1.2.1 dev v0',
      '10.50.0.0/16 via 10.2.0.9 dev v1 table 100',
      'blackhole 10.60.0.0/16',
      'unreachable 10.61.0.0/16',
      'prohibit 10.62.0.0/16',
      'throw 10.63.0.0/16',
    ],
    rules: extra.rules ?? ['fwmark 0x10 pref 100 lookup 100'],
    sysctls: extra.sysctls ?? {},
  })

describe('output routes (ip_route_output_key_hash_rcu)', () => {
  const s = lab()

  it('follows the default route; the source is inet_select_addr towards the gateway', () => {
    expect(shown(lookupRoute(s, out('8.8.8.8')))).toEqual({
      type: 'unicast',
      table: 254,
      via: '10.1.2.1',
      dev: 'v0',
      src: '10.1.2.3',
    })
  })

  it('delivers local addresses over lo; a secondary takes its primary as source (fib_magic prim)', () => {
    expect(shown(lookupRoute(s, out('10.1.2.3')))).toEqual({
      type: 'local',
      table: 255,
      via: undefined,
      dev: 'lo',
      src: '10.1.2.3',
    })
    expect(shown(lookupRoute(s, out('10.1.2.4')))).toMatchObject({ type: 'local', src: '10.1.2.3' })
  })

  it('finds the subnet broadcast in table local', () => {
    expect(shown(lookupRoute(s, out('10.1.2.255')))).toEqual({
      type: 'broadcast',
      table: 255,
      via: undefined,
      dev: 'v0',
      src: '10.1.2.3',
    })
  })

  it('uses the fwmark rule (mark 0x10 → table 100)', () => {
    expect(shown(lookupRoute(s, out('10.50.1.1', { mark: 0x10 })))).toMatchObject({
      table: 100,
      via: '10.2.0.9',
      dev: 'v1',
      src: '10.2.0.1',
    })
    expect(shown(lookupRoute(s, out('10.50.1.1', { mark: 0x11 })))).toMatchObject({
      table: 254,
      dev: 'v0',
    })
  })

  it('maps reject routes to their errors; throw falls off the rules (fib_props)', () => {
    expect(shown(lookupRoute(s, out('10.60.1.1')))).toEqual({ errno: 'EINVAL', error: 'blackhole' })
    expect(shown(lookupRoute(s, out('10.61.1.1')))).toEqual({
      errno: 'EHOSTUNREACH',
      error: 'unreachable',
    })
    expect(shown(lookupRoute(s, out('10.62.1.1')))).toEqual({ errno: 'EACCES', error: 'prohibit' })
    expect(shown(lookupRoute(s, out('10.63.1.1')))).toEqual({
      errno: 'ENETUNREACH',
      error: 'network unreachable',
    })
  })

  it('refuses a source that is not ours, keeps one that is', () => {
    expect(shown(lookupRoute(s, out('8.8.8.8', { src: '1.1.1.1' })))).toEqual({
      errno: 'ENETUNREACH',
      error: 'invalid source',
    })
    expect(shown(lookupRoute(s, out('8.8.8.8', { src: '10.2.0.1' })))).toMatchObject({
      dev: 'v0',
      src: '10.2.0.1',
    })
    // ip_route_me_harder re-routes with FLOWI_FLAG_ANYSRC.
    expect(
      shown(lookupRoute(s, out('8.8.8.8', { src: '1.1.1.1', anySource: true }))),
    ).toMatchObject({ dev: 'v0' })
  })

  it('with oif and no route through it, assumes the destination is on that link', () => {
    expect(shown(lookupRoute(s, out('8.8.8.8', { oif: 'v1' })))).toEqual({
      type: 'unicast',
      table: undefined,
      via: undefined,
      dev: 'v1',
      src: '10.2.0.1',
    })
  })

  it('sends 255.255.255.255 as broadcast along the route, without gateway', () => {
    expect(shown(lookupRoute(s, out('255.255.255.255')))).toMatchObject({
      type: 'broadcast',
      via: undefined,
      dev: 'v0',
    })
  })
})

describe('merged local and main tables (no custom rules)', () => {
  const s = node({
    links: ['v0', 'v1'],
    addrs: ['v0 10.1.2.3/24', 'lo 10.10.0.1/24'],
    routes: ['10.10.0.7 dev v0', '10.1.2.3 dev v1'],
  })

  it('lets a /32 in main beat a /24 local route, and reports table main', () => {
    expect(shown(lookupRoute(s, out('10.10.0.7')))).toMatchObject({
      type: 'unicast',
      table: 254,
      dev: 'v0',
    })
    expect(shown(lookupRoute(s, out('10.10.0.8')))).toMatchObject({
      type: 'local',
      table: 254,
      src: '10.10.0.1',
    })
  })

  it('puts local before main at the same prefix (higher table id first)', () => {
    expect(shown(lookupRoute(s, out('10.1.2.3')))).toMatchObject({ type: 'local', table: 254 })
  })

  it('splits the tables again once a rule exists', () => {
    const split = node({
      links: ['v0', 'v1'],
      addrs: ['v0 10.1.2.3/24', 'lo 10.10.0.1/24'],
      routes: ['10.10.0.7 dev v0'],
      rules: ['fwmark 1 pref 5 lookup 5'],
    })
    expect(shown(lookupRoute(split, out('10.10.0.7')))).toMatchObject({ type: 'local', table: 255 })
  })
})

describe('policy rules (fib_rules_lookup)', () => {
  const base = {
    links: ['e0', 'e1'],
    addrs: ['e0 10.0.0.2/24', 'e1 10.9.0.2/24'],
    routes: [
      'default via 10.0.0.1 dev e0',
      'default via 10.9.0.1 dev e1 table 7',
      '10.77.0.0/16 via 10.9.0.1 dev e1 table 7',
    ],
  }

  it('matches from/to prefixes, fwmark under a mask and iif lo for local traffic', () => {
    const s = node({ ...base, rules: ['fwmark 0x4000/0x4000 pref 10 lookup 7'] })
    expect(lookupRoute(s, out('1.1.1.1', { mark: 0x4001 })).dev).toBe('e1')
    expect(lookupRoute(s, out('1.1.1.1', { mark: 0x0001 })).dev).toBe('e0')
    const lo = node({
      ...base,
      rules: ['iif lo pref 10 lookup 7'],
      sysctls: { 'net.ipv4.ip_forward': 1 },
    })
    expect(lookupRoute(lo, out('1.1.1.1')).dev).toBe('e1')
    expect(lookupRoute(lo, inp('1.1.1.1', '10.0.0.9', 'e0')).dev).toBe('e0')
  })

  it('inverts with not', () => {
    const s = node({ ...base, rules: ['not to 10.77.0.0/16 pref 10 lookup 7'] })
    expect(lookupRoute(s, out('1.1.1.1')).dev).toBe('e1')
    expect(lookupRoute(s, out('10.77.0.1')).table).toBe(254)
  })

  it('suppress_prefixlength 0 ignores default routes of the table (wg-quick)', () => {
    const s = node({
      ...base,
      rules: ['pref 10 lookup 7 suppress_prefixlength 0', 'pref 20 lookup main'],
    })
    expect(lookupRoute(s, out('10.77.1.1'))).toMatchObject({ table: 7, dev: 'e1' })
    expect(lookupRoute(s, out('1.1.1.1'))).toMatchObject({ table: 254, dev: 'e0' })
  })

  it('rule actions answer with their own errors', () => {
    const s = node({
      ...base,
      rules: [
        'to 1.0.0.0/8 pref 10 unreachable',
        'to 2.0.0.0/8 pref 11 prohibit',
        'to 3.0.0.0/8 pref 12 blackhole',
      ],
    })
    expect(lookupRoute(s, out('1.1.1.1')).errno).toBe('ENETUNREACH')
    expect(lookupRoute(s, out('2.1.1.1')).errno).toBe('EACCES')
    expect(lookupRoute(s, out('3.1.1.1')).errno).toBe('EINVAL')
  })

  it('goes on past a missing table and a throw route', () => {
    const s = node({
      ...base,
      routes: [...base.routes, 'throw 1.0.0.0/8 table 7'],
      rules: ['pref 10 lookup 99', 'pref 11 lookup 7'],
    })
    expect(lookupRoute(s, out('1.1.1.1')).table).toBe(254)
    expect(lookupRoute(s, out('4.4.4.4')).table).toBe(7)
  })

  it('refuses ip rule goto, which the model cannot express', () => {
    const s = node({ ...base, rules: ['pref 10 goto'] })
    try {
      lookupRoute(s, out('1.1.1.1'))
      expect.unreachable()
    } catch (e) {
      expect(isKpathError(e) && e.code).toBe('KPATH_UNSUPPORTED')
    }
  })
})

describe('FIB details', () => {
  it('prefers the lower metric, and a TOS-specific route for its TOS', () => {
    const s = node({
      links: ['e0', 'e1'],
      addrs: ['e0 10.0.0.2/24', 'e1 10.9.0.2/24'],
      routes: [
        '5.0.0.0/8 via 10.0.0.1 dev e0 metric 20',
        '5.0.0.0/8 via 10.9.0.1 dev e1 metric 10',
        '5.0.0.0/8 via 10.0.0.7 dev e0 tos 16',
      ],
    })
    expect(lookupRoute(s, out('5.1.1.1')).via).toBe('10.9.0.1')
    expect(lookupRoute(s, out('5.1.1.1', { tos: 0x10 })).via).toBe('10.0.0.7')
  })

  it('skips routes through a down link and backtracks to a shorter prefix', () => {
    const s = node({
      links: ['e0', 'e1 down'],
      addrs: ['e0 10.0.0.2/24'],
      routes: ['default via 10.0.0.1 dev e0', '5.0.0.0/8 dev e1'],
    })
    expect(lookupRoute(s, out('5.1.1.1')).dev).toBe('e0')
  })

  it('keeps local routes of a down link: the address still answers locally', () => {
    const s = node({ links: ['e0 down'], addrs: ['e0 10.0.0.2/24'] })
    expect(shown(lookupRoute(s, out('10.0.0.2')))).toMatchObject({ type: 'local', dev: 'lo' })
    expect(lookupRoute(s, out('10.0.0.9')).errno).toBe('ENETUNREACH')
  })

  it('resolves the device of a gateway route given without one (fib_check_nh)', () => {
    const s = node({ links: ['e0'], addrs: ['e0 10.0.0.2/24'], routes: ['default via 10.0.0.1'] })
    expect(lookupRoute(s, out('1.1.1.1')).dev).toBe('e0')
  })

  it('uses a route src, and skips link-scope addresses for a universe route', () => {
    const s = node({
      links: ['e0'],
      addrs: ['e0 169.254.0.9/16 scope link', 'e0 10.0.0.2/24', 'e0 10.0.0.3/32'],
      routes: [
        'default via 10.0.0.1 dev e0',
        '7.0.0.0/8 via 10.0.0.1 dev e0 src 10.0.0.3',
        '169.254.0.0/16 dev e0 table 9',
      ],
    })
    expect(lookupRoute(s, out('1.1.1.1')).src).toBe('10.0.0.2')
    expect(lookupRoute(s, out('7.7.7.7')).src).toBe('10.0.0.3')
    // The link-scope prefix route of 169.254/16 (scope link) may use the link-scope address.
    expect(lookupRoute(s, out('169.254.1.1')).src).toBe('169.254.0.9')
  })

  it('lists the next hops of a multipath route and keeps the first', () => {
    const s = node({
      links: ['e0', 'e1'],
      addrs: ['e0 10.0.0.2/24', 'e1 10.9.0.2/24'],
      routes: ['default nexthop via 10.0.0.1 dev e0 nexthop via 10.9.0.1 dev e1'],
    })
    const r = lookupRoute(s, out('1.1.1.1'))
    expect(r.dev).toBe('e0')
    expect(r.multipath).toEqual([
      { via: '10.0.0.1', dev: 'e0', weight: 1 },
      { via: '10.9.0.1', dev: 'e1', weight: 1 },
    ])
    expect(lookupRoute(s, out('1.1.1.1', { oif: 'e1' })).via).toBe('10.9.0.1')
  })
})

describe('input routes (ip_route_input_slow)', () => {
  it('refuses to forward when the input device does not forward (EHOSTUNREACH)', () => {
    const s = lab()
    expect(shown(lookupRoute(s, inp('8.8.8.8', '10.2.0.99', 'v0')))).toEqual({
      errno: 'EHOSTUNREACH',
      error: 'forwarding disabled',
    })
    expect(shown(lookupRoute(s, inp('10.1.2.3', '10.2.0.99', 'v0')))).toMatchObject({
      type: 'local',
      dev: 'lo',
      table: 255,
    })
  })

  it('forwards per the input device own forwarding value', () => {
    const on = lab({ sysctls: { 'net.ipv4.ip_forward': 1 } })
    expect(shown(lookupRoute(on, inp('8.8.8.8', '10.2.0.99', 'v1')))).toMatchObject({
      type: 'unicast',
      via: '10.1.2.1',
      dev: 'v0',
    })
    const one = lab({ sysctls: { 'net.ipv4.conf.v1.forwarding': 1 } })
    expect(lookupRoute(one, inp('8.8.8.8', '10.2.0.99', 'v1')).dev).toBe('v0')
    expect(lookupRoute(one, inp('8.8.8.8', '10.1.2.99', 'v0')).errno).toBe('EHOSTUNREACH')
  })

  it('drops martians: special sources, 0/8 and loopback destinations, local sources', () => {
    const s = lab({ sysctls: { 'net.ipv4.ip_forward': 1 } })
    for (const src of ['0.0.0.0', '224.0.0.1', '255.255.255.255', '127.0.0.1']) {
      expect(lookupRoute(s, inp('8.8.8.8', src, 'v1')).error, src).toBe('martian source')
    }
    expect(lookupRoute(s, inp('0.0.0.1', '10.2.0.99', 'v1')).error).toBe('martian destination')
    expect(lookupRoute(s, inp('127.0.0.1', '10.2.0.99', 'v0')).error).toBe('martian destination')
    expect(shown(lookupRoute(s, inp('10.1.2.3', '10.1.2.3', 'v0')))).toEqual({
      errno: 'EINVAL',
      error: 'local source',
    })
  })

  it('lets route_localnet route 127/8 from outside', () => {
    const s = lab({ sysctls: { 'net.ipv4.conf.v0.route_localnet': 1 } })
    expect(lookupRoute(s, inp('127.0.0.1', '10.2.0.99', 'v0')).type).toBe('local')
  })

  it('accept_local admits our own addresses as sources', () => {
    const s = lab({ sysctls: { 'net.ipv4.conf.v0.accept_local': 1 } })
    expect(lookupRoute(s, inp('10.1.2.3', '10.1.2.3', 'v0')).type).toBe('local')
  })

  it('delivers broadcasts locally and validates their source', () => {
    const s = lab()
    expect(shown(lookupRoute(s, inp('10.1.2.255', '10.2.0.9', 'v1')))).toMatchObject({
      type: 'broadcast',
      dev: 'lo',
      table: 255,
    })
    expect(shown(lookupRoute(s, inp('255.255.255.255', '10.2.0.9', 'v1')))).toMatchObject({
      type: 'broadcast',
      dev: 'lo',
    })
  })

  it('reports a reject route with its own error when forwarding, EHOSTUNREACH when not', () => {
    expect(
      lookupRoute(
        lab({ sysctls: { 'net.ipv4.ip_forward': 1 } }),
        inp('10.60.0.1', '10.2.0.99', 'v1'),
      ).errno,
    ).toBe('EINVAL')
    expect(lookupRoute(lab(), inp('10.60.0.1', '10.2.0.99', 'v1')).errno).toBe('EHOSTUNREACH')
  })

  it('refuses multicast input routing as unsupported', () => {
    expect(() => lookupRoute(lab(), inp('224.0.0.5', '10.2.0.99', 'v1'))).toThrow(/multicast/)
  })
})

describe('arguments', () => {
  it('rejects text that is not an address and mixed families', () => {
    expect(() => lookupRoute(lab(), out('nope'))).toThrow(/not an IP address/)
    expect(() => lookupRoute(lab(), out('10.0.0.1', { src: '::1' }))).toThrow(/not an IPv4/)
  })
})
