/**
 * flannel on a 3-node cluster (alpha, beta, gamma on 10.39.0.11-13, two pods each), one
 * backend at a time: the exact links, addresses, routes, neighbours, FDB entries and iptables
 * rules of node beta and of one of its pods, as flanneld v0.28 and its CNI plugin leave them.
 */
import { describe, expect, it } from 'vitest'
import { deterministicMac } from '../../cluster/names.js'
import type { ClusterSpec } from '../../cluster/testing/clusters.js'
import {
  assemble,
  clusterYaml,
  flannelConfigMap,
  flannelDaemonSet,
  mainRoutes,
  netns,
} from '../../cluster/testing/clusters.js'
import { KpathError } from '../../errors.js'
import type { NetnsState } from '../../model/netns.js'
import { printIptablesSave } from '../../netfilter/iptables-save/index.js'

const netConf = (backend: string) => `{"Network": "10.244.0.0/16", "Backend": ${backend}}`
const flannel = (backend: string, spec: ClusterSpec = {}) =>
  assemble({ ...spec, extra: [flannelConfigMap(netConf(backend)), ...(spec.extra ?? [])] })
const vtep = (node: string) => deterministicMac(`node-${node}`, 'flannel.1')

/** The iptables-save lines of `chain` (its -A rules) in the node's IPv4 ruleset. */
function chainRules(n: NetnsState, chain: string): string[] {
  const text = n.iptables.ipv4 === undefined ? '' : printIptablesSave(n.iptables.ipv4)
  return text.split('\n').filter((l) => l.startsWith(`-A ${chain} `))
}

function links(n: NetnsState): string[] {
  return n.links.map((l) =>
    [
      l.name.replace(/^veth[0-9a-f]{8}$/, 'vethX'),
      l.kind,
      l.mtu,
      l.master ?? '-',
      l.bridgePort?.hairpin ?? '-',
    ].join(' '),
  )
}

const MASQ_RULES = [
  '-A FLANNEL-POSTRTG -m mark --mark 0x4000/0x4000 -m comment --comment "flanneld masq" -j RETURN',
  '-A FLANNEL-POSTRTG -s 10.244.1.0/24 -d 10.244.0.0/16 -m comment --comment "flanneld masq" -j RETURN',
  '-A FLANNEL-POSTRTG -s 10.244.0.0/16 -d 10.244.1.0/24 -m comment --comment "flanneld masq" -j RETURN',
  '-A FLANNEL-POSTRTG ! -s 10.244.0.0/16 -d 10.244.1.0/24 -m comment --comment "flanneld masq" -j RETURN',
  '-A FLANNEL-POSTRTG -s 10.244.0.0/16 ! -d 224.0.0.0/4 -m comment --comment "flanneld masq" -j MASQUERADE --random-fully',
  '-A FLANNEL-POSTRTG ! -s 10.244.0.0/16 -d 10.244.0.0/16 -m comment --comment "flanneld masq" -j MASQUERADE --random-fully',
]

