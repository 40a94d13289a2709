/**
 * @module core/iproute2/conformance/cases
 * A two-namespace world described completely in the model, kernel-made parts included (local
 * and prefix routes, link-local addresses, default rules), so that printing it must give what
 * iproute2 lists once {@link batchPlan} has built it for real. `a` is a node (veth to `b`, a
 * bridge with a hairpin port, a flannel-style VXLAN, a TUN without a reader, a macvlan, a
 * bridge left down, a veth whose peer is down; the TUN and that veth pair with given queue
 * lengths, 0 included), `b` a pod on the other end of `a`'s eth0.
 *
 * IPv6 runs only on a's lo and eth0 (`disable_ipv6` elsewhere) and DAD is off: the kernel
 * orders same-prefix IPv6 routes of several links by when each got carrier, which a lab
 * cannot pin.
 */
import type { Address, Link, NetnsState, PolicyRule, Route } from '../../model/netns.js'
import { defaultRules } from '../../model/netns.js'
import { linkLocalOf } from '../batch/kernel-made.js'

const MAC = {
  eth0: '02:00:00:00:0a:02',
  br0: '02:00:00:00:0a:03',
  vp1: '02:00:00:00:0a:04',
  vp1b: '02:00:00:00:0a:05',
  vx0: '0e:00:00:00:0a:06',
  mv0: '02:00:00:00:0a:08',
  br1: '02:00:00:00:0a:09',
  vdn1: '02:00:00:00:0a:0a',
  vdn2: '02:00:00:00:0a:0b',
  beth0: '02:00:00:00:0b:02',
}

function nodeLinks(b: string): Link[] {
  return [
    { index: 1, name: 'lo', kind: 'loopback', mtu: 65536, up: true, mac: '00:00:00:00:00:00' },
    {
      index: 2,
      name: 'eth0',
      kind: 'veth',
      mtu: 1500,
      up: true,
      mac: MAC.eth0,
      peer: { netns: b, name: 'eth0' },
    },
    { index: 3, name: 'br0', kind: 'bridge', mtu: 1500, up: true, mac: MAC.br0 },
    {
      index: 4,
      name: 'vp1',
      kind: 'veth',
      mtu: 1500,
      up: true,
      mac: MAC.vp1,
      master: 'br0',
      bridgePort: { hairpin: true, learning: true, flood: true },
      peer: { netns: '', name: 'vp1b' },
    },
    {
      index: 5,
      name: 'vp1b',
      kind: 'veth',
      mtu: 1500,
      up: true,
      mac: MAC.vp1b,
      peer: { netns: '', name: 'vp1' },
    },
    {
      index: 6,
      name: 'vx0',
      kind: 'vxlan',
      mtu: 1450,
      up: true,
      mac: MAC.vx0,
      vxlan: { id: 7, port: 4789, local: '10.0.0.1', dev: 'eth0', learning: false },
    },
    {
      index: 7,
      name: 'tun0',
      kind: 'tun',
      mtu: 1500,
      up: true,
      noarp: true,
      tun: { mode: 'tun' },
      txqlen: 100,
    },
    {
      index: 8,
      name: 'mv0',
      kind: 'macvlan',
      mtu: 1500,
      up: true,
      mac: MAC.mv0,
      macvlan: { parent: 'eth0', mode: 'bridge' },
    },
    { index: 9, name: 'br1', kind: 'bridge', mtu: 1500, up: false, mac: MAC.br1 },
    {
      index: 10,
      name: 'vdn1',
      kind: 'veth',
      mtu: 1500,
      up: true,
      mac: MAC.vdn1,
      peer: { netns: '', name: 'vdn2' },
      // A zero queue length, as netlink clients like kube-proxy set it: no qlen is printed.
      txqlen: 0,
    },
    {
      index: 11,
      name: 'vdn2',
      kind: 'veth',
      mtu: 1500,
      up: false,
      mac: MAC.vdn2,
      peer: { netns: '', name: 'vdn1' },
      txqlen: 7,
    },
  ]
}

