/**
 * The cluster walk on small assembled clusters (core/cluster/testing): TTLs, NAT seen by the
 * server, replies un-NATed through conntrack, bridge/ARP/br_netfilter/hairpin, VXLAN, and the
 * places packets die. Expected values come from the kernel lab (kernel-lab.md §2-§5).
 */
import { describe, expect, it } from 'vitest'
import type { AssembledCluster } from '../cluster/index.js'
import {
  assemble,
  flannelConfigMap,
  flannelDaemonSet,
  withNetns,
} from '../cluster/testing/clusters.js'
import { synPacket } from '../conntrack/test-packets.js'
import { traceCluster } from './index.js'
import type { ClusterBranch } from './types.js'

const syn = synPacket

const POD_A1 = 'pod-default-web-alpha-1'
const POD_A2 = 'pod-default-web-alpha-2'
const POD_B1 = 'pod-default-web-beta-1'

function only(branches: readonly ClusterBranch[]): ClusterBranch {
  expect(branches).toHaveLength(1)
  return branches[0] as ClusterBranch
}

/** The address of `iface` in namespace `name`. */
function addr(s: AssembledCluster, name: string, iface = 'eth0'): string {
  const n = s.namespaces.find((x) => x.name === name)
  return n?.addresses.find((a) => a.iface === iface && a.family === 4)?.local ?? ''
}

