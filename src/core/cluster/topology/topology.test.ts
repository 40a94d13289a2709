/**
 * The Topology kind: defaults around the nodes, explicit underlays, node overrides, and the
 * located errors for inconsistent input.
 */
import { describe, expect, it } from 'vitest'
import { loadCluster } from '../../kube/load/index.js'
import { thrown } from '../../testing/errors.js'
import { clusterYaml } from '../testing/clusters.js'
import { resolveTopology } from './resolve.js'

function topo(spec: string, base = clusterYaml({ podsPerNode: 0 })) {
  const text =
    spec === ''
      ? base
      : `${base}---\napiVersion: kpath.dev/v1alpha1\nkind: Topology\nmetadata: {name: lab}\nspec:\n${spec}\n`
  return resolveTopology(loadCluster([{ file: 'c.yaml', text }]))
}

describe('default topology', () => {
  const t = topo('')

  it('puts the nodes on one /24 segment, with a gateway router and an external client', () => {
    expect(
      t.segments.map(
        (s) =>
          `${s.name} ${s.prefix.net >>> 24}.${(s.prefix.net >>> 16) & 255}.${(s.prefix.net >>> 8) & 255}.${s.prefix.net & 255}/${s.prefix.len} mtu ${s.mtu}`,
      ),
    ).toEqual(['underlay 10.39.0.0/24 mtu 1500', 'external 203.0.113.0/24 mtu 1500'])
    expect(
      t.routers.map((r) => [
        r.name,
        r.forwarding,
        r.nics.map((n) => `${n.name}@${n.segment} ${n.address}/${n.prefixLen} port ${n.port}`),
      ]),
    ).toEqual([
      ['gw', true, ['eth0@underlay 10.39.0.1/24 port r1', 'eth1@external 203.0.113.1/24 port r1']],
    ])
    expect(t.externals.map((x) => [x.name, x.nic.address, x.gateway, x.nic.port])).toEqual([
      ['client', '203.0.113.10', '203.0.113.1', 'x1'],
    ])
  })

  it('places every node on eth0 with its InternalIP, the router as default gateway', () => {
    expect(
      [...t.nodes.values()].map((p) => [
        p.underlay.node.metadata.name,
        p.underlay.iface,
        `${p.underlay.address}/${p.underlay.prefixLen}`,
        p.underlay.gateway,
        p.port,
        p.underlay.segment,
      ]),
    ).toEqual([
      ['alpha', 'eth0', '10.39.0.11/24', '10.39.0.1', 'n1', 'underlay'],
      ['beta', 'eth0', '10.39.0.12/24', '10.39.0.1', 'n2', 'underlay'],
      ['gamma', 'eth0', '10.39.0.13/24', '10.39.0.1', 'n3', 'underlay'],
    ])
    const macs = [...t.nodes.values()].map((p) => p.underlay.mac)
    expect(new Set(macs).size).toBe(3)
    for (const mac of macs) expect(mac).toMatch(/^[0-9a-f][26ae](:[0-9a-f]{2}){5}$/)
  })

  it('widens the segment to hold nodes in different /24s, and skips a gateway address a node uses', () => {
    const text = ['10.39.0.1', '10.39.1.7']
      .map(
        (ip, i) =>
          `apiVersion: v1\nkind: Node\nmetadata: {name: n${i}}\nstatus: {addresses: [{type: InternalIP, address: ${ip}}]}`,
      )
      .join('\n---\n')
    const wide = resolveTopology(loadCluster([{ file: 'n.yaml', text }]))
    expect(wide.segments[0]?.prefix.len).toBe(23)
    expect(wide.routers[0]?.nics[0]?.address).toBe('10.39.0.2')
  })

  it('picks another documentation range when the pod network overlaps 203.0.113.0/24', () => {
    const base = clusterYaml({ podsPerNode: 0 }).replace(
      'clusterCIDR: 10.244.0.0/16',
      'clusterCIDR: 203.0.0.0/16',
    )
    const t2 = topo('', base)
    expect(t2.segments[1]?.name).toBe('external')
    expect(t2.externals[0]?.nic.address).toBe('198.51.100.10')
  })
})

