/**
 * Seed 001 ("通过kube Router学习网络"): three nodes on 192.168.50.0/24 (enp1s0), pods on
 * 10.233.64–68.x/24, kube-router from the July 2023 DSR manifest. Every expectation below is
 * quoted from the seed's own `route -n`, `ip addr`, `bridge -d link`, `iptables-save` and
 * `ipset list` output (the parts a real node shows that the plugin does not make, such as the
 * node's DHCP default route, are given to the node as its underlay).
 */
import { readFileSync } from 'node:fs'
import { beforeAll, describe, expect, it } from 'vitest'
import { parseIpsetSave, printIpsetSave } from '../../ipset/index.js'
import type { Link, Route } from '../../model/netns.js'
import { parseIptablesSave, printIptablesSave } from '../../netfilter/iptables-save/index.js'
import type { CniContext } from '../types.js'
import { kubeRouterPlugin } from './index.js'
import { contextFor, inetLines, load, nodeState, podNamed, podState, routeN } from './testkit.js'

const SEED = readFileSync(new URL('./testdata/seed-001.yaml', import.meta.url), 'utf8')

/** What the seed's nodes have besides kube-router: a DHCP default route and its gateway. */
const DHCP: readonly Route[] = [
  {
    family: 4,
    table: 254,
    type: 'unicast',
    dst: 'default',
    via: '192.168.50.1',
    dev: 'enp1s0',
    proto: 'dhcp',
    metric: 100,
  },
  {
    family: 4,
    table: 254,
    type: 'unicast',
    dst: '192.168.50.1',
    dev: 'enp1s0',
    proto: 'dhcp',
    scope: 'link',
    metric: 100,
  },
]

function seedContext(edit: (text: string) => string = (t) => t): {
  ctx: CniContext
  reports: string[]
} {
  const { ctx, reports } = contextFor(load(edit(SEED)), {
    iface: 'enp1s0',
    prefixLen: 24,
    gateway: '192.168.50.1',
  })
  return { ctx, reports: reports.messages }
}

const withArg = (arg: string) => (t: string) =>
  t.replace('- --run-router=true', `- --run-router=true\n        - ${arg}`)

/** The routes kube-router injects for other nodes (not kube-dummy-if's local routes). */
const unicast = (routes: readonly Route[] | undefined) =>
  (routes ?? []).filter((r) => r.type === 'unicast')

const table = (...rows: string[]) =>
  [
    'Kernel IP routing table',
    'Destination     Gateway         Genmask         Flags Metric Ref    Use Iface',
    ...rows,
  ].join('\n')

describe('seed 001: routes between nodes (default --overlay-type=subnet, all nodes on one subnet)', () => {
  let ctx: CniContext
  beforeAll(() => {
    ctx = seedContext().ctx
  })

  it("node2's route -n is the seed's, row for row", () => {
    expect(routeN(nodeState(ctx, kubeRouterPlugin, 'node2', DHCP))).toBe(
      table(
        '0.0.0.0         192.168.50.1    0.0.0.0         UG    100    0        0 enp1s0',
        '10.233.64.0     192.168.50.50   255.255.255.0   UG    0      0        0 enp1s0',
        '10.233.66.0     0.0.0.0         255.255.255.0   U     0      0        0 kube-bridge',
        '10.233.68.0     192.168.50.52   255.255.255.0   UG    0      0        0 enp1s0',
        '192.168.50.0    0.0.0.0         255.255.255.0   U     0      0        0 enp1s0',
        '192.168.50.1    0.0.0.0         255.255.255.255 UH    100    0        0 enp1s0',
      ),
    )
  })

  it('node1 (no pods) has the routes of the seed after node3 re-joined, and no kube-bridge subnet', () => {
    expect(routeN(nodeState(ctx, kubeRouterPlugin, 'node1', DHCP))).toBe(
      table(
        '0.0.0.0         192.168.50.1    0.0.0.0         UG    100    0        0 enp1s0',
        '10.233.66.0     192.168.50.51   255.255.255.0   UG    0      0        0 enp1s0',
        '10.233.68.0     192.168.50.52   255.255.255.0   UG    0      0        0 enp1s0',
        '192.168.50.0    0.0.0.0         255.255.255.0   U     0      0        0 enp1s0',
        '192.168.50.1    0.0.0.0         255.255.255.255 UH    100    0        0 enp1s0',
      ),
    )
  })

  it('the injected routes carry kube-router proto 17 (RTPROT 0x11)', () => {
    const r = unicast(kubeRouterPlugin.node(ctx, ctx.underlay.get('node1')!).routes)
    expect(r.map((x) => `${x.dst} via ${x.via} dev ${x.dev} proto ${x.proto}`)).toEqual([
      '10.233.66.0/24 via 192.168.50.51 dev enp1s0 proto 17',
      '10.233.68.0/24 via 192.168.50.52 dev enp1s0 proto 17',
    ])
  })

  it('the overlay policy rule sends the node pod CIDR to table 77 at the next free priority', () => {
    const rules = kubeRouterPlugin.node(ctx, ctx.underlay.get('node2')!).rules
    expect(rules).toEqual([{ family: 4, priority: 32765, from: '10.233.66.0/24', table: 77 }])
  })
})

