/**
 * Seed 001 (/work/shared/seeds/001_ca657a21c593e076.txt): kube-router v1.6.0 as CNI and BGP
 * router on node1-3 (192.168.50.50-52), on examples/seeds/001-kube-router.yaml. Each test
 * quotes what the author observed.
 *
 * Gaps (see the example's header): the seed's IPVS service proxy is not modelled, so the
 * example runs kube-proxy in iptables mode for its Services.
 */
import { describe, expect, it } from 'vitest'
import { mainRoutes } from '../../src/core/cluster/testing/clusters.js'
import type { NetnsState } from '../../src/core/model/netns.js'
import { lookupRoute } from '../../src/core/route/index.js'
import { traceCluster } from '../../src/core/walk/index.js'
import { assembleExample, deliveredIn, events, ns, ping, syn, withNetns } from './seed-kit.js'

const FILE = '001-kube-router.yaml'
const state = assembleExample(FILE)
const BUSYBOX1 = 'pod-default-busybox1' // 10.233.66.10 on node2
const BUSYBOX2 = 'pod-default-busybox2' // 10.233.66.11 on node2
const BUSYBOX3 = 'pod-default-busybox3' // 10.233.68.7 on node3

function only<T>(xs: readonly T[]): T {
  expect(xs).toHaveLength(1)
  return xs[0] as T
}

/** `sysctl -w net.ipv4.ip_forward=0`: the per-device `forwarding` follows it (devinet.c). */
function forwardingOff(n: NetnsState): NetnsState {
  const off = (k: string) =>
    k === 'net.ipv4.ip_forward' || /^net\.ipv4\.conf\.[^.]+\.forwarding$/.test(k)
  return {
    ...n,
    sysctls: Object.fromEntries(Object.entries(n.sysctls).map(([k, v]) => [k, off(k) ? '0' : v])),
  }
}

/** The example without one node (`kubectl delete node`): its Node and the pods bound to it. */
function withoutNode(name: string) {
  return (text: string) =>
    text
      .split(/^---$/m)
      .filter((doc) => !/^kind: Node$/m.test(doc) || !new RegExp(`name: ${name}\\b`).test(doc))
      .filter((doc) => !new RegExp(`nodeName: ${name}\\b`).test(doc))
      .map((doc) => doc.replace(new RegExp(`^  - \\{name: ${name}, .*\\}\\n`, 'm'), ''))
      .join('---')
}

describe('seed 001: routes learnt over BGP', () => {
  it("node1 routes the other nodes' pod CIDRs via their addresses on enp1s0", () => {
    const routes = mainRoutes(ns(state, 'node-node1'))
    expect(routes).toEqual(
      expect.arrayContaining([
        'default via 192.168.50.1 dev enp1s0',
        '10.233.66.0/24 via 192.168.50.51 dev enp1s0 proto 17',
        '10.233.68.0/24 via 192.168.50.52 dev enp1s0 proto 17',
      ]),
    )
  })

  it('deleting node3 removes its route from the others (`kubectl delete node node3`)', () => {
    const after = assembleExample(FILE, withoutNode('node3'))
    expect(after.namespaces.some((n) => n.name === 'node-node3')).toBe(false)
    const routes = mainRoutes(ns(after, 'node-node1'))
    expect(routes).toContain('10.233.66.0/24 via 192.168.50.51 dev enp1s0 proto 17')
    expect(routes.some((r) => r.startsWith('10.233.68.0/24'))).toBe(false)
  })

  it('with --overlay-type=full every pod route goes through a tun-<node ip> tunnel', () => {
    const full = assembleExample(FILE, (t) =>
      t.replace(
        '        - --run-router=true\n',
        '        - --run-router=true\n        - --overlay-type=full\n',
      ),
    )
    const node1 = ns(full, 'node-node1')
    expect(lookupRoute(node1, { dst: '10.233.66.11', input: false })).toMatchObject({
      dev: 'tun-1921685051',
    })
    expect(lookupRoute(node1, { dst: '10.233.68.7', input: false })).toMatchObject({
      dev: 'tun-1921685052',
    })
    expect(node1.links.find((l) => l.name === 'tun-1921685052')).toMatchObject({
      kind: 'ipip',
      mtu: 1480,
    })
  })
})

describe('seed 001: --overlay-type=full walks the IPIP tunnels', () => {
  const full = assembleExample(FILE, (t) =>
    t.replace(
      '        - --run-router=true\n',
      '        - --run-router=true\n        - --overlay-type=full\n',
    ),
  )

  it('busybox1 → busybox3: IPIP from 192.168.50.51 to .52 on tun-1921685052, unwrapped on node3 tun-1921685051, TTL 62', () => {
    const b = only(
      traceCluster(full, { netns: BUSYBOX1, packet: ping('10.233.66.10', '10.233.68.7') }).branches,
    )
    expect(b.hops[1]).toMatchObject({ netns: 'node-node2', outIface: 'tun-1921685052' })
    const encap = b.hops.find((h) => h.kind === 'encap')
    // ttl inherit: the outer TTL is the inner one after node2's decrement.
    expect(encap?.packet).toMatchObject({
      src: '192.168.50.51',
      dst: '192.168.50.52',
      proto: 4,
      ttl: 63,
      length: 104,
    })
    expect(b.hops.find((h) => h.kind === 'decap')).toMatchObject({
      netns: 'node-node3',
      inIface: 'tun-1921685051',
    })
    expect(b.outcome).toMatchObject({ kind: 'delivered', netns: BUSYBOX3, ttlAtArrival: 62 })
    expect(b.reply?.outcome).toMatchObject({ kind: 'delivered', netns: BUSYBOX1, ttlAtArrival: 62 })
  })

  it('a point-to-point tun-X only takes packets from its remote: with node3 tun-1921685051 down, nothing does', () => {
    const down = withNetns(full, 'node-node3', (n) => ({
      ...n,
      links: n.links.map((l) => (l.name === 'tun-1921685051' ? { ...l, up: false } : l)),
    }))
    const b = only(
      traceCluster(down, { netns: BUSYBOX1, packet: ping('10.233.66.10', '10.233.68.7') }).branches,
    )
    // node3's tunl0 (the fallback device, any remote) is down in kube-router's setup.
    expect(b.outcome).toMatchObject({ kind: 'dropped', netns: 'node-node3', where: 'ipip' })
  })
})

