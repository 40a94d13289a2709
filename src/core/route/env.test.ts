/**
 * netfilterEnv: the engine's environment from real routes. The kube-proxy cases follow
 * kernel-lab §5 (NodePort via addrtype LOCAL, MASQUERADE picking the kube-bridge address for a
 * same-node backend and the node address for a remote one).
 */
import { describe, expect, it } from 'vitest'
import { packet } from '../conntrack/test-packets.js'
import type { Packet } from '../model/packet.js'
import { netfilterEnv } from './env.js'
import { node } from './testing/build.js'

// lab-n1: eth0 on the underlay, kube-bridge for pods, host-gw routes to the other nodes.
const n1 = node({
  links: ['eth0', 'kube-bridge'],
  addrs: ['eth0 192.168.50.50/24', 'kube-bridge 10.233.64.1/24'],
  routes: ['default via 192.168.50.1 dev eth0', '10.233.65.0/24 via 192.168.50.51 dev eth0'],
  sysctls: { 'net.ipv4.ip_forward': 1 },
})
const env = netfilterEnv(n1)

const pkt = (src: string, dst: string, more: Partial<Packet> = {}): Packet =>
  packet({ proto: 6, src, dst, sport: 40000, dport: 80, ...more })

describe('netfilterEnv', () => {
  it('addrType reads the local table, optionally limited to a device', () => {
    expect(env.addrType('192.168.50.50')).toBe('LOCAL')
    expect(env.addrType('10.233.64.1')).toBe('LOCAL')
    expect(env.addrType('10.233.64.255')).toBe('BROADCAST')
    expect(env.addrType('10.233.64.7')).toBe('UNICAST')
    expect(env.addrType('224.0.0.1')).toBe('MULTICAST')
    expect(env.addrType('0.0.0.0')).toBe('BROADCAST')
    expect(env.addrType('192.168.50.50', 'eth0')).toBe('LOCAL')
    expect(env.addrType('192.168.50.50', 'kube-bridge')).toBe('UNICAST')
    expect(env.addrType('not-an-address')).toBe('UNSPEC')
  })

  it('routes received packets: local delivery, forwarding, and refusals', () => {
    expect(env.route(pkt('192.168.50.1', '192.168.50.50', { inIface: 'eth0' }))).toEqual({
      kind: 'local',
      iface: 'eth0',
    })
    expect(env.route(pkt('10.233.64.2', '10.233.65.2', { inIface: 'kube-bridge' }))).toEqual({
      kind: 'forward',
      outIface: 'eth0',
    })
    expect(env.route(pkt('10.233.64.2', '0.0.0.1', { inIface: 'kube-bridge' }))).toEqual({
      kind: 'unreachable',
      reason: 'martian destination',
    })
    const off = netfilterEnv({ ...n1, sysctls: {} })
    expect(off.route(pkt('10.233.64.2', '10.233.65.2', { inIface: 'kube-bridge' }))).toEqual({
      kind: 'unreachable',
      reason: 'forwarding disabled',
    })
  })

  it('routes local packets with their source, which need not be local (after NAT)', () => {
    expect(env.route(pkt('192.168.50.50', '10.233.65.2'))).toEqual({
      kind: 'forward',
      outIface: 'eth0',
      src: '192.168.50.50',
    })
    expect(env.route(pkt('10.233.64.9', '10.233.64.3'))).toMatchObject({
      kind: 'forward',
      outIface: 'kube-bridge',
    })
    expect(env.route(pkt('192.168.50.50', '192.168.50.50'))).toEqual({ kind: 'local', iface: 'lo' })
  })

  it('MASQUERADE picks the out device address towards the next hop', () => {
    // node → ClusterIP DNATed to a same-node backend: the kube-bridge address (kernel-lab §5).
    expect(env.masqueradeSource(pkt('192.168.50.50', '10.233.64.3'), 'kube-bridge')).toBe(
      '10.233.64.1',
    )
    expect(
      env.masqueradeSource(pkt('10.233.64.2', '10.233.65.2', { inIface: 'kube-bridge' }), 'eth0'),
    ).toBe('192.168.50.50')
    // lo has only a host-scope address: inet_select_addr falls back to the first global
    // address of any device, in ifindex order.
    expect(env.masqueradeSource(pkt('10.233.64.2', '10.233.65.2'), 'lo')).toBe('192.168.50.50')
  })

  it('REDIRECT goes to the first address of the input device, or loopback from OUTPUT', () => {
    expect(env.primaryAddress('kube-bridge', 4)).toBe('10.233.64.1')
    expect(env.primaryAddress('', 4)).toBe('127.0.0.1')
    expect(env.primaryAddress('', 6)).toBe('::1')
    expect(env.primaryAddress('nope', 4)).toBeUndefined()
  })

  it('ICMP errors come from the original destination when local, else from the route back', () => {
    expect(env.icmpSource(pkt('192.168.50.1', '192.168.50.50', { inIface: 'eth0' }))).toBe(
      '192.168.50.50',
    )
    expect(env.icmpSource(pkt('10.233.64.2', '8.8.8.8', { inIface: 'kube-bridge' }))).toBe(
      '10.233.64.1',
    )
    const inbound = netfilterEnv({
      ...n1,
      sysctls: { ...n1.sysctls, 'net.ipv4.icmp_errors_use_inbound_ifaddr': '1' },
    })
    expect(inbound.icmpSource(pkt('192.168.50.9', '10.233.64.7', { inIface: 'eth0' }))).toBe(
      '192.168.50.50',
    )
  })

  it('IPv6: forwards only with conf.all.forwarding', () => {
    const v6 = node({
      links: ['eth0', 'eth1'],
      addrs: ['eth0 2001:db8:1::1/64', 'eth1 2001:db8:2::1/64'],
      sysctls: { 'net.ipv6.conf.all.forwarding': 1 },
    })
    expect(
      netfilterEnv(v6).route(pkt('2001:db8:1::9', '2001:db8:2::9', { inIface: 'eth0' })),
    ).toEqual({ kind: 'forward', outIface: 'eth1' })
    const off = netfilterEnv({ ...v6, sysctls: {} })
    expect(off.route(pkt('2001:db8:1::9', '2001:db8:2::9', { inIface: 'eth0' }))).toEqual({
      kind: 'unreachable',
      reason: 'forwarding disabled',
    })
    expect(netfilterEnv(v6).addrType('2001:db8:1::1')).toBe('LOCAL')
    expect(netfilterEnv(v6).masqueradeSource(pkt('2001:db8:1::9', '2001:db8:2::9'), 'eth1')).toBe(
      '2001:db8:2::1',
    )
  })
})