describe('seed 001: --overlay-type=full makes IPIP tunnels', () => {
  let ctx: CniContext
  beforeAll(() => {
    ctx = seedContext(withArg('--overlay-type=full')).ctx
  })

  it("node1's route -n is the seed's", () => {
    expect(routeN(nodeState(ctx, kubeRouterPlugin, 'node1', DHCP))).toBe(
      table(
        '0.0.0.0         192.168.50.1    0.0.0.0         UG    100    0        0 enp1s0',
        '10.233.66.0     0.0.0.0         255.255.255.0   U     0      0        0 tun-1921685051',
        '10.233.68.0     0.0.0.0         255.255.255.0   U     0      0        0 tun-1921685052',
        '192.168.50.0    0.0.0.0         255.255.255.0   U     0      0        0 enp1s0',
        '192.168.50.1    0.0.0.0         255.255.255.255 UH    100    0        0 enp1s0',
      ),
    )
  })

  it('the tunnels are what `ip addr` shows: tun-…@enp1s0, mtu 1480, link/ipip local peer remote', () => {
    const links = nodeState(ctx, kubeRouterPlugin, 'node1').links.filter((l) =>
      l.name.startsWith('tun-'),
    )
    const show = (l: Link) =>
      `${l.index}: ${l.name}@${l.iptun?.dev} mtu ${l.mtu} ${l.up ? 'UP' : 'DOWN'}${l.noarp ? ' NOARP' : ''} link/ipip ${l.iptun?.local} peer ${l.iptun?.remote}`
    expect(links.map(show)).toEqual([
      '6: tun-1921685051@enp1s0 mtu 1480 UP NOARP link/ipip 192.168.50.50 peer 192.168.50.51',
      '7: tun-1921685052@enp1s0 mtu 1480 UP NOARP link/ipip 192.168.50.50 peer 192.168.50.52',
    ])
  })

  it('loading ipip also gives the namespace its fallback tunl0 (index 5 in the seed is hidden)', () => {
    const tunl0 = nodeState(ctx, kubeRouterPlugin, 'node1').links.find((l) => l.name === 'tunl0')
    expect(tunl0).toMatchObject({ index: 5, kind: 'ipip', mtu: 1480, up: false, noarp: true })
  })

  it('routes via tunnels have the node IP as source; table 77 reaches each peer through its tunnel', () => {
    const r = unicast(kubeRouterPlugin.node(ctx, ctx.underlay.get('node1')!).routes)
    expect(r.map((x) => [x.table, x.dst, x.dev, x.src, x.proto, x.scope].join(' '))).toEqual([
      '254 10.233.66.0/24 tun-1921685051 192.168.50.50 17 global',
      '77 192.168.50.51 tun-1921685051  boot link',
      '254 10.233.68.0/24 tun-1921685052 192.168.50.50 17 global',
      '77 192.168.50.52 tun-1921685052  boot link',
    ])
  })

  it('kube-router v2.x names tunnels by hash, leaves them unbound and without path MTU discovery', () => {
    const v2 = seedContext((t) =>
      withArg('--overlay-type=full')(t).replace(':v1.6.0', ':v2.1.0'),
    ).ctx
    const links = kubeRouterPlugin.node(v2, v2.underlay.get('node1')!).links ?? []
    const tun = links.filter((l) => l.name.startsWith('tun-'))
    expect(tun.map((l) => [l.name, l.iptun])).toEqual([
      ['tun-34d1fa49447', { local: '192.168.50.50', remote: '192.168.50.51', pmtudisc: false }],
      ['tun-ace6a42cc80', { local: '192.168.50.50', remote: '192.168.50.52', pmtudisc: false }],
    ])
  })
})

