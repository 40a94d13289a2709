/**
 * answersArp and arpSource, one arp_process / arp_solicit rule per test (arp.live.test.ts runs
 * the same kinds of scenarios against the kernel).
 */
import { describe, expect, it } from 'vitest'
import type { Link } from '../model/netns.js'
import { answersArp, arpSource } from './arp.js'
import { node } from './testing/build.js'

const cali: Link = {
  index: 2,
  name: 'cali1',
  kind: 'veth',
  mtu: 1500,
  up: true,
  mac: 'ee:ee:ee:ee:ee:ee',
}
const eth0: Link = {
  index: 3,
  name: 'eth0',
  kind: 'veth',
  mtu: 1500,
  up: true,
  mac: '02:00:00:00:00:01',
}

const calicoNode = (routes: string[], sysctls: Record<string, number> = {}) =>
  node({
    links: [cali, eth0],
    addrs: ['eth0 192.168.50.50/24'],
    routes: ['10.234.64.10 dev cali1 scope link', ...routes],
    sysctls: {
      'net.ipv4.ip_forward': 1,
      'net.ipv4.conf.cali1.proxy_arp': 1,
      'net.ipv4.neigh.cali1.proxy_delay': 0,
      ...sysctls,
    },
  })

describe('answersArp', () => {
  it("answers Calico's 169.254.1.1 with the cali MAC when the node routes it elsewhere", () => {
    expect(
      answersArp(
        calicoNode(['default via 192.168.50.1 dev eth0']),
        'cali1',
        '169.254.1.1',
        '10.234.64.10',
      ),
    ).toEqual({
      answer: true,
      mac: 'ee:ee:ee:ee:ee:ee',
      reason: 'proxy_arp',
      delayed: false,
    })
  })

  it('stays silent without a route for 169.254.1.1 (kernel-lab §3)', () => {
    expect(answersArp(calicoNode([]), 'cali1', '169.254.1.1', '10.234.64.10')).toMatchObject({
      answer: false,
    })
  })

  it('needs forwarding on the receiving device, and no route back out of it', () => {
    const off = calicoNode(['default via 192.168.50.1 dev eth0'], { 'net.ipv4.ip_forward': 0 })
    expect(answersArp(off, 'cali1', '169.254.1.1', '10.234.64.10')).toMatchObject({ answer: false })
    const same = calicoNode(['169.254.1.1 dev cali1'])
    expect(answersArp(same, 'cali1', '169.254.1.1', '10.234.64.10')).toMatchObject({
      answer: false,
    })
  })

  it('reports the proxy delay', () => {
    const s = calicoNode(['default via 192.168.50.1 dev eth0'], {
      'net.ipv4.neigh.cali1.proxy_delay': 80,
    })
    expect(answersArp(s, 'cali1', '169.254.1.1', '10.234.64.10')).toMatchObject({
      answer: true,
      delayed: true,
    })
  })

  it('honours medium_id: equal ids on both sides suppress the proxy', () => {
    const ids = (a: number, b: number) =>
      calicoNode(['default via 192.168.50.1 dev eth0'], {
        'net.ipv4.conf.cali1.medium_id': a,
        'net.ipv4.conf.eth0.medium_id': b,
      })
    expect(answersArp(ids(1, 1), 'cali1', '169.254.1.1', '10.234.64.10').answer).toBe(false)
    expect(answersArp(ids(1, 2), 'cali1', '169.254.1.1', '10.234.64.10').answer).toBe(true)
    expect(answersArp(ids(-1, 2), 'cali1', '169.254.1.1', '10.234.64.10').answer).toBe(false)
  })

  it('answers from a proxy neighbour entry without proxy_arp', () => {
    const s = node({
      links: [cali, eth0],
      addrs: ['eth0 192.168.50.50/24'],
      routes: ['10.234.64.10 dev cali1 scope link', 'default via 192.168.50.1 dev eth0'],
      neighbours: [{ dst: '169.254.1.1', dev: 'cali1', state: 'PERMANENT', proxy: true }],
      sysctls: { 'net.ipv4.ip_forward': 1, 'net.ipv4.neigh.cali1.proxy_delay': 0 },
    })
    expect(answersArp(s, 'cali1', '169.254.1.1', '10.234.64.10')).toMatchObject({
      answer: true,
      reason: 'proxy entry',
    })
    expect(answersArp(s, 'cali1', '169.254.1.2', '10.234.64.10').answer).toBe(false)
  })

  const local = (sysctls: Record<string, number>, addrs: string[] = []) =>
    node({
      links: [cali, eth0],
      addrs: ['eth0 192.168.50.50/24', ...addrs],
      routes: ['10.234.64.10 dev cali1 scope link'],
      sysctls,
    })

  it('arp_ignore 0 answers for any local address, 1 only for the receiving device', () => {
    expect(answersArp(local({}), 'cali1', '192.168.50.50', '10.234.64.10')).toEqual({
      answer: true,
      mac: 'ee:ee:ee:ee:ee:ee',
      reason: 'local',
    })
    expect(
      answersArp(
        local({ 'net.ipv4.conf.all.arp_ignore': 1 }),
        'cali1',
        '192.168.50.50',
        '10.234.64.10',
      ).answer,
    ).toBe(false)
    expect(
      answersArp(
        local({ 'net.ipv4.conf.all.arp_ignore': 1 }, ['cali1 10.234.65.1/32']),
        'cali1',
        '10.234.65.1',
        '10.234.64.10',
      ).answer,
    ).toBe(true)
  })

  it('arp_ignore 2 also wants the sender in a subnet of the device; 8 never answers', () => {
    const two = { 'net.ipv4.conf.cali1.arp_ignore': 2 }
    expect(
      answersArp(local(two, ['cali1 10.234.64.1/24']), 'cali1', '10.234.64.1', '10.234.64.10')
        .answer,
    ).toBe(true)
    expect(
      answersArp(local(two, ['cali1 10.234.65.1/32']), 'cali1', '10.234.65.1', '10.234.64.10')
        .answer,
    ).toBe(false)
    expect(
      answersArp(
        local({ 'net.ipv4.conf.cali1.arp_ignore': 8 }),
        'cali1',
        '192.168.50.50',
        '10.234.64.10',
      ).answer,
    ).toBe(false)
  })

  it('arp_ignore 3 refuses scope-host addresses only', () => {
    const s = local({ 'net.ipv4.conf.all.arp_ignore': 3 }, ['eth0 10.77.0.1/32 scope host'])
    expect(answersArp(s, 'cali1', '192.168.50.50', '10.234.64.10').answer).toBe(true)
    expect(answersArp(s, 'cali1', '10.77.0.1', '10.234.64.10').answer).toBe(false)
  })

  it('arp_filter wants the route back to the sender through the receiving device', () => {
    expect(
      answersArp(
        local({ 'net.ipv4.conf.cali1.arp_filter': 1 }),
        'cali1',
        '192.168.50.50',
        '10.234.64.10',
      ).answer,
    ).toBe(true)
    expect(
      answersArp(
        local({ 'net.ipv4.conf.eth0.arp_filter': 1 }),
        'eth0',
        '192.168.50.50',
        '10.234.64.10',
      ).answer,
    ).toBe(false)
  })

  it('answers duplicate address probes (sender 0.0.0.0) for local addresses', () => {
    expect(answersArp(local({}), 'cali1', '192.168.50.50', '0.0.0.0')).toMatchObject({
      answer: true,
      reason: 'dad probe',
    })
    expect(answersArp(local({}), 'cali1', '192.168.50.51', '0.0.0.0').answer).toBe(false)
  })

  it('never answers on down or NOARP devices, nor for multicast and loopback targets', () => {
    const s = node({
      links: [
        { ...eth0, up: false },
        { ...cali, noarp: true },
      ],
      addrs: ['eth0 192.168.50.50/24'],
    })
    expect(answersArp(s, 'eth0', '192.168.50.50', '192.168.50.9').answer).toBe(false)
    expect(answersArp(s, 'cali1', '192.168.50.50', '192.168.50.9').answer).toBe(false)
    expect(answersArp(local({}), 'cali1', '224.0.0.1', '10.234.64.10').answer).toBe(false)
    expect(answersArp(local({}), 'cali1', '127.0.0.1', '10.234.64.10').answer).toBe(false)
  })
})

describe('arpSource (arp_solicit and arp_announce)', () => {
  const s = (announce: number) =>
    node({
      links: [eth0],
      addrs: ['eth0 10.0.0.2/24', 'eth0 192.168.9.1/24', 'lo 10.99.0.1/32'],
      sysctls: { 'net.ipv4.conf.all.arp_announce': announce },
    })

  it('0: any local source of the packet', () => {
    expect(arpSource(s(0), 'eth0', '10.0.0.1', '10.99.0.1')).toBe('10.99.0.1')
  })

  it('1: only a source in the target subnet on the device', () => {
    expect(arpSource(s(1), 'eth0', '10.0.0.1', '10.99.0.1')).toBe('10.0.0.2')
    expect(arpSource(s(1), 'eth0', '192.168.9.7', '192.168.9.1')).toBe('192.168.9.1')
  })

  it('2: always the best address of the device for the target', () => {
    expect(arpSource(s(2), 'eth0', '192.168.9.7', '10.0.0.2')).toBe('192.168.9.1')
    expect(arpSource(s(2), 'eth0', '10.0.0.1')).toBe('10.0.0.2')
  })
})