describe('flannel vxlan', () => {
  const state = flannel('{"Type": "vxlan"}')
  const beta = netns(state, 'node-beta')
  const pod = netns(state, 'pod-default-web-beta-1')

  it('is selected by the kube-flannel-cfg ConfigMap and reports nothing', () => {
    expect(state.cni).toEqual({
      name: 'flannel',
      reason: 'ConfigMap kube-flannel/kube-flannel-cfg',
    })
    expect(state.unsupported).toEqual([])
  })

  it('creates flannel.1 (VNI 1, port 8472, local node IP, dev eth0, nolearning, MTU 1450) before cni0', () => {
    expect(links(beta)).toEqual([
      'lo loopback 65536 - -',
      'eth0 veth 1500 - -',
      'flannel.1 vxlan 1450 - -',
      'cni0 bridge 1450 - -',
      'vethX veth 1450 cni0 true',
      'vethX veth 1450 cni0 true',
    ])
    expect(beta.links[2]).toEqual({
      index: 3,
      name: 'flannel.1',
      kind: 'vxlan',
      mac: vtep('beta'),
      mtu: 1450,
      up: true,
      vxlan: { id: 1, port: 8472, local: '10.39.0.12', dev: 'eth0', learning: false },
    })
    expect(beta.addresses.filter((a) => a.iface === 'flannel.1')).toEqual([
      { iface: 'flannel.1', family: 4, local: '10.244.1.0', prefixLen: 32, scope: 'global' },
    ])
    // sysctl(8) spells the dotted device with a slash; the model keeps that spelling.
    expect(beta.sysctls['net.ipv6.conf.flannel/1.accept_ra']).toBe('0')
  })

  it('routes, neighbours and FDB entries per remote node', () => {
    expect(mainRoutes(beta)).toEqual([
      'default via 10.39.0.1 dev eth0',
      '10.244.0.0/24 via 10.244.0.0 dev flannel.1 onlink',
      '10.244.2.0/24 via 10.244.2.0 dev flannel.1 onlink',
      '10.39.0.0/24 dev eth0 proto kernel scope link src 10.39.0.12',
      '10.244.1.0/24 dev cni0 proto kernel scope link src 10.244.1.1',
    ])
    expect(beta.neighbours).toEqual([
      { dst: '10.244.0.0', dev: 'flannel.1', lladdr: vtep('alpha'), state: 'PERMANENT' },
      { dst: '10.244.2.0', dev: 'flannel.1', lladdr: vtep('gamma'), state: 'PERMANENT' },
    ])
    expect(beta.fdb).toEqual([
      { mac: vtep('alpha'), dev: 'flannel.1', dst: '10.39.0.11', permanent: true, self: true },
      { mac: vtep('gamma'), dev: 'flannel.1', dst: '10.39.0.13', permanent: true, self: true },
    ])
  })

  it('appends FLANNEL-POSTRTG and FLANNEL-FWD after kube-proxy’s jumps; pods are not masqueraded by the CNI', () => {
    expect(chainRules(beta, 'POSTROUTING')).toEqual([
      '-A POSTROUTING -m comment --comment "kubernetes postrouting rules" -j KUBE-POSTROUTING',
      '-A POSTROUTING -m comment --comment "flanneld masq" -j FLANNEL-POSTRTG',
    ])
    expect(chainRules(beta, 'FLANNEL-POSTRTG')).toEqual(MASQ_RULES)
    expect(chainRules(beta, 'FORWARD').at(-1)).toBe(
      '-A FORWARD -m comment --comment "flanneld forward" -j FLANNEL-FWD',
    )
    expect(chainRules(beta, 'FLANNEL-FWD')).toEqual([
      '-A FLANNEL-FWD -s 10.244.0.0/16 -m comment --comment "flanneld forward" -j ACCEPT',
      '-A FLANNEL-FWD -d 10.244.0.0/16 -m comment --comment "flanneld forward" -j ACCEPT',
    ])
    expect(printIptablesSave(beta.iptables.ipv4 ?? { family: 4, tables: [] })).not.toContain('CNI-')
    expect(chainRules(beta, 'KUBE-SERVICES').length).toBeGreaterThan(0)
  })

  it('gives the pod eth0 with the flannel MTU, the route to the Network and the default route', () => {
    expect(links(pod)).toEqual(['lo loopback 65536 - -', 'eth0 veth 1450 - -'])
    expect(
      pod.addresses
        .filter((a) => a.iface === 'eth0')
        .map((a) => `${a.local}/${a.prefixLen} brd ${a.broadcast}`),
    ).toEqual(['10.244.1.2/24 brd 10.244.1.255'])
    expect(mainRoutes(pod)).toEqual([
      '10.244.0.0/16 via 10.244.1.1 dev eth0',
      'default via 10.244.1.1 dev eth0',
      '10.244.1.0/24 dev eth0 proto kernel scope link src 10.244.1.2',
    ])
  })

  it('takes the VTEP MAC flanneld published in a Node annotation', () => {
    const meta = (n: string) =>
      n === 'alpha'
        ? '  annotations:\n    flannel.alpha.coreos.com/backend-data: \'{"VNI":1,"VtepMAC":"AA:BB:CC:00:11:22"}\'\n'
        : ''
    const s = flannel('{"Type": "vxlan"}', { nodeMeta: meta })
    expect(netns(s, 'node-alpha').links[2]?.mac).toBe('aa:bb:cc:00:11:22')
    expect(netns(s, 'node-beta').neighbours[0]?.lladdr).toBe('aa:bb:cc:00:11:22')
  })
})