describe('seed 001: overlay subnet mode and overlay off', () => {
  /** node3 moved to another subnet, reached through a router. */
  const remote = (t: string) => t.replace('address: 192.168.50.52}', 'address: 192.168.60.52}')

  it('subnet mode tunnels only to the node outside the subnet', () => {
    const { ctx } = seedContext(remote)
    const r = unicast(kubeRouterPlugin.node(ctx, ctx.underlay.get('node1')!).routes)
    expect(r.map((x) => `${x.table} ${x.dst} ${x.via ?? '-'} ${x.dev}`)).toEqual([
      '254 10.233.66.0/24 192.168.50.51 enp1s0',
      '254 10.233.68.0/24 - tun-1921686052',
      '77 192.168.60.52 - tun-1921686052',
    ])
  })

  it('with --enable-overlay=false a node outside the subnet gets no route, and no policy rule', () => {
    const { ctx } = seedContext((t) => withArg('--enable-overlay=false')(remote(t)))
    const f = kubeRouterPlugin.node(ctx, ctx.underlay.get('node1')!)
    expect(unicast(f.routes).map((x) => x.dst)).toEqual(['10.233.66.0/24'])
    expect(f.links?.map((l) => l.name)).toEqual(['kube-bridge', 'kube-dummy-if'])
    expect(f.rules).toEqual([])
  })

  it('an --overlay-type kube-router does not know means no tunnel at all', () => {
    const { ctx } = seedContext((t) => withArg('--overlay-type=Full')(remote(t)))
    const r = unicast(kubeRouterPlugin.node(ctx, ctx.underlay.get('node1')!).routes)
    expect(r.map((x) => x.dst)).toEqual(['10.233.66.0/24'])
  })
})

describe('seed 001: masquerade and forward rules', () => {
  const rules = (ctx: CniContext, node: string) =>
    printIptablesSave(
      parseIptablesSave(
        kubeRouterPlugin.node(ctx, ctx.underlay.get(node)!).iptablesRestore?.ipv4 ?? '',
      ),
    )
      .split('\n')
      .filter((l) => l.startsWith('-A'))

  it('the pod egress MASQUERADE rule is exactly the seed’s iptables-save line', () => {
    expect(rules(seedContext().ctx, 'node2')).toContain(
      '-A POSTROUTING -m set --match-set kube-router-pod-subnets src -m set ! --match-set kube-router-pod-subnets dst -m set ! --match-set kube-router-node-ips dst -j MASQUERADE --random-fully',
    )
  })

  it('the IPVS SNAT rule is the seed’s line (the seed replaced the empty comment with its own words)', () => {
    const line = rules(seedContext().ctx, 'node2').find((l) => l.includes('-m ipvs'))
    expect(line?.replace('--comment ""', '--comment "这是注释"')).toBe(
      '-A POSTROUTING ! -s 10.233.66.0/24 ! -d 10.233.66.0/24 -m ipvs --vdir ORIGINAL --vmethod MASQ -m comment --comment "这是注释" -j SNAT --to-source 192.168.50.51 --random-fully',
    )
  })

  it('renders the rules in iptables-save form already (parse and print give the payload back)', () => {
    const { ctx } = seedContext(withArg('--masquerade-all=true'))
    const text = kubeRouterPlugin.node(ctx, ctx.underlay.get('node3')!).iptablesRestore?.ipv4 ?? ''
    const printed = printIptablesSave(parseIptablesSave(text))
      .split('\n')
      .filter((l) => l.startsWith('-A'))
    expect(printed).toEqual(text.split('\n').filter((l) => l.startsWith('-A')))
    expect(printed).toHaveLength(6)
  })

  it('FORWARD accepts come in reverse insertion order (each is inserted at position 1)', () => {
    expect(rules(seedContext().ctx, 'node1').filter((l) => l.startsWith('-A FORWARD'))).toEqual([
      '-A FORWARD -o enp1s0 -m comment --comment "allow outbound node port traffic on node interface with which node ip is associated" -j ACCEPT',
      '-A FORWARD -o kube-bridge -m comment --comment "allow inbound traffic to pods" -j ACCEPT',
      '-A FORWARD -i kube-bridge -m comment --comment "allow outbound traffic from pods" -j ACCEPT',
    ])
  })

  it('--enable-pod-egress=false drops the MASQUERADE rule; --run-service-proxy=false the IPVS one', () => {
    const { ctx } = seedContext((t) =>
      withArg('--enable-pod-egress=false')(t).replace(
        '--run-service-proxy=true',
        '--run-service-proxy=false',
      ),
    )
    expect(rules(ctx, 'node2').filter((l) => l.includes('POSTROUTING'))).toEqual([])
  })
})

