/**
 * The model → `ip -batch` generator: exact command lines for the kinds of objects it builds,
 * what it leaves to the kernel (with the reason), and what it refuses. The conformance tests
 * run these plans for real.
 */
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { KpathError } from '../../errors.js'
import { emptyNetns, type Link, type NetnsState } from '../../model/netns.js'
import { parseIpAddrJson } from '../listing/addr.js'
import { kernelFdb, linkLocalOf } from './kernel-made.js'
import { batchPlan } from './plan.js'

function ns(name: string, extra: Partial<NetnsState>): NetnsState {
  return { ...emptyNetns(name), ...extra }
}

const lo: Link = {
  index: 1,
  name: 'lo',
  kind: 'loopback',
  mtu: 65536,
  up: true,
  mac: '00:00:00:00:00:00',
}

describe('links', () => {
  const a = ns('kpath-t-a', {
    links: [
      lo,
      {
        index: 2,
        name: 'eth0',
        kind: 'veth',
        mtu: 1500,
        up: true,
        mac: '02:00:00:00:00:01',
        peer: { netns: 'kpath-t-b', name: 'eth0' },
      },
      { index: 3, name: 'cni0', kind: 'bridge', mtu: 1500, up: true, mac: '02:00:00:00:00:02' },
      {
        index: 4,
        name: 'veth1',
        kind: 'veth',
        mtu: 1500,
        up: true,
        master: 'cni0',
        bridgePort: { hairpin: true, learning: false, flood: true },
        peer: { netns: 'kpath-t-a', name: 'veth2' },
      },
      {
        index: 5,
        name: 'veth2',
        kind: 'veth',
        mtu: 1500,
        up: false,
        noarp: true,
        peer: { netns: 'kpath-t-a', name: 'veth1' },
      },
      {
        index: 6,
        name: 'flannel0',
        kind: 'tun',
        mtu: 1472,
        up: true,
        noarp: true,
        tun: { mode: 'tun' },
      },
    ],
  })
  const b = ns('kpath-t-b', {
    links: [
      lo,
      {
        index: 2,
        name: 'eth0',
        kind: 'veth',
        mtu: 1500,
        up: true,
        mac: '02:00:00:00:00:09',
        peer: { netns: 'kpath-t-a', name: 'eth0' },
      },
    ],
  })
  it('creates each veth pair once, from the side that sorts first, with both ends set', () => {
    const plan = batchPlan(a, [a, b])
    expect(plan.create).toEqual([
      'link add eth0 index 2 address 02:00:00:00:00:01 mtu 1500 type veth peer name eth0 index 2 address 02:00:00:00:00:09 mtu 1500 netns kpath-t-b',
      'link add cni0 index 3 address 02:00:00:00:00:02 mtu 1500 type bridge',
      'link add veth1 index 4 mtu 1500 type veth peer name veth2 index 5 mtu 1500',
      'tuntap add mode tun name flannel0',
      'link set flannel0 mtu 1472',
    ])
    expect(batchPlan(b, [a, b]).create).toEqual([])
  })
  it('enslaves, sets port flags and ARP, and brings up only what is up', () => {
    const plan = batchPlan(a, [a, b])
    expect(plan.configure).toEqual([
      'link set veth1 master cni0',
      'link set veth1 type bridge_slave hairpin on learning off flood on',
      'link set veth2 arp off',
    ])
    expect(plan.up).toEqual([
      'link set lo up',
      'link set eth0 up',
      'link set cni0 up',
      'link set veth1 up',
      'link set flannel0 up',
    ])
  })
  it('refuses what a namespace cannot create', () => {
    const phys = ns('kpath-t-c', {
      links: [lo, { index: 2, name: 'ens3', kind: 'ether', mtu: 1500, up: true }],
    })
    const e = (() => {
      try {
        batchPlan(phys)
      } catch (err) {
        return err
      }
      return undefined
    })()
    expect(e).toBeInstanceOf(KpathError)
    expect((e as KpathError).code).toBe('KPATH_UNSUPPORTED')
  })
})

