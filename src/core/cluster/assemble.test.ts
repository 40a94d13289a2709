/**
 * assembleCluster with the default CNI (bridge) and the default underlay: what each kind of
 * namespace holds, how kube-proxy's rules and the CNI's are merged, and the invariants every
 * assembled cluster keeps (veth peers, interface names, determinism).
 */
import { describe, expect, it } from 'vitest'
import { loadCluster } from '../kube/load/index.js'
import { proxyNodeContext, renderKubeProxy } from '../kube/proxy/index.js'
import { findChain, findTable } from '../netfilter/rule.js'
import { assembleCluster } from './index.js'
import { deterministicMac } from './names.js'
import { assemble, clusterYaml, mainRoutes, netns } from './testing/clusters.js'

describe('a plain bridge cluster', () => {
  const state = assemble({})
  const node = netns(state, 'node-alpha')
  const pod = netns(state, 'pod-default-web-alpha-1')

  it('picks the bridge CNI when the input configures none, and reports nothing', () => {
    expect(state.cni).toEqual({
      name: 'bridge',
      reason: 'default (no CNI configuration in the input)',
    })
    expect(state.unsupported).toEqual([])
    expect(state.namespaces.map((n) => n.name)).toEqual([
      'seg-underlay',
      'seg-external',
      'rtr-gw',
      'ext-client',
      'node-alpha',
      'pod-default-web-alpha-1',
      'pod-default-web-alpha-2',
      'node-beta',
      'pod-default-web-beta-1',
      'pod-default-web-beta-2',
      'node-gamma',
      'pod-default-web-gamma-1',
      'pod-default-web-gamma-2',
    ])
  })

  it('gives the node its NIC, cni0 and one hairpin veth per pod', () => {
    const hostVeths = node.links.filter((l) => l.master === 'cni0')
    expect(node.links.map((l) => [l.index, l.name, l.kind, l.mtu, l.up])).toEqual([
      [1, 'lo', 'loopback', 65536, true],
      [2, 'eth0', 'veth', 1500, true],
      [3, 'cni0', 'bridge', 1500, true],
      [4, hostVeths[0]?.name, 'veth', 1500, true],
      [5, hostVeths[1]?.name, 'veth', 1500, true],
    ])
    for (const v of hostVeths) {
      expect(v.name).toMatch(/^veth[0-9a-f]{8}$/)
      expect(v.bridgePort).toEqual({
        hairpin: true,
        learning: true,
        flood: true,
        state: 'forwarding',
      })
    }
    expect(hostVeths.map((v) => v.peer)).toEqual([
      { netns: 'pod-default-web-alpha-1', name: 'eth0' },
      { netns: 'pod-default-web-alpha-2', name: 'eth0' },
    ])
    expect(node.links[1]).toMatchObject({
      mac: deterministicMac('node-alpha', 'eth0'),
      peer: { netns: 'seg-underlay', name: 'n1' },
    })
    expect(node.addresses.filter((a) => a.family === 4 && a.iface !== 'lo')).toEqual([
      {
        iface: 'eth0',
        family: 4,
        local: '10.39.0.11',
        prefixLen: 24,
        scope: 'global',
        broadcast: '10.39.0.255',
      },
      {
        iface: 'cni0',
        family: 4,
        local: '10.244.0.1',
        prefixLen: 24,
        scope: 'global',
        broadcast: '10.244.0.255',
      },
    ])
    expect(mainRoutes(node)).toEqual([
      'default via 10.39.0.1 dev eth0',
      '10.39.0.0/24 dev eth0 proto kernel scope link src 10.39.0.11',
      '10.244.0.0/24 dev cni0 proto kernel scope link src 10.244.0.1',
    ])
  })

  it('gives each pod eth0 with its address and a default route via the bridge', () => {
    expect(pod.links.map((l) => [l.name, l.kind, l.mtu, l.peer])).toEqual([
      ['lo', 'loopback', 65536, undefined],
      ['eth0', 'veth', 1500, { netns: 'node-alpha', name: node.links[3]?.name }],
    ])
    expect(pod.addresses.filter((a) => a.iface === 'eth0')).toEqual([
      {
        iface: 'eth0',
        family: 4,
        local: '10.244.0.2',
        prefixLen: 24,
        scope: 'global',
        broadcast: '10.244.0.255',
      },
    ])
    expect(mainRoutes(pod)).toEqual([
      'default via 10.244.0.1 dev eth0',
      '10.244.0.0/24 dev eth0 proto kernel scope link src 10.244.0.2',
    ])
    expect(pod.role).toEqual({
      kind: 'pod',
      namespace: 'default',
      name: 'web-alpha-1',
      node: 'alpha',
    })
    expect(pod.daemons).toEqual([
      {
        name: 'echo-web-8080-tcp',
        kind: 'echo-server',
        config: { pod: 'default/web-alpha-1', container: 'web', port: 8080, protocol: 'TCP' },
      },
    ])
  })

  it('sets the sysctls kpath reads explicitly, pods copying the node’s IPv4 conf', () => {
    const pick = (s: Readonly<Record<string, string>>, keys: string[]) =>
      keys.map((k) => `${k}=${s[k]}`)
    const keys = [
      'net.ipv4.ip_forward',
      'net.ipv4.conf.all.rp_filter',
      'net.ipv4.conf.all.route_localnet',
      'net.ipv4.conf.eth0.rp_filter',
      'net.ipv4.conf.eth0.forwarding',
      'net.bridge.bridge-nf-call-iptables',
      'net.netfilter.nf_conntrack_tcp_timeout_established',
    ]
    expect(pick(node.sysctls, keys)).toEqual([
      'net.ipv4.ip_forward=1',
      'net.ipv4.conf.all.rp_filter=0',
      'net.ipv4.conf.all.route_localnet=1',
      'net.ipv4.conf.eth0.rp_filter=0',
      'net.ipv4.conf.eth0.forwarding=1',
      'net.bridge.bridge-nf-call-iptables=1',
      'net.netfilter.nf_conntrack_tcp_timeout_established=86400',
    ])
    expect(pick(pod.sysctls, [...keys, 'net.ipv4.conf.eth0.arp_notify'])).toEqual([
      'net.ipv4.ip_forward=1',
      'net.ipv4.conf.all.rp_filter=0',
      'net.ipv4.conf.all.route_localnet=1',
      'net.ipv4.conf.eth0.rp_filter=0',
      'net.ipv4.conf.eth0.forwarding=1',
      'net.bridge.bridge-nf-call-iptables=1',
      'net.netfilter.nf_conntrack_tcp_timeout_established=432000',
      'net.ipv4.conf.eth0.arp_notify=1',
    ])
    for (const l of node.links) expect(node.sysctls[`net.ipv4.conf.${l.name}.rp_filter`]).toBe('0')
    expect(netns(state, 'seg-underlay').sysctls['net.bridge.bridge-nf-call-iptables']).toBe('0')
    expect(netns(state, 'rtr-gw').sysctls['net.ipv4.ip_forward']).toBe('1')
    expect(netns(state, 'ext-client').sysctls['net.ipv4.ip_forward']).toBe('0')
  })

  it('keeps kube-proxy’s rules intact and appends the CNI’s masquerade chains after them', () => {
    const cluster = loadCluster([{ file: 'cluster.yaml', text: clusterYaml() }])
    const proxy = renderKubeProxy(
      cluster,
      proxyNodeContext(cluster, {
        nodeName: 'alpha',
        interfaces: {
          lo: ['127.0.0.1/8', '::1/128'],
          eth0: ['10.39.0.11/24'],
          cni0: ['10.244.0.1/24'],
        },
      }),
    )
    const want = proxy.iptables?.ipv4?.ruleset
    const got = node.iptables.ipv4
    if (want === undefined || got === undefined) throw new Error('no ipv4 ruleset')
    for (const t of want.tables) {
      const gt = findTable(got, t.name)
      for (const c of t.chains) {
        const rules = findChain(gt ?? { name: t.name, chains: [] }, c.name)?.rules ?? []
        expect({ chain: `${t.name}/${c.name}`, rules: rules.slice(0, c.rules.length) }).toEqual({
          chain: `${t.name}/${c.name}`,
          rules: c.rules,
        })
      }
    }
    const post = findChain(
      findTable(got, 'nat') ?? { name: 'nat', chains: [] },
      'POSTROUTING',
    )?.rules.map((r) => r.target?.name)
    expect(post?.[0]).toBe('KUBE-POSTROUTING')
    expect(post?.slice(1).every((t) => /^CNI-[0-9a-f]{24}$/.test(t ?? ''))).toBe(true)
    expect(post?.length).toBe(3)
    expect(node.iptables.ipv6).toEqual(proxy.iptables?.ipv6?.ruleset)
  })

  it('wires the segment: br0 with one port per NIC, each the peer of that NIC', () => {
    const seg = netns(state, 'seg-underlay')
    expect(
      seg.links.map(
        (l) =>
          `${l.name}:${l.kind}:${l.master ?? '-'}:${l.peer ? `${l.peer.netns}/${l.peer.name}` : '-'}`,
      ),
    ).toEqual([
      'lo:loopback:-:-',
      'br0:bridge:-:-',
      'n1:veth:br0:node-alpha/eth0',
      'n2:veth:br0:node-beta/eth0',
      'n3:veth:br0:node-gamma/eth0',
      'r1:veth:br0:rtr-gw/eth0',
    ])
    expect(mainRoutes(netns(state, 'ext-client'))).toEqual([
      'default via 203.0.113.1 dev eth0',
      '203.0.113.0/24 dev eth0 proto kernel scope link src 203.0.113.10',
    ])
  })
})