describe('seed 001: pod to pod', () => {
  it('same node: busybox1 → busybox2 is bridged by kube-bridge, ping TTL 64', () => {
    const b = only(
      traceCluster(state, { netns: BUSYBOX1, packet: ping('10.233.66.10', '10.233.66.11') })
        .branches,
    )
    expect(b.outcome).toMatchObject({ kind: 'delivered', netns: BUSYBOX2, ttlAtArrival: 64 })
    expect(b.hops.map((h) => `${h.netns}:${h.kind}`)).toEqual([
      `${BUSYBOX1}:send`,
      'node-node2:bridge',
      `${BUSYBOX2}:ip`,
    ])
    expect(b.hops[1]?.inIface).toBe('kube-bridge')
    expect(b.reply?.outcome).toMatchObject({ kind: 'delivered', netns: BUSYBOX1, ttlAtArrival: 64 })
  })

  it('across nodes: busybox1 → busybox3 (node3) answers with TTL 62, via kube-bridge 10.233.66.1', () => {
    const b = only(
      traceCluster(state, { netns: BUSYBOX1, packet: ping('10.233.66.10', '10.233.68.7') })
        .branches,
    )
    expect(b.hops[0]?.route).toBe('10.233.68.7 via 10.233.66.1 dev eth0 src 10.233.66.10')
    expect(b.hops[1]?.route).toBe('10.233.68.7 via 192.168.50.52 dev enp1s0 src 192.168.50.51')
    expect(b.outcome).toMatchObject({ kind: 'delivered', netns: BUSYBOX3, ttlAtArrival: 62 })
    expect(b.reply?.outcome).toMatchObject({ kind: 'delivered', netns: BUSYBOX1, ttlAtArrival: 62 })
  })

  it('ip_forward=0 on node2: the echo is seen on kube-bridge and never leaves by enp1s0', () => {
    const off = withNetns(state, 'node-node2', forwardingOff)
    const b = only(
      traceCluster(off, { netns: BUSYBOX1, packet: ping('10.233.66.10', '10.233.68.7') }).branches,
    )
    expect(b.outcome).toMatchObject({ kind: 'dropped', netns: 'node-node2' })
    expect(b.hops.at(-1)).toMatchObject({ netns: 'node-node2', inIface: 'kube-bridge' })
    expect(b.hops.some((h) => h.outIface === 'enp1s0' || h.netns === 'seg-lan')).toBe(false)
    expect(b.reply).toBeUndefined()
  })
})

describe('seed 001: pod to outside and to a Service', () => {
  it("is MASQUERADEd by kube-router's ipset rule to node2's address", () => {
    const b = only(
      traceCluster(state, { netns: BUSYBOX1, packet: ping('10.233.66.10', '203.0.113.10') })
        .branches,
    )
    const node2 = b.hops.find((h) => h.netns === 'node-node2')
    const saved = ns(state, 'node-node2').iptables.ipv4
    expect(saved?.tables.find((t) => t.name === 'nat')).toBeDefined()
    expect(
      events(node2).some((l) =>
        /^nat\(POSTROUTING\): SNAT 10\.233\.66\.10 -> 192\.168\.50\.51/.test(l),
      ),
    ).toBe(true)
    expect(b.outcome).toMatchObject({
      kind: 'delivered',
      netns: 'ext-web',
      serverSaw: { src: '192.168.50.51' },
    })
    expect(b.reply?.outcome).toMatchObject({ kind: 'delivered', netns: BUSYBOX1 })
  })

  it('busybox1 → demo 10.233.5.92:80 reaches 10.233.68.8 (kube-proxy iptables mode standing in for IPVS)', () => {
    const t = traceCluster(state, {
      netns: BUSYBOX1,
      packet: syn('10.233.66.10', '10.233.5.92', 80),
    })
    const b = deliveredIn(t.branches, 'pod-default-demo-6b8d4b6b4c-x2x7q')
    expect(events(b.hops[1])).toContain('nat(PREROUTING): DNAT 10.233.5.92:80 -> 10.233.68.8:80')
    expect(b.outcome).toMatchObject({ serverSaw: { src: '10.233.66.10' }, ttlAtArrival: 62 })
    expect(b.reply?.outcome).toMatchObject({ serverSaw: { src: '10.233.5.92', sport: 80 } })
  })
})
