/**
 * The flag-described environment of `kpath iptables trace`: which addresses are local (on which
 * interface), their types for `-m addrtype`, and the routing decision, including the kernel's
 * loopback rules (route_localnet off).
 */
import { describe, expect, it } from 'vitest'
import { packet } from '../../conntrack/test-packets.js'
import type { Packet } from '../../model/packet.js'
import { staticEnv } from './static-env.js'

const env = staticEnv({
  local: ['192.168.0.2', '10.96.0.10', '2001:db8::2'],
  ifaceAddrs: { eth0: ['192.168.0.2/24', '2001:db8::2/64'], cni0: ['10.244.0.1/24'] },
})

const pkt = (src: string, dst: string, inIface?: string): Packet =>
  packet({
    proto: 6,
    src,
    dst,
    sport: 40000,
    dport: 80,
    ...(inIface === undefined ? {} : { inIface }),
  })

describe('staticEnv addrType', () => {
  it.each([
    ['192.168.0.2', undefined, 'LOCAL'],
    ['10.96.0.10', undefined, 'LOCAL'],
    // --local and every interface address are local; the interface's own text form counts.
    ['10.244.0.1', undefined, 'LOCAL'],
    ['2001:db8::2', undefined, 'LOCAL'],
    ['2001:db8:0:0::2', undefined, 'LOCAL'],
    ['127.0.0.1', undefined, 'LOCAL'],
    ['::1', undefined, 'LOCAL'],
    ['10.96.0.11', undefined, 'UNICAST'],
    ['0.0.0.0', undefined, 'UNSPEC'],
    ['::', undefined, 'UNSPEC'],
    ['224.0.0.5', undefined, 'MULTICAST'],
    ['ff02::1', undefined, 'MULTICAST'],
    ['255.255.255.255', undefined, 'BROADCAST'],
    ['not-an-address', undefined, 'UNSPEC'],
  ] as const)('%s (dev %s) is %s', (addr, dev, type) => {
    expect(env.addrType(addr, dev)).toBe(type)
  })

  it('narrows LOCAL to the interface with --limit-iface-in/out', () => {
    expect(env.addrType('192.168.0.2', 'eth0')).toBe('LOCAL')
    expect(env.addrType('192.168.0.2', 'cni0')).toBe('UNICAST')
    expect(env.addrType('10.244.0.1', 'cni0')).toBe('LOCAL')
    // A --local address on no listed interface is local only when the device is unknown.
    expect(env.addrType('10.96.0.10', 'eth0')).toBe('UNICAST')
    expect(env.addrType('10.96.0.10', 'kube-ipvs0')).toBe('LOCAL')
    // Loopback addresses are local on lo only.
    expect(env.addrType('127.0.0.1', 'lo')).toBe('LOCAL')
    expect(env.addrType('127.0.0.1', 'eth0')).toBe('UNICAST')
    // Addresses compare as addresses, not as text.
    expect(env.addrType('2001:db8:0:0::2', 'eth0')).toBe('LOCAL')
  })

  it('without per-interface addresses a device cannot narrow the answer', () => {
    const flat = staticEnv({ local: ['192.168.0.2'] })
    expect(flat.addrType('192.168.0.2', 'eth9')).toBe('LOCAL')
    expect(flat.addrType('192.168.0.3', 'eth9')).toBe('UNICAST')
  })
})

describe('staticEnv route', () => {
  it('delivers local destinations and forwards the rest by outIface', () => {
    expect(env.route(pkt('10.244.0.5', '10.96.0.10', 'cni0'))).toEqual({ kind: 'local' })
    expect(env.route(pkt('10.244.0.5', '10.244.1.7', 'cni0'))).toEqual({
      kind: 'forward',
      outIface: 'eth0',
    })
    const out = staticEnv({ local: ['10.0.0.1'], outIface: 'ens3' })
    expect(out.route(pkt('10.0.0.1', '8.8.8.8'))).toEqual({ kind: 'forward', outIface: 'ens3' })
  })

  it('treats loopback addresses received from a device as martians unless route_localnet', () => {
    expect(env.route(pkt('10.244.0.5', '127.0.0.1', 'cni0'))).toEqual({
      kind: 'unreachable',
      reason: 'martian destination',
    })
    expect(env.route(pkt('127.0.0.1', '10.96.0.10', 'cni0'))).toEqual({
      kind: 'unreachable',
      reason: 'martian source',
    })
    expect(env.route(pkt('127.0.0.1', '10.96.0.10', 'lo'))).toEqual({ kind: 'local' })
    const localnet = staticEnv({ local: ['10.96.0.10'], routeLocalnet: true })
    expect(localnet.route(pkt('10.244.0.5', '127.0.0.1', 'cni0'))).toEqual({ kind: 'local' })
  })

  it('refuses a locally generated loopback source leaving by another device', () => {
    expect(env.route(pkt('127.0.0.1', '10.244.1.7'))).toEqual({
      kind: 'unreachable',
      reason: 'loopback source cannot leave by eth0',
    })
    expect(env.route(pkt('127.0.0.1', '127.0.0.2'))).toEqual({ kind: 'local' })
  })
})

describe('staticEnv source addresses', () => {
  it('masquerades to the first address of the family on the output interface', () => {
    expect(env.masqueradeSource(pkt('10.244.0.5', '1.1.1.1'), 'eth0')).toBe('192.168.0.2')
    expect(env.masqueradeSource(pkt('2001:db8::9', '2001:db8:1::1'), 'eth0')).toBe('2001:db8::2')
    // An interface without addresses falls back to the first non-loopback --local address.
    expect(env.masqueradeSource(pkt('10.244.0.5', '1.1.1.1'), 'eth9')).toBe('192.168.0.2')
    expect(env.primaryAddress('cni0', 4)).toBe('10.244.0.1')
  })

  it('answers ICMP from the destination when it is local, else from a local address', () => {
    expect(env.icmpSource(pkt('10.244.0.5', '10.96.0.10'))).toBe('10.96.0.10')
    expect(env.icmpSource(pkt('10.244.0.5', '10.244.1.7'))).toBe('192.168.0.2')
  })
})