describe('invariants of an assembled cluster', () => {
  const state = assemble({})

  it('pairs every veth with a veth in the namespace it names, and back', () => {
    const byName = new Map(state.namespaces.map((n) => [n.name, n]))
    let pairs = 0
    for (const n of state.namespaces)
      for (const l of n.links.filter((x) => x.kind === 'veth')) {
        const peer = l.peer && byName.get(l.peer.netns)?.links.find((p) => p.name === l.peer?.name)
        expect({ link: `${n.name}/${l.name}`, back: peer?.peer }).toEqual({
          link: `${n.name}/${l.name}`,
          back: { netns: n.name, name: l.name },
        })
        pairs++
      }
    expect(pairs).toBe(2 * (3 + 2 + 1 + 6))
  })

  it('keeps interface names unique per namespace and within 15 characters, port MACs unique', () => {
    const macs = new Set<string>()
    let ports = 0
    for (const n of state.namespaces) {
      const names = n.links.map((l) => l.name)
      expect(new Set(names).size).toBe(names.length)
      for (const name of names) expect(name.length).toBeLessThanOrEqual(15)
      for (const l of n.links.filter((x) => x.kind === 'veth')) {
        if (l.mac) macs.add(l.mac)
        ports++
      }
      expect(n.links.map((l) => l.index)).toEqual(n.links.map((_, i) => i + 1))
    }
    expect(macs.size).toBe(ports)
  })

  it('gives each bridge the lowest MAC of its ports, as the kernel does', () => {
    for (const n of state.namespaces)
      for (const br of n.links.filter((l) => l.kind === 'bridge')) {
        const portMacs = n.links.filter((l) => l.master === br.name).map((l) => l.mac ?? '')
        expect(portMacs.length).toBeGreaterThan(0)
        expect(br.mac).toBe([...portMacs].sort()[0])
      }
  })

  it('is deterministic: the same input gives the same state', () => {
    expect(
      JSON.stringify(assemble({}).namespaces, (_k, v) => (typeof v === 'bigint' ? String(v) : v)),
    ).toBe(JSON.stringify(state.namespaces, (_k, v) => (typeof v === 'bigint' ? String(v) : v)))
  })
})