describe('seed 001: ipsets', () => {
  const sets = parseIpsetSave(
    printIpsetSave(
      kubeRouterPlugin.node(seedContext().ctx, seedContext().ctx.underlay.get('node2')!).ipsets ??
        [],
    ),
  )

  it('have the seed’s types, header options and members', () => {
    const byName = new Map(sets.map((s) => [s.name, s]))
    const subnets = byName.get('kube-router-pod-subnets')
    const ips = byName.get('kube-router-node-ips')
    const header = (s: typeof subnets) =>
      `family ${s?.family} ${s?.options.map((o) => `${o.name} ${o.value}`).join(' ')}`
    // The seed's `Header:` lines; ipset 7.17 adds bucketsize (and the kernel's random initval).
    expect(subnets?.type).toBe('hash:net')
    expect(header(subnets)).toMatch(/^family inet hashsize 1024 maxelem 65536 timeout 0( |$)/)
    expect(ips?.type).toBe('hash:ip')
    expect(header(ips)).toMatch(/^family inet hashsize 1024 maxelem 65536 timeout 0( |$)/)
    const members = (s: typeof subnets) =>
      s?.members
        .map((m) => `${m.elem} ${m.options.map((o) => `${o.name} ${o.value}`).join(' ')}`)
        .sort()
    expect(members(subnets)).toEqual([
      '10.233.64.0/24 timeout 0',
      '10.233.66.0/24 timeout 0',
      '10.233.68.0/24 timeout 0',
    ])
    expect(members(ips)).toEqual([
      '192.168.50.50 timeout 0',
      '192.168.50.51 timeout 0',
      '192.168.50.52 timeout 0',
    ])
  })

  it('skip a node without a pod CIDR, its addresses too (syncNodeIPSets)', () => {
    const { ctx } = seedContext((t) => t.replace('spec: {podCIDR: 10.233.68.0/24}', 'spec: {}'))
    const noCidr = new Map(
      ctx.cluster.nodes.map((n) => [
        n.metadata.name,
        n.metadata.name === 'node3' ? [] : (n.spec.podCIDRs ?? []),
      ]),
    )
    const c2: CniContext = { ...ctx, podCIDRs: noCidr }
    const saved = printIpsetSave(kubeRouterPlugin.node(c2, c2.underlay.get('node1')!).ipsets ?? [])
    expect(saved).not.toContain('192.168.50.52')
    expect(saved).not.toContain('10.233.68.0')
    expect(saved).toContain('add kube-router-node-ips 192.168.50.51 timeout 0')
  })
})

