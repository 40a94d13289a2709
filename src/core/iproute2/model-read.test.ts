/**
 * What the model gets out of real listings (testdata/node.*): the fields kpath acts on, read
 * from the JSON and the text forms alike, and the peers of veths resolved through
 * `ip netns list-id`.
 */
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { parseNetnsIds } from './context.js'
import { parseIpAddrJson, parseIpAddrText } from './listing/addr.js'
import { parseBridgeLinkJson } from './listing/brlink.js'
import { parseBridgeFdbJson } from './listing/fdb.js'
import { parseIpLinkJson, parseIpLinkText } from './listing/link.js'
import { parseIpNeighJson, parseIpNeighText } from './listing/neigh.js'
import { parseIpRouteJson, parseIpRouteText } from './listing/route.js'
import { parseIpRuleJson, parseIpRuleText } from './listing/rule.js'

const read = (name: string) => readFileSync(new URL(`./testdata/${name}`, import.meta.url), 'utf8')
const ids = parseNetnsIds(read('node.netns-ids.txt'))
const ctx = { netns: 'node', netnsIds: ids, nameOf: () => 'eth0' }

describe('links', () => {
  const json = parseIpLinkJson(read('node.link.json'), ctx).map((l) => l.link)
  const text = parseIpLinkText(read('node.link.txt'), ctx).map((l) => l.link)
  const byName = (name: string) => json.find((l) => l.name === name)

  it('reads the same links from JSON and text', () => {
    expect(text).toEqual(json)
  })
  it('knows the kinds, MACs and MTUs', () => {
    expect(json.map((l) => [l.index, l.name, l.kind])).toEqual([
      [1, 'lo', 'loopback'],
      [2, 'eth0', 'veth'],
      [3, 'cni0', 'bridge'],
      [4, 'veth-p1', 'veth'],
      [5, 'veth-p2', 'veth'],
      [6, 'flannel.1', 'vxlan'],
      [7, 'flannel0', 'tun'],
      [8, 'mv0', 'macvlan'],
      [9, 'vx42', 'vxlan'],
      [10, 'br-down', 'bridge'],
    ])
    expect(byName('flannel.1')).toMatchObject({ mtu: 1450, mac: '0e:00:00:00:00:01', up: true })
    expect(byName('br-down')?.up).toBe(false)
    expect(byName('flannel0')).toMatchObject({ noarp: true, tun: { mode: 'tun' } })
    expect(byName('flannel0')?.mac).toBeUndefined()
  })
  it('resolves veth peers in other namespaces through their namespace id', () => {
    expect(byName('eth0')?.peer?.netns).toBe(ids.get(0))
    expect(byName('veth-p1')?.peer?.netns).toBe(ids.get(1))
  })
  it('reads bridge ports, hairpin included', () => {
    expect(byName('veth-p1')).toMatchObject({
      master: 'cni0',
      bridgePort: { hairpin: true, learning: true, flood: true, state: 'forwarding' },
    })
    expect(byName('veth-p2')?.bridgePort).toEqual({
      hairpin: false,
      learning: false,
      flood: false,
      state: 'forwarding',
    })
  })
  it('reads VXLAN and macvlan settings', () => {
    expect(byName('flannel.1')?.vxlan).toEqual({
      id: 1,
      port: 8472,
      local: '192.168.50.50',
      dev: 'eth0',
      learning: false,
      ttl: 0,
    })
    expect(byName('vx42')?.vxlan).toEqual({
      id: 42,
      port: 4789,
      remote: '239.1.1.1',
      dev: 'eth0',
      learning: true,
      ttl: 8,
    })
    expect(byName('mv0')?.macvlan).toEqual({ parent: 'eth0', mode: 'bridge' })
  })
})

describe('addresses', () => {
  const json = parseIpAddrJson(read('node.addr.json'), ctx).addresses.map((a) => a.address)
  it('reads the same addresses from JSON and text', () => {
    expect(parseIpAddrText(read('node.addr.txt'), ctx).addresses.map((a) => a.address)).toEqual(
      json,
    )
  })
  it('keeps secondary, label, broadcast and peer', () => {
    const eth0 = json.filter((a) => a.iface === 'eth0' && a.family === 4)
    expect(eth0).toEqual([
      {
        iface: 'eth0',
        family: 4,
        local: '192.168.50.50',
        prefixLen: 24,
        scope: 'global',
        broadcast: '192.168.50.255',
      },
      {
        iface: 'eth0',
        family: 4,
        local: '192.168.50.60',
        prefixLen: 24,
        scope: 'global',
        secondary: true,
      },
      {
        iface: 'eth0',
        family: 4,
        local: '192.168.50.70',
        prefixLen: 24,
        scope: 'global',
        secondary: true,
        label: 'eth0:1',
      },
    ])
    expect(json.find((a) => a.iface === 'flannel0')).toMatchObject({
      local: '10.245.0.0',
      peer: '10.245.0.1',
      prefixLen: 32,
    })
  })
})