describe('pods and their namespaces', () => {
  const extra = [
    'apiVersion: v1\nkind: Pod\nmetadata: {name: agent}\nspec:\n  nodeName: beta\n  hostNetwork: true\n  containers: [{name: a, ports: [{containerPort: 9100, name: metrics}]}]',
    'apiVersion: v1\nkind: Pod\nmetadata: {name: done}\nspec: {nodeName: beta, containers: [{name: c}]}\nstatus: {phase: Succeeded}',
    'apiVersion: v1\nkind: Pod\nmetadata: {name: pending}\nspec: {nodeSelector: {none: none}, containers: [{name: c}]}',
  ]
  const state = assemble({ extra })

  it('runs a hostNetwork pod’s servers in the node namespace and gives finished or unscheduled pods none', () => {
    expect(
      netns(state, 'node-beta').daemons?.map((d) => [d.name, d.config.port, d.config.pod]),
    ).toEqual([['echo-a-9100-tcp', 9100, 'default/agent']])
    const names = state.namespaces.map((n) => n.name)
    for (const gone of ['pod-default-agent', 'pod-default-done', 'pod-default-pending'])
      expect(names).not.toContain(gone)
  })
})

describe('Topology overrides on the assembled node', () => {
  const topology = `apiVersion: kpath.dev/v1alpha1
kind: Topology
metadata: {name: t}
spec:
  nodes:
  - name: beta
    iface: ens3
    gateway: none
    routes: [{dst: 192.0.2.0/24, via: 10.39.0.200}, {dst: 198.18.0.0/15, dev: cni0}]
    sysctls: {net.ipv4.conf.all.rp_filter: 1, net.ipv4.conf.default.rp_filter: 2}`
  const state = assemble({ extra: [topology] })
  const beta = netns(state, 'node-beta')

  it('names the NIC, drops the default route, adds the routes and sysctls last', () => {
    expect(beta.links[1]?.name).toBe('ens3')
    expect(mainRoutes(beta).slice(0, 2)).toEqual([
      '192.0.2.0/24 via 10.39.0.200 dev ens3',
      '198.18.0.0/15 dev cni0 scope link',
    ])
    expect(mainRoutes(beta).some((r) => r.startsWith('default'))).toBe(false)
    expect([
      beta.sysctls['net.ipv4.conf.all.rp_filter'],
      beta.sysctls['net.ipv4.conf.ens3.rp_filter'],
      beta.sysctls['net.ipv4.conf.cni0.rp_filter'],
    ]).toEqual(['1', '2', '2'])
    // The pods copy all/default at creation; their interfaces take the copied default.
    const pod = netns(state, 'pod-default-web-beta-1')
    expect([
      pod.sysctls['net.ipv4.conf.all.rp_filter'],
      pod.sysctls['net.ipv4.conf.eth0.rp_filter'],
    ]).toEqual(['1', '2'])
    expect(netns(state, 'seg-underlay').links.find((l) => l.name === 'n2')?.peer).toEqual({
      netns: 'node-beta',
      name: 'ens3',
    })
  })

  it('refuses a route through an interface the node does not have', () => {
    const bad = topology.replace('dev: cni0', 'dev: cni9')
    expect(() => assemble({ extra: [bad] })).toThrow(
      /Topology route 198\.18\.0\.0\/15 on node beta: no interface cni9/,
    )
  })
})