describe('seed 001: kube-dummy-if and kube-bridge', () => {
  const { ctx } = seedContext()

  it('kube-dummy-if holds each ClusterIP as /32 scope link, as `ip addr show kube-dummy-if`', () => {
    const s = nodeState(ctx, kubeRouterPlugin, 'node2')
    expect(inetLines(s, 'kube-dummy-if')).toEqual([
      'inet 10.233.0.1/32 scope link kube-dummy-if',
      'inet 10.233.0.3/32 scope link kube-dummy-if',
      'inet 10.233.5.92/32 scope link kube-dummy-if',
    ])
    expect(s.links.find((l) => l.name === 'kube-dummy-if')).toMatchObject({
      index: 4,
      kind: 'dummy',
      up: true,
      noarp: true,
      mtu: 1500,
    })
  })

  it('skips Services kube-router does not proxy, and (v2.x) Local ones without a local endpoint', () => {
    const extra = `---
apiVersion: v1
kind: Service
metadata: {name: other, namespace: default, labels: {service.kubernetes.io/service-proxy-name: cilium}}
spec: {clusterIP: 10.233.9.1, ports: [{port: 80}]}
---
apiVersion: v1
kind: Service
metadata: {name: local, namespace: default}
spec: {clusterIP: 10.233.9.2, internalTrafficPolicy: Local, selector: {app: demo}, ports: [{port: 80}]}
`
    const addrs = (text: string, node: string) => {
      const c = seedContext(() => text).ctx
      return inetLines(nodeState(c, kubeRouterPlugin, node), 'kube-dummy-if').map(
        (l) => l.split(' ')[1],
      )
    }
    const v1 = SEED + extra
    const v2 = v1.replace(':v1.6.0', ':v2.1.0')
    expect(addrs(v1, 'node2')).toEqual([
      '10.233.0.1/32',
      '10.233.0.3/32',
      '10.233.5.92/32',
      '10.233.9.2/32',
    ])
    // demo's only endpoint runs on node3.
    expect(addrs(v2, 'node2')).toEqual(['10.233.0.1/32', '10.233.0.3/32', '10.233.5.92/32'])
    expect(addrs(v2, 'node3')).toEqual([
      '10.233.0.1/32',
      '10.233.0.3/32',
      '10.233.5.92/32',
      '10.233.9.2/32',
    ])
  })

  it("each VIP's local route takes the node IP as source (RouteReplace in table local)", () => {
    const r = kubeRouterPlugin
      .node(ctx, ctx.underlay.get('node2')!)
      .routes?.filter((x) => x.type === 'local')
    expect(
      r?.map(
        (x) =>
          `local ${x.dst} dev ${x.dev} table ${x.table} proto ${x.proto} scope ${x.scope} src ${x.src}`,
      ),
    ).toEqual([
      'local 10.233.0.1 dev kube-dummy-if table 255 proto kernel scope host src 192.168.50.51',
      'local 10.233.0.3 dev kube-dummy-if table 255 proto kernel scope host src 192.168.50.51',
      'local 10.233.5.92 dev kube-dummy-if table 255 proto kernel scope host src 192.168.50.51',
    ])
  })

  it('kube-bridge is index 3 and gets the gateway of the node pod CIDR only once a pod is wired', () => {
    const node2 = nodeState(ctx, kubeRouterPlugin, 'node2')
    expect(node2.links.find((l) => l.name === 'kube-bridge')).toMatchObject({
      index: 3,
      kind: 'bridge',
      up: true,
      mtu: 1500,
    })
    expect(inetLines(node2, 'kube-bridge')).toEqual([
      'inet 10.233.66.1/24 brd 10.233.66.255 scope global kube-bridge',
    ])
    expect(inetLines(nodeState(ctx, kubeRouterPlugin, 'node1'), 'kube-bridge')).toEqual([])
  })

  it('sets the sysctls of the routing controller, the bridge plugin and the service proxy', () => {
    expect(kubeRouterPlugin.node(ctx, ctx.underlay.get('node2')!).sysctls).toEqual({
      'net.bridge.bridge-nf-call-iptables': '1',
      'net.ipv6.conf.kube-bridge.accept_ra': '0',
      'net.ipv4.ip_forward': '1',
      'net.ipv4.vs.conntrack': '1',
      'net.ipv4.vs.expire_nodest_conn': '1',
      'net.ipv4.vs.expire_quiescent_template': '1',
      'net.ipv4.vs.conn_reuse_mode': '0',
      'net.ipv4.conf.all.arp_ignore': '1',
      'net.ipv4.conf.all.arp_announce': '2',
    })
    expect(kubeRouterPlugin.node(ctx, ctx.underlay.get('node1')!).sysctls).not.toHaveProperty(
      'net.ipv4.ip_forward',
    )
  })
})