const addr = (
  iface: string,
  local: string,
  prefixLen: number,
  rest: Partial<Address> = {},
): Address => ({
  iface,
  family: local.includes(':') ? 6 : 4,
  local,
  prefixLen,
  scope: 'global',
  ...rest,
})

function nodeAddresses(): Address[] {
  return [
    addr('lo', '127.0.0.1', 8, { scope: 'host' }),
    addr('lo', '10.96.0.1', 32),
    addr('lo', '192.168.100.1', 32, { scope: 'host' }),
    addr('lo', '::1', 128, { scope: 'host' }),
    addr('eth0', '10.0.0.1', 24, { broadcast: '10.0.0.255' }),
    addr('eth0', '10.0.0.11', 24, { secondary: true }),
    addr('eth0', 'fd00:a::1', 64),
    addr('eth0', 'fd00:a::5', 64),
    addr('eth0', linkLocalOf(MAC.eth0), 64, { scope: 'link' }),
    addr('br0', '10.244.0.1', 24, { broadcast: '10.244.0.255' }),
    addr('vx0', '10.244.0.0', 32),
    addr('tun0', '10.245.0.0', 32, { peer: '10.245.0.1' }),
  ]
}

const v4 = (r: Omit<Route, 'family' | 'table' | 'type'> & Partial<Route>): Route => ({
  family: 4,
  table: 254,
  type: 'unicast',
  ...r,
})
const v6 = (r: Omit<Route, 'family' | 'table' | 'type'> & Partial<Route>): Route => ({
  family: 6,
  table: 254,
  type: 'unicast',
  ...r,
})
const kernelLocal = (dst: string, dev: string, src: string, type: Route['type'] = 'local'): Route =>
  v4({
    dst,
    dev,
    src,
    table: 255,
    type,
    proto: 'kernel',
    scope: type === 'local' ? 'host' : 'link',
  })

function nodeRoutes(): Route[] {
  return [
    v4({ dst: 'default', via: '10.0.0.2', dev: 'eth0', proto: 'static', metric: 100 }),
    v4({ dst: '10.2.0.0/24', via: '10.0.0.3', dev: 'eth0', proto: 'bird' }),
    v4({ dst: '10.244.1.0/24', via: '10.244.1.0', dev: 'vx0', onlink: true }),
    v4({ dst: '10.3.0.0/24', type: 'blackhole' }),
    v4({ dst: '10.4.0.0/24', type: 'unreachable', metric: 5 }),
    v4({ dst: '10.7.0.0/24', type: 'prohibit' }),
    v4({
      dst: '10.5.0.0/24',
      nexthops: [
        { via: '10.0.0.3', dev: 'eth0', weight: 1 },
        { via: '10.0.0.4', dev: 'eth0', weight: 2 },
      ],
    }),
    v4({ dst: '10.6.0.0/24', dev: 'eth0', src: '10.0.0.1', scope: 'link', table: 100 }),
    v4({ dst: '10.8.0.0/16', type: 'throw', table: 100 }),
    v4({ dst: '10.9.0.0/24', via: '10.0.0.9', dev: 'eth0', mtu: 1400 }),
    v4({ dst: '10.11.0.0/24', via: '10.0.0.12', dev: 'eth0', tos: 0x10 }),
    v4({ dst: '10.12.0.0/24', dev: 'tun0', scope: 'link' }),
    v4({ dst: '10.96.0.0/12', dev: 'lo', table: 255, type: 'local', scope: 'host' }),
    v4({ dst: '10.0.0.0/24', dev: 'eth0', proto: 'kernel', scope: 'link', src: '10.0.0.1' }),
    v4({ dst: '10.244.0.0/24', dev: 'br0', proto: 'kernel', scope: 'link', src: '10.244.0.1' }),
    v4({ dst: '10.245.0.1/32', dev: 'tun0', proto: 'kernel', scope: 'link', src: '10.245.0.0' }),
    kernelLocal('10.0.0.1/32', 'eth0', '10.0.0.1'),
    kernelLocal('10.0.0.11/32', 'eth0', '10.0.0.1'),
    kernelLocal('10.0.0.255/32', 'eth0', '10.0.0.1', 'broadcast'),
    kernelLocal('10.96.0.1/32', 'lo', '10.96.0.1'),
    kernelLocal('10.244.0.0/32', 'vx0', '10.244.0.0'),
    kernelLocal('10.244.0.1/32', 'br0', '10.244.0.1'),
    kernelLocal('10.244.0.255/32', 'br0', '10.244.0.1', 'broadcast'),
    kernelLocal('10.245.0.0/32', 'tun0', '10.245.0.0'),
    kernelLocal('127.0.0.0/8', 'lo', '127.0.0.1'),
    kernelLocal('127.0.0.1/32', 'lo', '127.0.0.1'),
    kernelLocal('127.255.255.255/32', 'lo', '127.0.0.1', 'broadcast'),
    kernelLocal('192.168.100.1/32', 'lo', '192.168.100.1'),
    ...nodeRoutes6(),
  ]
}