describe('kube-proxy modes', () => {
  it('nftables: kube-proxy’s tables go to nftables, the CNI’s rules stay in iptables', () => {
    const text = clusterYaml().replace(
      'clusterCIDR: 10.244.0.0/16',
      'clusterCIDR: 10.244.0.0/16\nmode: nftables',
    )
    const node = netns(assembleCluster(loadCluster([{ file: 'c.yaml', text }])), 'node-alpha')
    expect(node.nftables?.tables.map((t) => `${t.family} ${t.name}`)).toEqual([
      'ip kube-proxy',
      'ip6 kube-proxy',
    ])
    expect(node.iptables.ipv4?.tables.map((t) => t.name)).toEqual(['nat'])
    expect(node.iptables.ipv6).toBeUndefined()
  })

  it('ipvs: kube-ipvs0 with the ClusterIPs, IPVS services, ipsets and the IPVS rules', () => {
    const text = clusterYaml().replace(
      'clusterCIDR: 10.244.0.0/16',
      'clusterCIDR: 10.244.0.0/16\nmode: ipvs\nipvs: {strictARP: true}',
    )
    const state = assembleCluster(loadCluster([{ file: 'c.yaml', text }]))
    expect(state.unsupported).toEqual([])
    const node = netns(state, 'node-alpha')
    const dummy = node.links.find((l) => l.name === 'kube-ipvs0')
    expect(dummy).toMatchObject({ kind: 'dummy', up: false, noarp: true })
    expect(node.addresses.filter((a) => a.iface === 'kube-ipvs0').map((a) => a.local)).toEqual([
      '10.96.0.10',
    ])
    // The kernel's local route for a VIP exists although kube-ipvs0 is down.
    expect(
      node.routes.some(
        (r) => r.type === 'local' && r.dst === '10.96.0.10' && r.dev === 'kube-ipvs0',
      ),
    ).toBe(true)
    const vs = node.ipvs?.services.find(
      (s) => s.key.kind === 'addr' && s.key.address === '10.96.0.10',
    )
    expect(vs?.destinations.map((d) => `${d.address}:${d.port}`).length).toBeGreaterThan(0)
    expect(vs?.destinations.every((d) => d.port === 8080 && d.forward === 'masq')).toBe(true)
    expect(node.ipsets.map((s) => s.name)).toContain('KUBE-CLUSTER-IP')
    expect(node.sysctls['net.ipv4.vs.conntrack']).toBe('1')
    expect(node.sysctls['net.ipv4.conf.all.arp_ignore']).toBe('1')
    expect(node.sysctls['net.ipv4.conf.all.route_localnet']).toBe('0')
    const nat = node.iptables.ipv4?.tables.find((t) => t.name === 'nat')
    expect(nat?.chains.map((c) => c.name)).toContain('KUBE-LOAD-BALANCER')
  })
})