describe('bridge CNI, same node', () => {
  const state = assemble({ nodes: 2 })

  it('pod→pod is bridged: TTL 64 at the destination, ARP answered by the peer pod', () => {
    const b = only(
      traceCluster(state, { netns: POD_A1, packet: syn('10.244.0.2', '10.244.0.3', 8080) })
        .branches,
    )
    expect(b.outcome).toMatchObject({
      kind: 'delivered',
      netns: POD_A2,
      port: 8080,
      ttlAtArrival: 64,
    })
    expect(b.outcome.kind === 'delivered' && b.outcome.serverSaw).toEqual({
      src: '10.244.0.2',
      sport: 40000,
    })
    expect(b.hops.map((h) => `${h.netns}:${h.kind}`)).toEqual([
      `${POD_A1}:send`,
      'node-alpha:bridge',
      `${POD_A2}:ip`,
    ])
    expect(b.hops[0]?.arp).toContain(`${POD_A2} eth0 answered`)
    // br_netfilter ran on the bridged frame (bridge-nf-call-iptables=1 in the node).
    expect(b.hops[1]?.netfilter.some((l) => l.startsWith('conntrack(PREROUTING)'))).toBe(true)
    expect(b.reply?.outcome).toMatchObject({ kind: 'delivered', netns: POD_A1, port: 40000 })
  })

  it('pod→ClusterIP: one branch per endpoint, the reply comes back from the ClusterIP', () => {
    const t = traceCluster(state, { netns: POD_A1, packet: syn('10.244.0.2', '10.96.0.10', 80) })
    expect(t.branches.length).toBe(4)
    expect(t.branches.reduce((p, b) => p + b.probability, 0)).toBeCloseTo(1, 9)
    const toA2 = t.branches.find(
      (b) => b.outcome.kind === 'delivered' && b.outcome.netns === POD_A2,
    )
    expect(toA2?.outcome).toMatchObject({ serverSaw: { src: '10.244.0.2', sport: 40000 } })
    // DNAT to a pod on the same bridge: br_nf_pre_routing_finish keeps it bridged (TTL kept).
    expect(toA2?.outcome).toMatchObject({ ttlAtArrival: 64 })
    expect(toA2?.reply?.outcome).toMatchObject({
      kind: 'delivered',
      netns: POD_A1,
      serverSaw: { src: '10.96.0.10', sport: 80 },
    })
  })

  it('hairpin: a pod reaching itself through its ClusterIP is masqueraded to the bridge address', () => {
    const t = traceCluster(state, { netns: POD_A1, packet: syn('10.244.0.2', '10.96.0.10', 80) })
    const self = t.branches.find(
      (b) => b.outcome.kind === 'delivered' && b.outcome.netns === POD_A1,
    )
    expect(self?.outcome).toMatchObject({ serverSaw: { src: '10.244.0.1' } })
    expect(self?.hops[1]).toMatchObject({ kind: 'bridge', physIn: self?.hops[1]?.physOut })
    expect(self?.reply?.outcome).toMatchObject({
      kind: 'delivered',
      serverSaw: { src: '10.96.0.10', sport: 80 },
    })
  })

  it('hairpin off: the frame may not leave by its ingress port', () => {
    const off = withNetns(state, 'node-alpha', (n) => ({
      ...n,
      links: n.links.map((l) =>
        l.bridgePort ? { ...l, bridgePort: { ...l.bridgePort, hairpin: false } } : l,
      ),
    }))
    const t = traceCluster(off, { netns: POD_A1, packet: syn('10.244.0.2', '10.96.0.10', 80) })
    const self = t.branches.filter((b) =>
      b.hops.some((h) => h.physIn !== undefined && h.physIn === h.physOut),
    )
    expect(self).toHaveLength(1)
    expect(self[0]?.outcome).toMatchObject({ kind: 'dropped', netns: 'node-alpha', where: 'cni0' })
    expect(self[0]?.outcome.kind === 'dropped' && self[0].outcome.reason).toMatch(/hairpin off/)
    expect(self[0]?.reply).toBeUndefined()
  })

  it('without br_netfilter a same-bridge backend replies around the un-DNAT (the classic symptom)', () => {
    const noBrNf = withNetns(state, 'node-alpha', (n) => ({
      ...n,
      sysctls: { ...n.sysctls, 'net.bridge.bridge-nf-call-iptables': '0' },
    }))
    const t = traceCluster(noBrNf, { netns: POD_A1, packet: syn('10.244.0.2', '10.96.0.10', 80) })
    const toA2 = t.branches.find(
      (b) => b.outcome.kind === 'delivered' && b.outcome.netns === POD_A2,
    )
    // The request is routed (TTL 63); the reply is bridged straight back, never un-DNATed.
    expect(toA2?.outcome).toMatchObject({ ttlAtArrival: 63 })
    expect(toA2?.reply?.outcome).toMatchObject({ kind: 'refused', netns: POD_A1 })
  })

  it('node→ClusterIP with a same-node backend is masqueraded to the bridge address', () => {
    const t = traceCluster(state, {
      netns: 'node-alpha',
      packet: syn('10.39.0.11', '10.96.0.10', 80),
    })
    const local = t.branches.find(
      (b) => b.outcome.kind === 'delivered' && b.outcome.netns === POD_A2,
    )
    expect(local?.outcome).toMatchObject({ serverSaw: { src: '10.244.0.1' }, ttlAtArrival: 64 })
    expect(local?.reply?.outcome).toMatchObject({
      kind: 'delivered',
      netns: 'node-alpha',
      serverSaw: { src: '10.96.0.10', sport: 80 },
    })
  })

  it('nothing listening: TCP RST walked back to the client', () => {
    const b = only(
      traceCluster(state, { netns: POD_A1, packet: syn('10.244.0.2', '10.244.0.3', 9999) })
        .branches,
    )
    expect(b.outcome).toMatchObject({ kind: 'refused', netns: POD_A2, port: 9999 })
    expect(b.reply?.outcome).toMatchObject({ kind: 'delivered', netns: POD_A1 })
    // The pods load no rules, so they run no conntrack (nf_ct_netns_get); the node does, and
    // the RST, the only answer the SYN got, deletes the node's entry (nf_conntrack_tcp_packet).
    expect(b.reply?.hops[0]?.netns).toBe(POD_A2)
    expect(b.reply?.hops[0]?.netfilter.some((l) => l.startsWith('conntrack('))).toBe(false)
    const node = b.reply?.hops.find((h) => h.netfilter.some((l) => l.includes('ESTABLISHED reply')))
    expect(node?.netns).toBe('node-alpha')
    expect(node?.netfilter).toContain(
      'conntrack(PREROUTING): connection deleted (RST before any reply)',
    )
  })

  it('ip_forward=0 on the node: the packet reaches the bridge and is not forwarded', () => {
    const off = withNetns(state, 'node-alpha', (n) => ({
      ...n,
      sysctls: Object.fromEntries(
        Object.entries(n.sysctls).map(([k, v]) =>
          k === 'net.ipv4.ip_forward' || /^net\.ipv4\.conf\.[^.]+\.forwarding$/.test(k)
            ? [k, '0']
            : [k, v],
        ),
      ),
    }))
    const b = only(
      traceCluster(off, { netns: POD_A1, packet: syn('10.244.0.2', '203.0.113.10', 80) }).branches,
    )
    expect(b.outcome).toMatchObject({ kind: 'dropped', netns: 'node-alpha' })
    expect(b.hops.at(-1)).toMatchObject({ netns: 'node-alpha', inIface: 'cni0' })
    expect(b.hops.some((h) => h.netns === 'seg-underlay')).toBe(false)
  })

  it('pod→outside: the client outside sees the node address (masquerade)', () => {
    const b = only(
      traceCluster(state, { netns: POD_A1, packet: syn('10.244.0.2', '203.0.113.10', 80) })
        .branches,
    )
    expect(b.outcome).toMatchObject({ kind: 'refused', netns: 'ext-client', ttlAtArrival: 62 })
    const last = b.hops.at(-1)
    expect(last?.packet.src).toBe(addr(state, 'node-alpha'))
    expect(b.reply?.outcome).toMatchObject({ kind: 'delivered', netns: POD_A1 })
  })
})