function nodeRoutes6(): Route[] {
  const k6 = (dst: string, dev: string, type: Route['type'], metric: number) =>
    v6({ dst, dev, type, table: 255, proto: 'kernel', metric })
  return [
    v6({ dst: 'default', via: 'fd00:a::2', dev: 'eth0', metric: 1024 }),
    v6({ dst: '2001:db8:dead::/48', type: 'blackhole' }),
    v6({ dst: '2001:db8:2::/64', dev: 'eth0', metric: 10, table: 100 }),
    v6({ dst: 'fd00:a::/64', dev: 'eth0', proto: 'kernel', metric: 256 }),
    v6({ dst: 'fe80::/64', dev: 'eth0', proto: 'kernel', metric: 256 }),
    k6('::1/128', 'lo', 'local', 0),
    k6('fd00:a::/128', 'eth0', 'anycast', 0),
    k6('fd00:a::1/128', 'eth0', 'local', 0),
    k6('fd00:a::5/128', 'eth0', 'local', 0),
    k6('fe80::/128', 'eth0', 'anycast', 0),
    k6(`${linkLocalOf(MAC.eth0)}/128`, 'eth0', 'local', 0),
    k6('ff00::/8', 'eth0', 'multicast', 256),
  ]
}

function nodeRules(): PolicyRule[] {
  const r = (priority: number, rest: Partial<PolicyRule>): PolicyRule => ({
    family: 4,
    priority,
    ...rest,
  })
  return [
    ...defaultRules(),
    r(100, { fwmark: { value: 0x4000, mask: 0x4000 }, table: 100 }),
    r(200, { not: true, from: '10.0.0.0/8', iif: 'eth0', table: 254 }),
    r(300, { from: '10.244.0.0/16', to: '10.96.0.0/12', table: 200 }),
    r(400, { oif: 'br0', table: 100 }),
    r(500, { tos: 0x10, table: 100 }),
    r(600, { fwmark: { value: 1, mask: 0xffffffff }, table: 200 }),
    r(700, { from: '192.168.0.0/16', action: 'blackhole' }),
    r(800, { action: 'goto', goto: 900 }),
    r(900, { action: 'nop' }),
    r(1000, { table: 254, suppressPrefixLength: 0 }),
    r(1100, { from: '1.2.3.4/32', table: 100 }),
    { family: 6, priority: 100, from: 'fd00::/64', table: 100 },
    { family: 6, priority: 200, fwmark: { value: 0x8000, mask: 0xffffffff }, table: 200 },
  ]
}