describe('explicit topology', () => {
  const spec = `  cni: flannel
  segments:
  - {name: lan, cidr: 10.39.0.0/16, mtu: 9000}
  routers:
  - name: core
    interfaces: [{segment: lan, address: 10.39.255.254}]
    routes: [{dst: 192.0.2.0/24, via: 10.39.0.99}]
  nodes:
  - {name: beta, iface: ens3, mtu: 1450, gateway: none, sysctls: {net.ipv4.conf.all.rp_filter: 1}}
  - {name: gamma, gateway: 10.39.0.254, routes: [{dst: 172.16.0.0/12, via: 10.39.0.253}]}`
  const t = topo(spec)

  it('uses the given segments and routers and no defaults beside them', () => {
    expect(t.cni).toBe('flannel')
    expect(t.segments.map((s) => [s.name, s.prefix.len, s.mtu])).toEqual([['lan', 16, 9000]])
    expect(t.externals).toEqual([])
    expect(t.routers[0]?.routes).toEqual([{ dst: '192.0.2.0/24', via: '10.39.0.99' }])
  })

  it('applies node overrides: NIC name, MTU, gateway, routes and sysctls', () => {
    const beta = t.nodes.get('beta')
    expect([
      beta?.underlay.iface,
      beta?.underlay.mtu,
      beta?.underlay.gateway,
      beta?.sysctls,
    ]).toEqual(['ens3', 1450, undefined, { 'net.ipv4.conf.all.rp_filter': '1' }])
    const gamma = t.nodes.get('gamma')
    expect([
      gamma?.underlay.iface,
      gamma?.underlay.mtu,
      gamma?.underlay.gateway,
      gamma?.routes,
    ]).toEqual(['eth0', 9000, '10.39.0.254', [{ dst: '172.16.0.0/12', via: '10.39.0.253' }]])
    expect(t.nodes.get('alpha')?.underlay.gateway).toBe('10.39.255.254')
  })
})

describe('topology errors', () => {
  it.each([
    [
      'an unknown node',
      '  nodes: [{name: delta}]',
      'KPATH_INVALID_ARGUMENT',
      /no Node named "delta"/,
      6,
    ],
    [
      'a node on no segment',
      '  segments: [{name: lan, cidr: 192.168.0.0/24}]',
      'KPATH_INVALID_ARGUMENT',
      /node alpha \(10\.39\.0\.11\) is on no segment/,
      6,
    ],
    [
      'overlapping segments',
      '  segments: [{name: a, cidr: 10.39.0.0/24}, {name: b, cidr: 10.39.0.128/25}]',
      'KPATH_INVALID_ARGUMENT',
      /overlaps segment a/,
      6,
    ],
    [
      'a router address outside its segment',
      '  routers: [{name: r, interfaces: [{segment: underlay, address: 10.40.0.1}]}]',
      'KPATH_INVALID_ARGUMENT',
      /is not an address of segment underlay/,
      6,
    ],
    [
      'a router on a node address',
      '  routers: [{name: r, interfaces: [{segment: underlay, address: 10.39.0.12}]}]',
      'KPATH_INVALID_ARGUMENT',
      /already used by node beta/,
      6,
    ],
    [
      'a gateway off the segment',
      '  nodes: [{name: alpha, gateway: 10.40.0.1}]',
      'KPATH_INVALID_ARGUMENT',
      /gateway 10\.40\.0\.1 is not on segment underlay/,
      6,
    ],
    ['an unknown CNI', '  cni: cilium', 'KPATH_PARSE', /^spec\.cni: "cilium"/, 6],
    [
      'a too long interface name',
      '  nodes: [{name: alpha, iface: enp0s31f6-longname}]',
      'KPATH_PARSE',
      /spec\.nodes\[0\]\.iface/,
      6,
    ],
    ['an unknown field', '  segmnts: []', 'KPATH_PARSE', /segmnts/, 6],
  ])('refuses %s, located in the Topology', (_what, spec, code, message, offset) => {
    const base = clusterYaml({ podsPerNode: 0 })
    const e = thrown(() => topo(spec, base))
    expect(e.code).toBe(code)
    expect(e.message).toMatch(message)
    // The Topology starts after the base's lines: ---, apiVersion, kind, metadata, spec:, then the spec.
    expect(e.location).toMatchObject({ file: 'c.yaml', line: base.split('\n').length - 1 + offset })
  })

  it('refuses two Topologies, pointing at the second', () => {
    const t = '---\napiVersion: kpath.dev/v1alpha1\nkind: Topology\nmetadata: {name: X}\n'
    const e = thrown(() =>
      resolveTopology(
        loadCluster([
          { file: 'c.yaml', text: clusterYaml() + t.replace('X', 'a') + t.replace('X', 'b') },
        ]),
      ),
    )
    expect([e.code, e.message]).toEqual([
      'KPATH_INVALID_ARGUMENT',
      'more than one kpath Topology in the input',
    ])
    expect(e.hint).toMatch(/the first is "a"/)
  })

  it('refuses a node without an IPv4 InternalIP, located at the Node', () => {
    const text = 'apiVersion: v1\nkind: Node\nmetadata: {name: bare}\n'
    const e = thrown(() => resolveTopology(loadCluster([{ file: 'n.yaml', text }])))
    expect([e.code, e.message, e.location?.line]).toEqual([
      'KPATH_INVALID_ARGUMENT',
      'node bare has no IPv4 InternalIP',
      1,
    ])
  })
})