describe('NodePort from an external client', () => {
  const np =
    'apiVersion: v1\nkind: Service\nmetadata: {name: web-np}\nspec: {type: NodePort, selector: {app: web}, ports: [{port: 80, targetPort: 8080, nodePort: 30080}], clusterIP: 10.96.0.20}'
  const state = assemble({ nodes: 1, extra: [np] })

  it('reaches a pod, SNATed to the node, and the reply is un-NATed back to the client', () => {
    const t = traceCluster(state, {
      netns: 'ext-client',
      packet: syn('203.0.113.10', '10.39.0.11', 30080),
    })
    expect(t.branches.length).toBe(2)
    for (const b of t.branches) {
      expect(b.outcome).toMatchObject({
        kind: 'delivered',
        port: 8080,
        serverSaw: { src: '10.244.0.1' },
      })
      expect(b.reply?.outcome).toMatchObject({
        kind: 'delivered',
        netns: 'ext-client',
        serverSaw: { src: '10.39.0.11', sport: 30080 },
      })
    }
  })
})

describe('flannel, cross node', () => {
  const flannel = (backend: string) =>
    assemble({
      nodes: 2,
      extra: [flannelConfigMap(`{"Network": "10.244.0.0/16", "Backend": {"Type": "${backend}"}}`)],
    })

  it('host-gw: TTL 62 at a pod on the other node, routed via the node address', () => {
    const state = flannel('host-gw')
    const b = only(
      traceCluster(state, { netns: POD_A1, packet: syn('10.244.0.2', '10.244.1.2', 8080) })
        .branches,
    )
    expect(b.outcome).toMatchObject({ kind: 'delivered', netns: POD_B1, ttlAtArrival: 62 })
    expect(b.hops.find((h) => h.netns === 'node-alpha')?.route).toContain('via 10.39.0.12')
    expect(b.reply?.outcome).toMatchObject({ kind: 'delivered', netns: POD_A1, ttlAtArrival: 62 })
  })

  it('vxlan: encapsulated to the remote VTEP on UDP 8472, TTL 62 inside', () => {
    const state = flannel('vxlan')
    const b = only(
      traceCluster(state, { netns: POD_A1, packet: syn('10.244.0.2', '10.244.1.2', 8080) })
        .branches,
    )
    expect(b.outcome).toMatchObject({ kind: 'delivered', netns: POD_B1, ttlAtArrival: 62 })
    const encap = b.hops.find((h) => h.kind === 'encap')
    expect(encap).toMatchObject({ netns: 'node-alpha', outIface: 'flannel.1' })
    expect(encap?.packet).toMatchObject({
      src: '10.39.0.11',
      dst: '10.39.0.12',
      dport: 8472,
      length: 110,
    })
    expect(b.hops.find((h) => h.kind === 'decap')).toMatchObject({
      netns: 'node-beta',
      inIface: 'flannel.1',
    })
    expect(b.reply?.outcome).toMatchObject({ kind: 'delivered', netns: POD_A1 })
  })

  it('vxlan MTU 1450: 1451 bytes with DF are refused in the pod and at the node flannel.1', () => {
    const state = flannel('vxlan')
    const pkt = syn('10.244.0.2', '10.244.1.2', 8080, { length: 1451, df: true })
    const b = only(traceCluster(state, { netns: POD_A1, packet: pkt }).branches)
    // flannel gives pods the VXLAN MTU too: `ping -M do -s 1423` fails in the pod (kernel-lab §4).
    expect(b.outcome).toMatchObject({ kind: 'dropped', netns: POD_A1, where: 'eth0' })
    expect(b.outcome.kind === 'dropped' && b.outcome.reason).toMatch(/mtu 1450/)
    const fromNode = { ...pkt, src: '10.39.0.11' }
    const n = only(traceCluster(state, { netns: 'node-alpha', packet: fromNode }).branches)
    expect(n.outcome).toMatchObject({ kind: 'dropped', netns: 'node-alpha', where: 'flannel.1' })
    const ok = only(
      traceCluster(state, { netns: POD_A1, packet: { ...pkt, length: 1450 } }).branches,
    )
    expect(ok.outcome.kind).toBe('delivered')
  })
})