describe('routes', () => {
  const json = parseIpRouteJson(read('node.route.json')).map((r) => r.route)
  const find = (dst: string, table = 254) => json.find((r) => r.dst === dst && r.table === table)
  it('reads the same routes from JSON and text', () => {
    expect(parseIpRouteText(read('node.route.txt')).map((r) => r.route)).toEqual(json)
  })
  it('tells IPv4 from IPv6 in the mixed listing', () => {
    expect(json.filter((r) => r.family === 6).length).toBe(
      parseIpRouteJson(read('node.route6.json')).length,
    )
    expect(find('default')?.family).toBe(4)
  })
  it('reads types, tables, gateways, protocols and multipath', () => {
    expect(find('default')).toMatchObject({
      via: '192.168.50.1',
      dev: 'eth0',
      proto: 'static',
      metric: 100,
    })
    expect(find('10.2.0.0/24')?.proto).toBe('bird')
    expect(find('10.3.0.0/24')?.type).toBe('blackhole')
    expect(find('10.8.0.0/16', 100)?.type).toBe('throw')
    expect(find('10.244.1.0/24')?.onlink).toBe(true)
    expect(find('10.9.0.0/24')?.mtu).toBe(1400)
    expect(find('10.11.0.0/24')?.tos).toBe(0x10)
    expect(find('10.5.0.0/24')?.nexthops).toEqual([
      { via: '192.168.50.3', dev: 'eth0', weight: 1 },
      { via: '192.168.50.4', dev: 'eth0', weight: 2 },
    ])
    expect(find('10.245.0.1/32')).toMatchObject({
      proto: 'kernel',
      scope: 'link',
      src: '10.245.0.0',
    })
    expect(find('10.96.0.0/12', 255)).toMatchObject({ type: 'local', scope: 'host' })
  })
})

describe('rules, neighbours, FDB and bridge ports', () => {
  it('reads rules from JSON and text alike', () => {
    const rules = parseIpRuleJson(read('node.rule.json')).map((r) => r.rule)
    expect(parseIpRuleText(read('node.rule.txt')).map((r) => r.rule)).toEqual(rules)
    expect(rules.find((r) => r.priority === 100)).toEqual({
      family: 4,
      priority: 100,
      fwmark: { value: 0x4000, mask: 0x4000 },
      table: 100,
    })
    expect(rules.find((r) => r.priority === 200)).toMatchObject({
      not: true,
      from: '10.0.0.0/8',
      iif: 'eth0',
      table: 254,
    })
    expect(rules.find((r) => r.priority === 800)).toMatchObject({ action: 'goto', goto: 900 })
    const v6 = parseIpRuleJson(read('node.rule6.json'), { family: 6 }).map((r) => r.rule)
    expect(v6.find((r) => r.priority === 200)?.fwmark).toEqual({ value: 0x8000, mask: 0xffffffff })
  })
  it('reads neighbours, proxies included', () => {
    const n = parseIpNeighJson(read('node.neigh.json')).map((x) => x.neighbour)
    expect(parseIpNeighText(read('node.neigh.txt')).map((x) => x.neighbour)).toEqual(n)
    expect(n.find((x) => x.dst === 'fd00::1')).toEqual({
      dst: 'fd00::1',
      dev: 'eth0',
      lladdr: '02:42:c0:a8:32:01',
      state: 'PERMANENT',
      router: true,
    })
    const proxies = parseIpNeighJson(read('node.neigh-proxy.json')).map((x) => x.neighbour)
    expect(proxies).toEqual([
      { dst: '192.168.50.99', dev: 'eth0', state: 'PERMANENT', proxy: true },
      { dst: 'fd00::99', dev: 'eth0', state: 'PERMANENT', proxy: true },
    ])
  })
  it('reads the flannel FDB entries and bridge ports', () => {
    const fdb = parseBridgeFdbJson(read('node.fdb.json')).map((e) => e.entry)
    expect(fdb.filter((e) => e.dev === 'flannel.1')).toEqual([
      {
        mac: '00:00:00:00:00:00',
        dev: 'flannel.1',
        dst: '192.168.50.53',
        self: true,
        permanent: true,
      },
      {
        mac: '0e:00:00:00:00:03',
        dev: 'flannel.1',
        dst: '192.168.50.52',
        self: true,
        permanent: true,
      },
      {
        mac: '0e:00:00:00:00:02',
        dev: 'flannel.1',
        dst: '192.168.50.51',
        self: true,
        permanent: true,
      },
    ])
    const ports = parseBridgeLinkJson(read('node.brlink-d.json'))
    expect(ports.map((p) => [p.name, p.master, p.port.hairpin])).toEqual([
      ['veth-p1', 'cni0', true],
      ['veth-p2', 'cni0', false],
    ])
  })
})