describe('addresses, routes, rules, neighbours, FDB and sysctls', () => {
  const state = ns('kpath-t-d', {
    links: [
      lo,
      {
        index: 2,
        name: 'eth0',
        kind: 'veth',
        mtu: 1500,
        up: true,
        mac: '02:00:00:00:00:01',
        peer: { netns: 'x', name: 'y' },
      },
    ],
    addresses: [
      { iface: 'lo', family: 4, local: '127.0.0.1', prefixLen: 8, scope: 'host' },
      {
        iface: 'eth0',
        family: 4,
        local: '10.0.0.1',
        prefixLen: 24,
        scope: 'global',
        broadcast: '10.0.0.255',
        label: 'eth0:a',
      },
      {
        iface: 'eth0',
        family: 6,
        local: linkLocalOf('02:00:00:00:00:01'),
        prefixLen: 64,
        scope: 'link',
      },
    ],
    routes: [
      {
        family: 4,
        table: 254,
        type: 'unicast',
        dst: '10.0.0.0/24',
        dev: 'eth0',
        proto: 'kernel',
        scope: 'link',
        src: '10.0.0.1',
      },
      {
        family: 4,
        table: 254,
        type: 'unicast',
        dst: '10.1.0.0/16',
        via: '10.0.0.2',
        dev: 'eth0',
        onlink: true,
        metric: 5,
        mtu: 1400,
      },
      {
        family: 4,
        table: 100,
        type: 'unicast',
        dst: '10.2.0.0/16',
        nexthops: [
          { via: '10.0.0.2', weight: 3 },
          { via: '10.0.0.3', dev: 'eth0' },
        ],
      },
      { family: 6, table: 254, type: 'unreachable', dst: '2001:db8::/32' },
    ],
    rules: [
      ...emptyNetns('x').rules,
      {
        family: 4,
        priority: 10,
        not: true,
        from: '10.0.0.0/8',
        fwmark: { value: 1, mask: 0xff },
        action: 'goto',
        goto: 20,
      },
      { family: 6, priority: 10, oif: 'eth0', table: 300 },
    ],
    neighbours: [
      { dst: '10.0.0.2', dev: 'eth0', lladdr: '02:00:00:00:00:02', state: 'PERMANENT' },
      { dst: '10.0.0.3', dev: 'eth0', state: 'INCOMPLETE' },
      { dst: '10.0.0.9', dev: 'eth0', state: 'PERMANENT', proxy: true },
    ],
    fdb: [
      { mac: '0e:00:00:00:00:02', dev: 'eth0', dst: '10.0.0.2', self: true, permanent: true },
      { mac: '33:33:00:00:00:01', dev: 'eth0', self: true, permanent: true },
    ],
    sysctls: {
      'net.ipv4.ip_forward': '1',
      'net.ipv4.conf.eth0.rp_filter': '1',
      'net.ipv4.conf.all.rp_filter': '2',
    },
  })
  const plan = batchPlan(state)
  it('writes the commands', () => {
    expect(plan.late).toEqual([
      'addr add 10.0.0.1/24 brd 10.0.0.255 label eth0:a dev eth0',
      'route add 10.1.0.0/16 via 10.0.0.2 dev eth0 metric 5 onlink mtu 1400',
      'route add 10.2.0.0/16 table 100 nexthop via 10.0.0.2 weight 3 nexthop via 10.0.0.3 dev eth0 weight 1',
      'rule add not from 10.0.0.0/8 fwmark 0x1/0xff goto 20 priority 10',
      'neigh add 10.0.0.2 lladdr 02:00:00:00:00:02 dev eth0 nud permanent',
      'neigh add proxy 10.0.0.9 dev eth0',
    ])
    expect(plan.late6).toEqual([
      'route add unreachable 2001:db8::/32',
      'rule add oif eth0 lookup 300 priority 10',
    ])
    expect(plan.bridge).toEqual([
      'fdb append 0e:00:00:00:00:02 dev eth0 dst 10.0.0.2 self permanent',
    ])
  })
  it('splits sysctls into before and after the links exist', () => {
    expect(plan.sysctls).toEqual([
      ['net.ipv4.ip_forward', '1'],
      ['net.ipv4.conf.all.rp_filter', '2'],
    ])
    expect(plan.linkSysctls).toEqual([['net.ipv4.conf.eth0.rp_filter', '1']])
  })
  it('says what it leaves to the kernel and why', () => {
    expect(plan.skipped).toEqual([
      'address 127.0.0.1/8 on lo: made by the kernel',
      `address ${linkLocalOf('02:00:00:00:00:01')}/64 on eth0: made by the kernel`,
      'route unicast 10.0.0.0/24 table 254: proto kernel',
      'rule 0 (IPv4): every namespace has it',
      'rule 32766 (IPv4): every namespace has it',
      'rule 32767 (IPv4): every namespace has it',
      'rule 0 (IPv6): every namespace has it',
      'rule 32766 (IPv6): every namespace has it',
      'neighbour 10.0.0.3 INCOMPLETE: only address resolution makes it',
      'fdb 33:33:00:00:00:01 dev eth0: made by the kernel',
    ])
  })
})

describe('what the kernel makes', () => {
  it('link-local addresses are the EUI-64 of the MAC (checked against the captured node)', () => {
    const text = readFileSync(new URL('../testdata/node.addr.json', import.meta.url), 'utf8')
    const listing = parseIpAddrJson(text, { netns: 'node' })
    const linkLocals = listing.addresses.filter((a) => a.address.local.startsWith('fe80:'))
    expect(linkLocals.length).toBeGreaterThan(5)
    for (const a of linkLocals) {
      const mac = listing.links.find((l) => l.link.name === a.address.iface)?.link.mac
      expect(linkLocalOf(mac ?? '')).toBe(a.address.local)
    }
  })
  it('FDB: multicast entries and the bridge own MACs, not the ones a command adds', () => {
    const links: Link[] = [
      { index: 3, name: 'cni0', kind: 'bridge', mtu: 1500, up: true, mac: '02:42:0a:f4:00:01' },
    ]
    expect(
      kernelFdb({ mac: '01:00:5e:00:00:01', dev: 'cni0', self: true, permanent: true }, links),
    ).toBe(true)
    expect(
      kernelFdb({ mac: '02:42:0a:f4:00:01', dev: 'cni0', master: 'cni0', permanent: true }, links),
    ).toBe(true)
    expect(
      kernelFdb({ mac: '02:42:0a:f4:00:99', dev: 'cni0', master: 'cni0', permanent: true }, links),
    ).toBe(false)
    expect(
      kernelFdb(
        {
          mac: '0e:00:00:00:00:02',
          dev: 'flannel.1',
          dst: '10.0.0.1',
          self: true,
          permanent: true,
        },
        links,
      ),
    ).toBe(false)
  })
})