describe('flannel udp (flanneld on flannel0)', () => {
  const state = assemble({
    nodes: 2,
    extra: [
      flannelConfigMap('{"Network": "10.244.0.0/16", "Backend": {"Type": "udp"}}'),
      // Without --ip-masq (seed 003): node traffic keeps its underlay source.
      flannelDaemonSet(['--kube-subnet-mgr']),
    ],
  })
  const strict = withNetns(state, 'node-beta', (n) => ({
    ...n,
    sysctls: { ...n.sysctls, 'net.ipv4.conf.all.rp_filter': '1' },
  }))

  it('pod→pod across nodes: wrapped in UDP 8285 by flanneld, TTL 62', () => {
    const b = only(
      traceCluster(state, { netns: POD_A1, packet: syn('10.244.0.2', '10.244.1.2', 8080) })
        .branches,
    )
    expect(b.outcome).toMatchObject({ kind: 'delivered', netns: POD_B1, ttlAtArrival: 62 })
    const encap = b.hops.find((h) => h.kind === 'encap')
    expect(encap?.packet).toMatchObject({
      src: '10.39.0.11',
      dst: '10.39.0.12',
      dport: 8285,
      length: 88,
    })
    // The outer datagram leaves from flanneld's socket: the node's OUTPUT path.
    expect(b.hops[b.hops.indexOf(encap as never) + 1]).toMatchObject({
      netns: 'node-alpha',
      kind: 'send',
    })
    expect(b.hops.find((h) => h.kind === 'decap')).toMatchObject({
      netns: 'node-beta',
      inIface: 'flannel0',
    })
    expect(b.reply?.outcome).toMatchObject({ kind: 'delivered', netns: POD_A1 })
  })

  it('seed 003: an underlay source arriving on flannel0 is dropped by strict rp_filter', () => {
    const pkt = syn('10.39.0.11', '10.244.1.2', 8080)
    const b = only(traceCluster(strict, { netns: 'node-alpha', packet: pkt }).branches)
    expect(b.outcome).toMatchObject({ kind: 'dropped', netns: 'node-beta', reason: 'rp_filter' })
    expect(b.hops.at(-1)).toMatchObject({ netns: 'node-beta', inIface: 'flannel0' })
    const loose = only(traceCluster(state, { netns: 'node-alpha', packet: pkt }).branches)
    expect(loose.outcome).toMatchObject({ kind: 'delivered', netns: POD_B1 })
  })
})

describe('Calico', () => {
  const pool =
    'apiVersion: crd.projectcalico.org/v1\nkind: IPPool\nmetadata: {name: default-ipv4-ippool}\nspec: {cidr: 192.168.0.0/16, ipipMode: Never, vxlanMode: Never}'
  const state = assemble({ nodes: 2, extra: [pool] })

  it('same node: routed through the node (TTL 63), 169.254.1.1 answered by proxy ARP', () => {
    const src = addr(state, POD_A1)
    const dst = addr(state, POD_A2)
    const b = only(traceCluster(state, { netns: POD_A1, packet: syn(src, dst, 8080) }).branches)
    expect(b.outcome).toMatchObject({ kind: 'delivered', netns: POD_A2, ttlAtArrival: 63 })
    expect(b.hops[0]?.arp).toMatch(/169\.254\.1\.1.*ee:ee:ee:ee:ee:ee \(proxy_arp\)/)
  })

  it('cross node: TTL 62, proxy ARP on the way out, /32 route to cali* on the way in', () => {
    const src = addr(state, POD_A1)
    const dst = addr(state, POD_B1)
    const b = only(traceCluster(state, { netns: POD_A1, packet: syn(src, dst, 8080) }).branches)
    expect(b.outcome).toMatchObject({ kind: 'delivered', netns: POD_B1, ttlAtArrival: 62 })
    expect(b.hops.find((h) => h.netns === 'node-beta')?.outIface).toMatch(/^cali/)
    expect(b.reply?.outcome).toMatchObject({ kind: 'delivered', netns: POD_A1, ttlAtArrival: 62 })
  })
})