/** alpha on its own segment behind a router; beta and gamma share one. */
const twoSegments = `apiVersion: kpath.dev/v1alpha1
kind: Topology
metadata: {name: t}
spec:
  segments: [{name: lan1, cidr: 10.39.1.0/24}, {name: lan2, cidr: 10.39.0.0/24}]
  routers: [{name: r, interfaces: [{segment: lan1, address: 10.39.1.1}, {segment: lan2, address: 10.39.0.1}]}]`
const split: ClusterSpec = {
  nodeIPs: ['10.39.1.11', '10.39.0.12', '10.39.0.13'],
  extra: [twoSegments],
}

describe('flannel vxlan DirectRouting', () => {
  it('routes to nodes on the same segment directly and through flannel.1 across the router', () => {
    const beta = netns(flannel('{"Type": "vxlan", "DirectRouting": true}', split), 'node-beta')
    expect(mainRoutes(beta).slice(0, 3)).toEqual([
      'default via 10.39.0.1 dev eth0',
      '10.244.0.0/24 via 10.244.0.0 dev flannel.1 onlink',
      '10.244.2.0/24 via 10.39.0.13 dev eth0',
    ])
    expect(beta.neighbours.map((n) => n.dst)).toEqual(['10.244.0.0'])
  })
})

describe('flannel host-gw', () => {
  const state = flannel('{"Type": "host-gw"}')
  const beta = netns(state, 'node-beta')

  it('routes each remote subnet via the node’s address, with no tunnel device and the NIC’s MTU', () => {
    expect(links(beta)).toEqual([
      'lo loopback 65536 - -',
      'eth0 veth 1500 - -',
      'cni0 bridge 1500 - -',
      'vethX veth 1500 cni0 true',
      'vethX veth 1500 cni0 true',
    ])
    expect(mainRoutes(beta)).toEqual([
      'default via 10.39.0.1 dev eth0',
      '10.244.0.0/24 via 10.39.0.11 dev eth0',
      '10.244.2.0/24 via 10.39.0.13 dev eth0',
      '10.39.0.0/24 dev eth0 proto kernel scope link src 10.39.0.12',
      '10.244.1.0/24 dev cni0 proto kernel scope link src 10.244.1.1',
    ])
    expect([beta.neighbours, beta.fdb]).toEqual([[], []])
    expect(chainRules(beta, 'FLANNEL-POSTRTG')).toEqual(MASQ_RULES)
    expect(mainRoutes(netns(state, 'pod-default-web-beta-2'))[0]).toBe(
      '10.244.0.0/16 via 10.244.1.1 dev eth0',
    )
  })

  it('reports (and does not add) a route to a node that is not on the same segment', () => {
    const s = flannel('{"Type": "host-gw"}', split)
    expect(mainRoutes(netns(s, 'node-beta')).slice(0, 2)).toEqual([
      'default via 10.39.0.1 dev eth0',
      '10.244.2.0/24 via 10.39.0.13 dev eth0',
    ])
    expect(s.unsupported.map((u) => u.message)).toContain(
      'flannel host-gw: node beta cannot route 10.244.0.0/24 via 10.39.1.11 (node alpha is on segment lan1, not lan2); the kernel refuses the route, flanneld logs it',
    )
  })
})