function nodeState(a: string, b: string): NetnsState {
  const links = nodeLinks(b).map((l) =>
    l.peer?.netns === '' ? { ...l, peer: { netns: a, name: l.peer.name } } : l,
  )
  return {
    name: a,
    links,
    addresses: nodeAddresses(),
    routes: nodeRoutes(),
    rules: nodeRules(),
    neighbours: [
      { dst: '10.244.1.0', dev: 'vx0', lladdr: '0e:00:00:00:0b:06', state: 'PERMANENT' },
      { dst: '10.0.0.3', dev: 'eth0', lladdr: '02:00:00:00:0b:03', state: 'STALE' },
      { dst: '10.0.0.4', dev: 'eth0', lladdr: '02:00:00:00:0b:04', state: 'NOARP' },
      { dst: 'fd00:a::2', dev: 'eth0', lladdr: MAC.beth0, state: 'PERMANENT', router: true },
      { dst: '10.0.0.99', dev: 'eth0', state: 'PERMANENT', proxy: true },
      { dst: 'fd00:a::99', dev: 'eth0', state: 'PERMANENT', proxy: true },
    ],
    fdb: [
      { mac: '0e:00:00:00:0b:06', dev: 'vx0', dst: '10.0.0.2', self: true, permanent: true },
      { mac: '00:00:00:00:00:00', dev: 'vx0', dst: '10.0.0.3', self: true, permanent: true },
      { mac: '02:00:00:00:0a:99', dev: 'vp1', master: 'br0', permanent: true },
    ],
    sysctls: {
      'net.ipv4.ip_forward': '1',
      'net.ipv4.conf.all.rp_filter': '0',
      'net.ipv4.conf.default.rp_filter': '2',
      // IPv6 forwarding makes the kernel add the subnet-router anycast routes.
      'net.ipv6.conf.all.forwarding': '1',
      'net.ipv6.conf.all.accept_dad': '0',
      'net.ipv6.conf.default.accept_dad': '0',
      'net.ipv6.conf.default.disable_ipv6': '1',
      'net.ipv6.conf.eth0.disable_ipv6': '0',
      'net.ipv4.conf.eth0.proxy_arp': '1',
    },
    iptables: {},
    ipsets: [],
    conntrack: [],
  }
}

function podState(a: string, b: string): NetnsState {
  const local = (dst: string, src: string, type: Route['type'] = 'local') =>
    v4({
      dst,
      dev: dst.startsWith('127.') ? 'lo' : 'eth0',
      src,
      table: 255,
      type,
      proto: 'kernel',
      scope: type === 'local' ? 'host' : 'link',
    })
  return {
    name: b,
    links: [
      { index: 1, name: 'lo', kind: 'loopback', mtu: 65536, up: true, mac: '00:00:00:00:00:00' },
      {
        index: 2,
        name: 'eth0',
        kind: 'veth',
        mtu: 1500,
        up: true,
        mac: MAC.beth0,
        peer: { netns: a, name: 'eth0' },
      },
    ],
    addresses: [
      addr('lo', '127.0.0.1', 8, { scope: 'host' }),
      addr('eth0', '10.0.0.2', 24, { broadcast: '10.0.0.255' }),
    ],
    routes: [
      v4({ dst: 'default', via: '10.0.0.1', dev: 'eth0' }),
      v4({ dst: '10.0.0.0/24', dev: 'eth0', proto: 'kernel', scope: 'link', src: '10.0.0.2' }),
      local('10.0.0.2/32', '10.0.0.2'),
      local('10.0.0.255/32', '10.0.0.2', 'broadcast'),
      local('127.0.0.0/8', '127.0.0.1'),
      local('127.0.0.1/32', '127.0.0.1'),
      local('127.255.255.255/32', '127.0.0.1', 'broadcast'),
    ],
    rules: defaultRules(),
    neighbours: [],
    sysctls: { 'net.ipv6.conf.all.disable_ipv6': '1', 'net.ipv6.conf.default.disable_ipv6': '1' },
    iptables: {},
    ipsets: [],
    conntrack: [],
  }
}

/** The world, with namespaces `${prefix}-a` and `${prefix}-b`. */
export function labWorld(prefix: string): NetnsState[] {
  const a = `${prefix}-a`
  const b = `${prefix}-b`
  return [nodeState(a, b), podState(a, b)]
}