describe('what other CNIs ask of the assembly', () => {
  const chainTargets = (n: ReturnType<typeof netns>, chain: string) =>
    n.iptables.ipv4?.tables
      .flatMap((t) => t.chains.filter((c) => c.name === chain))
      .flatMap((c) => c.rules.map((r) => r.target?.name ?? '')) ?? []

  it('Calico: pods get Calico’s addresses and Services point at them', () => {
    const pool =
      'apiVersion: crd.projectcalico.org/v1\nkind: IPPool\nmetadata: {name: default-ipv4-ippool}\nspec: {cidr: 192.168.0.0/16, ipipMode: Always}'
    const state = assemble({ extra: [pool] })
    const pod = netns(state, 'pod-default-web-beta-1')
    const ip = pod.addresses.find((a) => a.iface === 'eth0')?.local ?? ''
    expect(ip).toMatch(/^192\.168\./)
    const nat = netns(state, 'node-beta').iptables.ipv4?.tables.find((t) => t.name === 'nat')
    const dnat = nat?.chains
      .flatMap((c) => c.rules)
      .filter((r) => r.target?.name === 'DNAT')
      .map((r) => r.target?.options[0]?.values[0])
    expect(dnat).toContain(`${ip}:8080`)
    expect(dnat?.some((d) => d?.startsWith('10.244.'))).toBe(false)
  })

  it('kube-router’s service proxy replaces kube-proxy: no kube-proxy rules, route_localnet left at 0', () => {
    const ds = `apiVersion: apps/v1\nkind: DaemonSet\nmetadata: {name: kube-router, namespace: kube-system}\nspec:\n  selector: {matchLabels: {k8s-app: kube-router}}\n  template:\n    metadata: {labels: {k8s-app: kube-router}}\n    spec:\n      hostNetwork: true\n      containers: [{name: kube-router, image: docker.io/cloudnativelabs/kube-router:v2.1.0, args: [--run-router=true, --run-firewall=false, --run-service-proxy=true]}]`
    const node = netns(assemble({ kubeadm: true, extra: [ds] }), 'node-beta')
    expect(chainTargets(node, 'KUBE-SERVICES')).toEqual([])
    expect(node.sysctls['net.ipv4.conf.all.route_localnet']).toBe('0')
    const both = assemble({ extra: [ds] })
    expect(chainTargets(netns(both, 'node-beta'), 'PREROUTING')).toContain('KUBE-SERVICES')
    expect(both.unsupported[0]?.message).toMatch(
      /kube-router runs its service proxy and the input configures kube-proxy too/,
    )
  })

  it('underlay pods: the node’s NIC becomes a port of the host bridge, which carries the node’s address and routes', () => {
    const topology =
      'apiVersion: kpath.dev/v1alpha1\nkind: Topology\nmetadata: {name: t}\nspec:\n  cniConfig: {name: underlay, type: bridge, bridge: mybr0, ipam: {type: host-local, ranges: [[{subnet: 10.39.0.0/24, gateway: 10.39.0.1}]], routes: [{dst: 0.0.0.0/0}]}}'
    const pod =
      'apiVersion: v1\nkind: Pod\nmetadata: {name: u}\nspec: {nodeName: beta, containers: [{name: c}]}\nstatus: {phase: Running, podIP: 10.39.0.100}'
    const state = assemble({ podsPerNode: 0, extra: [topology, pod] })
    const node = netns(state, 'node-beta')
    expect(state.cni.name).toBe('underlay')
    expect(node.links.map((l) => `${l.name}:${l.master ?? '-'}`)).toEqual([
      'lo:-',
      'eth0:mybr0',
      'mybr0:-',
      `${node.links[3]?.name}:mybr0`,
    ])
    expect(
      node.addresses
        .filter((a) => a.family === 4 && a.iface !== 'lo')
        .map((a) => `${a.iface} ${a.local}/${a.prefixLen}`),
    ).toEqual(['mybr0 10.39.0.12/24'])
    expect(mainRoutes(node)).toEqual([
      'default via 10.39.0.1 dev mybr0',
      '10.39.0.0/24 dev mybr0 proto kernel scope link src 10.39.0.12',
    ])
  })
})
