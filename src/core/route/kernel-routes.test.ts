/**
 * withKernelRoutes: the routes `ip route show table all` listed on Linux 6.18 after the same
 * `ip addr add` commands in a scratch namespace (kernel-routes.live.test.ts repeats this on
 * random namespaces).
 */
import { describe, expect, it } from 'vitest'
import type { Route } from '../model/netns.js'
import { withKernelRoutes } from './kernel-routes.js'
import { node } from './testing/build.js'

/** `ip route` style text of the kernel routes. */
function show(routes: readonly Route[], family: 4 | 6 = 4): string[] {
  return routes
    .filter((r) => r.family === family && r.proto === 'kernel')
    .map((r) =>
      [
        r.type === 'unicast' ? '' : `${r.type} `,
        r.dst,
        ` dev ${r.dev}`,
        r.table === 255 ? ' table local' : '',
        r.scope ? ` scope ${r.scope}` : '',
        r.src ? ` src ${r.src}` : '',
        family === 6 ? ` metric ${r.metric}` : '',
      ].join(''),
    )
    .sort()
}

describe('withKernelRoutes', () => {
  it('IPv4: local, prefix and broadcast routes; secondaries; /31 and /32; peers; lo subnets', () => {
    const s = node({
      links: ['v0'],
      addrs: [
        'v0 10.1.2.3/24',
        'v0 10.1.2.4/24',
        'v0 10.5.0.1/31',
        'v0 10.6.0.1/32',
        'v0 10.7.0.1/16 brd 10.7.9.9',
        'lo 10.9.9.9/32',
        'lo 10.10.0.1/24',
        'v0 10.11.0.1/24 peer 10.11.5.0',
        'v0 172.16.0.1/24 scope link',
      ],
    })
    expect(show(s.routes)).toEqual(
      [
        '10.1.2.0/24 dev v0 scope link src 10.1.2.3',
        '10.5.0.0/31 dev v0 scope link src 10.5.0.1',
        '10.7.0.0/16 dev v0 scope link src 10.7.0.1',
        '10.11.5.0/24 dev v0 scope link src 10.11.0.1',
        '172.16.0.0/24 dev v0 scope link src 172.16.0.1',
        'local 10.1.2.3 dev v0 table local scope host src 10.1.2.3',
        'local 10.1.2.4 dev v0 table local scope host src 10.1.2.3',
        'broadcast 10.1.2.255 dev v0 table local scope link src 10.1.2.3',
        'local 10.5.0.1 dev v0 table local scope host src 10.5.0.1',
        'local 10.6.0.1 dev v0 table local scope host src 10.6.0.1',
        'local 10.7.0.1 dev v0 table local scope host src 10.7.0.1',
        'broadcast 10.7.9.9 dev v0 table local scope link src 10.7.0.1',
        'broadcast 10.7.255.255 dev v0 table local scope link src 10.7.0.1',
        'local 10.9.9.9 dev lo table local scope host src 10.9.9.9',
        'local 10.10.0.0/24 dev lo table local scope host src 10.10.0.1',
        'local 10.10.0.1 dev lo table local scope host src 10.10.0.1',
        'broadcast 10.10.0.255 dev lo table local scope link src 10.10.0.1',
        'local 10.11.0.1 dev v0 table local scope host src 10.11.0.1',
        'broadcast 10.11.5.255 dev v0 table local scope link src 10.11.0.1',
        'local 127.0.0.0/8 dev lo table local scope host src 127.0.0.1',
        'local 127.0.0.1 dev lo table local scope host src 127.0.0.1',
        'broadcast 127.255.255.255 dev lo table local scope link src 127.0.0.1',
        'local 172.16.0.1 dev v0 table local scope host src 172.16.0.1',
        'broadcast 172.16.0.255 dev v0 table local scope link src 172.16.0.1',
      ].sort(),
    )
  })

  it('IPv4 on a down link: only the local route', () => {
    const s = node({ links: ['v0 down'], addrs: ['v0 10.1.2.3/24'] })
    expect(show(s.routes).filter((r) => r.includes('v0'))).toEqual([
      'local 10.1.2.3 dev v0 table local scope host src 10.1.2.3',
    ])
  })

  it('IPv6: local, prefix (also /128), ff00::/8, and anycast while forwarding', () => {
    const s = node({
      links: ['v0'],
      addrs: ['v0 2001:db8:1::5/64', 'v0 2001:db8:2::5/128', 'v0 fe80::ff:fe00:1/64 scope link'],
      sysctls: { 'net.ipv6.conf.all.forwarding': 1 },
    })
    expect(show(s.routes, 6)).toEqual(
      [
        '2001:db8:1::/64 dev v0 metric 256',
        '2001:db8:2::5 dev v0 metric 256',
        'fe80::/64 dev v0 metric 256',
        'local ::1 dev lo table local metric 0',
        'local 2001:db8:1::5 dev v0 table local metric 0',
        'local 2001:db8:2::5 dev v0 table local metric 0',
        'local fe80::ff:fe00:1 dev v0 table local metric 0',
        'anycast 2001:db8:1:: dev v0 table local metric 0',
        'anycast fe80:: dev v0 table local metric 0',
        'multicast ff00::/8 dev v0 table local metric 256',
      ].sort(),
    )
  })

  it('adds the loopback addresses of an up lo, and is idempotent', () => {
    const s = node({ links: ['v0'], addrs: ['v0 10.1.2.3/24'] })
    expect(s.addresses.filter((a) => a.iface === 'lo').map((a) => a.local)).toEqual([
      '127.0.0.1',
      '::1',
    ])
    const again = withKernelRoutes(s)
    expect(again.routes).toEqual(s.routes)
    expect(again.addresses).toEqual(s.addresses)
  })
})