describe('seed 001: controllers switched off', () => {
  it('--run-router=false: the bridge plugin still makes the bridge for pods; no routes, ipsets or FORWARD rules', () => {
    const { ctx } = seedContext((t) => t.replace('--run-router=true', '--run-router=false'))
    const node2 = kubeRouterPlugin.node(ctx, ctx.underlay.get('node2')!)
    expect(node2.links?.map((l) => l.name)).toEqual(['kube-bridge', 'kube-dummy-if'])
    expect(unicast(node2.routes)).toEqual([])
    expect(node2.rules).toEqual([])
    expect(node2.ipsets).toEqual([])
    expect(node2.iptablesRestore?.ipv4).not.toMatch(/FORWARD|MASQUERADE/)
    expect(node2.sysctls).not.toHaveProperty('net.bridge.bridge-nf-call-iptables')
    const node1 = kubeRouterPlugin.node(ctx, ctx.underlay.get('node1')!)
    expect(node1.links?.map((l) => l.name)).toEqual(['kube-dummy-if'])
  })

  it('--run-service-proxy=false: no kube-dummy-if, no IPVS sysctls', () => {
    const { ctx } = seedContext((t) =>
      t.replace('--run-service-proxy=true', '--run-service-proxy=false'),
    )
    const f = kubeRouterPlugin.node(ctx, ctx.underlay.get('node2')!)
    expect(f.links?.map((l) => l.name)).toEqual(['kube-bridge'])
    expect(
      Object.keys(f.sysctls ?? {}).filter((k) => k.includes('.vs.') || k.includes('arp_')),
    ).toEqual([])
  })
})

describe('seed 001: pods', () => {
  const { ctx } = seedContext()

  it("busybox1's eth0 and route -n are the seed's", () => {
    const s = podState(ctx, kubeRouterPlugin, podNamed(ctx, 'busybox1'))
    expect(inetLines(s, 'eth0')).toEqual([
      'inet 10.233.66.10/24 brd 10.233.66.255 scope global eth0',
    ])
    expect(routeN(s)).toBe(
      table(
        '0.0.0.0         10.233.66.1     0.0.0.0         UG    0      0        0 eth0',
        '10.233.66.0     0.0.0.0         255.255.255.0   U     0      0        0 eth0',
      ),
    )
    expect(s.links.find((l) => l.name === 'eth0')).toMatchObject({
      index: 2,
      kind: 'veth',
      mtu: 1500,
      peer: { netns: 'node-node2' },
    })
  })

  it('the host end is veth + 8 hex digits on kube-bridge with hairpin off, as `bridge -d link` shows', () => {
    const wiring = kubeRouterPlugin.pod(ctx, podNamed(ctx, 'busybox'), ctx.underlay.get('node3')!)
    const host = wiring.host.links?.[0]
    expect(host?.name).toMatch(/^veth[0-9a-f]{8}$/)
    expect(host).toMatchObject({
      master: 'kube-bridge',
      peer: { netns: 'pod-default-busybox', name: 'eth0' },
      bridgePort: { hairpin: false, learning: true, flood: true, state: 'forwarding' },
    })
    expect(wiring.pod.links?.[0]?.peer).toEqual({ netns: 'node-node3', name: host?.name })
  })

  it('hairpinMode in the conflist turns hairpin on (the 2024 manifests)', () => {
    const c = seedContext((t) =>
      t.replace(
        '"isDefaultGateway":true,',
        '"isDefaultGateway":true,\n             "hairpinMode":true,',
      ),
    ).ctx
    const host = kubeRouterPlugin.pod(c, podNamed(c, 'busybox'), c.underlay.get('node3')!).host
      .links?.[0]
    expect(host?.bridgePort?.hairpin).toBe(true)
  })

  it('a bridge takes its lowest port MAC; each pod gets a distinct veth', () => {
    const s = nodeState(ctx, kubeRouterPlugin, 'node3')
    const ports = s.links.filter((l) => l.master === 'kube-bridge')
    expect(ports).toHaveLength(3)
    expect(new Set(ports.map((p) => p.name)).size).toBe(3)
    expect(s.links.find((l) => l.name === 'kube-bridge')?.mac).toBe(
      ports.map((p) => p.mac).sort()[0],
    )
    expect(ports.map((p) => p.index)).toEqual([5, 6, 7])
  })

  it('--auto-mtu gives kube-bridge and the veths the NIC MTU', () => {
    const { ctx: c } = contextFor(load(SEED), { iface: 'enp1s0', prefixLen: 24, mtu: 9000 })
    const s = nodeState(c, kubeRouterPlugin, 'node2')
    expect(
      s.links.filter((l) => l.name === 'kube-bridge' || l.kind === 'veth').map((l) => l.mtu),
    ).toEqual([9000, 9000, 9000])
  })
})