describe('flannel udp', () => {
  const state = flannel('{"Type": "udp"}')
  const beta = netns(state, 'node-beta')

  it('opens flannel0 with the lease address as /32, routes the Network into it and runs flanneld', () => {
    expect(beta.links[2]).toEqual({
      index: 3,
      name: 'flannel0',
      kind: 'tun',
      mtu: 1472,
      up: true,
      noarp: true,
      tun: { mode: 'tun', owner: 'flanneld' },
    })
    expect(beta.addresses.filter((a) => a.iface === 'flannel0')).toEqual([
      { iface: 'flannel0', family: 4, local: '10.244.1.0', prefixLen: 32, scope: 'global' },
    ])
    expect(mainRoutes(beta).slice(0, 2)).toEqual([
      'default via 10.39.0.1 dev eth0',
      '10.244.0.0/16 dev flannel0',
    ])
    expect(beta.daemons).toEqual([
      {
        name: 'flanneld',
        kind: 'flanneld-udp',
        config: {
          device: 'flannel0',
          port: 8285,
          local: '10.39.0.12',
          iface: 'eth0',
          network: '10.244.0.0/16',
          subnet: '10.244.1.0/24',
          mtu: 1472,
          'route:10.244.0.0/24': '10.39.0.11',
          'route:10.244.2.0/24': '10.39.0.13',
        },
      },
    ])
    expect(links(netns(state, 'pod-default-web-beta-1'))[1]).toBe('eth0 veth 1472 - -')
  })

  it('is the backend when net-conf.json names none, as in flannel', () => {
    const s = assemble({
      extra: [flannelConfigMap('{"Network": "10.244.0.0/16", "Backend": {"Port": 7890}}')],
    })
    expect(netns(s, 'node-beta').daemons?.[0]?.config.port).toBe(7890)
    const noBackend = assemble({ extra: [flannelConfigMap('{"Network": "10.244.0.0/16"}')] })
    expect(netns(noBackend, 'node-beta').links[2]?.name).toBe('flannel0')
  })
})

describe('flanneld arguments and configuration', () => {
  it('without --ip-masq the bridge masquerades per pod, and other flags are honoured', () => {
    const ds = flannelDaemonSet(['--kube-subnet-mgr', '--iptables-forward-rules=false', '--v=2'])
    const beta = netns(flannel('{"Type": "vxlan"}', { extra: [ds] }), 'node-beta')
    expect(chainRules(beta, 'FLANNEL-POSTRTG')).toEqual([])
    expect(chainRules(beta, 'FLANNEL-FWD')).toEqual([])
    expect(
      chainRules(beta, 'POSTROUTING')
        .slice(1)
        .map((r) =>
          r.replace(/CNI-[0-9a-f]{24}/, 'CNI-X').replace(/id: \\"[0-9a-f]{64}\\"/, 'id: X'),
        ),
    ).toEqual([
      '-A POSTROUTING -s 10.244.1.2/32 -m comment --comment "name: \\"cbr0\\" id: X" -j CNI-X',
      '-A POSTROUTING -s 10.244.1.3/32 -m comment --comment "name: \\"cbr0\\" id: X" -j CNI-X',
    ])
  })

  it('--ip-masq-fully-random-disable drops --random-fully; unknown flags and etcd mode are reported', () => {
    const ds = flannelDaemonSet(['--ip-masq', '--ip-masq-fully-random-disable', '--frobnicate'])
    const s = flannel('{"Type": "vxlan"}', { extra: [ds] })
    expect(chainRules(netns(s, 'node-beta'), 'FLANNEL-POSTRTG').at(-1)).toBe(
      '-A FLANNEL-POSTRTG ! -s 10.244.0.0/16 -d 10.244.0.0/16 -m comment --comment "flanneld masq" -j MASQUERADE',
    )
    expect(s.unsupported.map((u) => u.message)).toEqual([
      'flanneld: unknown flag --frobnicate (flanneld would exit)',
      "flanneld without --kube-subnet-mgr (etcd subnet leases) is not modelled; leases are the nodes' podCIDRs",
    ])
  })

  it('reads net-conf.json keys case-insensitively, as Go does, and reports unknown ones', () => {
    const cm = flannelConfigMap(
      '{"network": "10.244.0.0/16", "backend": {"type": "host-gw"}, "Netwrok": 1}',
    )
    const s = assemble({ extra: [cm] })
    expect(mainRoutes(netns(s, 'node-beta'))[1]).toBe('10.244.0.0/24 via 10.39.0.11 dev eth0')
    expect(s.unsupported).toEqual([
      {
        message:
          'ConfigMap kube-flannel/kube-flannel-cfg net-conf.json: flannel ignores the unknown field "Netwrok"',
        where: `cluster.yaml:${keyLine(cm)}:18`,
      },
    ])
  })

  it('honours the CNI delegate of cni-conf.json', () => {
    const cni =
      '{"name": "podnet", "plugins": [{"type": "flannel", "delegate": {"hairpinMode": false}}]}'
    const s = assemble({ extra: [flannelConfigMap(netConf('{"Type": "vxlan"}'), cni)] })
    expect(links(netns(s, 'node-beta'))[4]).toBe('vethX veth 1450 cni0 false')
    expect(mainRoutes(netns(s, 'pod-default-web-beta-1'))).toEqual([
      '10.244.0.0/16 via 10.244.1.1 dev eth0',
      '10.244.1.0/24 dev eth0 proto kernel scope link src 10.244.1.2',
    ])
  })

  it('with EnableNFTables reports that flannel’s nftables rules are not modelled and renders none', () => {
    const s = assemble({
      extra: [
        flannelConfigMap(
          '{"Network": "10.244.0.0/16", "EnableNFTables": true, "Backend": {"Type": "vxlan"}}',
        ),
      ],
    })
    expect(chainRules(netns(s, 'node-beta'), 'FLANNEL-POSTRTG')).toEqual([])
    expect(s.unsupported[0]?.message).toMatch(/EnableNFTables .* not modelled/)
  })

  it('defaults to kube-flannel.yml’s vxlan on the cluster CIDR when the Topology says flannel and no ConfigMap is given', () => {
    const topo =
      'apiVersion: kpath.dev/v1alpha1\nkind: Topology\nmetadata: {name: t}\nspec: {cni: flannel}'
    const s = assemble({ extra: [topo] })
    expect(s.cni.reason).toBe('Topology spec.cni')
    expect(chainRules(netns(s, 'node-beta'), 'FLANNEL-POSTRTG')).toEqual(MASQ_RULES)
    expect(netns(s, 'node-beta').links[2]?.name).toBe('flannel.1')
  })

  it.each([
    [
      'an unmodelled backend',
      '{"Network": "10.244.0.0/16", "Backend": {"Type": "wireguard"}}',
      'KPATH_UNSUPPORTED',
      /Backend: type "wireguard" is not modelled/,
    ],
    [
      'broken JSON',
      '{"Network": "10.244.0.0/16",',
      'KPATH_PARSE',
      /net-conf\.json: not valid JSON/,
    ],
    [
      'a Network that is no CIDR',
      '{"Network": "10.244.0.0"}',
      'KPATH_UNSUPPORTED',
      /Network: "10\.244\.0\.0" is not an IPv4 network/,
    ],
  ])('refuses %s, located at the ConfigMap key', (_what, conf, code, message) => {
    let error: unknown
    const cm = flannelConfigMap(conf)
    try {
      assemble({ extra: [cm] })
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(KpathError)
    const e = error as KpathError
    expect([e.code, e.location?.line, e.location?.text]).toEqual([
      code,
      keyLine(cm),
      '  net-conf.json: |',
    ])
    expect(e.message).toMatch(message)
  })
})

/** The line of `net-conf.json: |` in the cluster file holding ConfigMap `cm`. */
function keyLine(cm: string): number {
  return (
    clusterYaml({ extra: [cm] })
      .split('\n')
      .indexOf('  net-conf.json: |') + 1
  )
}
