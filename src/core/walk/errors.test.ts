/**
 * ICMP errors and REJECT answers walked back as the reply (icmp.ts): which namespace sends
 * them, from which address, with which type/code (and next-hop MTU), and that conntrack takes
 * them back to the client as RELATED. Kernel behaviour: net/ipv4/icmp.c __icmp_send,
 * ip_forward.c, route.c ip_error.
 */
import { describe, expect, it } from 'vitest'
import type { AssembledCluster } from '../cluster/index.js'
import { assemble, flannelConfigMap, withNetns } from '../cluster/testing/clusters.js'
import { synPacket } from '../conntrack/test-packets.js'
import type { Route } from '../model/netns.js'
import type { Packet } from '../model/packet.js'
import { traceCluster } from './index.js'
import type { ClusterBranch } from './types.js'

const POD_A1 = 'pod-default-web-alpha-1' // 10.244.0.2 on alpha (cni0 10.244.0.1)
const POD_B1 = 'pod-default-web-beta-1' // 10.244.1.2 on beta

const syn = synPacket

const udp = (src: string, dst: string, length: number): Packet => ({
  family: 4,
  src,
  dst,
  proto: 17,
  sport: 40000,
  dport: 8080,
  ttl: 64,
  length,
  df: true,
  mark: 0,
})

function only(branches: readonly ClusterBranch[]): ClusterBranch {
  expect(branches).toHaveLength(1)
  return branches[0] as ClusterBranch
}

const route = (type: Route['type'], dst: string): Route => ({
  family: 4,
  table: 254,
  type,
  dst,
  proto: 'boot',
})

const withRoute = (s: AssembledCluster, type: Route['type'], dst: string) =>
  withNetns(s, 'node-alpha', (n) => ({ ...n, routes: [route(type, dst), ...n.routes] }))

const state = assemble({ nodes: 2 })

describe('errors of a forwarding node, walked back to the pod', () => {
  it('TTL 1 arriving at the node: ICMP time exceeded from cni0 10.244.0.1, no forwarding', () => {
    const b = only(
      traceCluster(state, {
        netns: POD_A1,
        packet: syn('10.244.0.2', '10.244.1.2', 8080, { ttl: 1 }),
      }).branches,
    )
    expect(b.outcome).toEqual({
      kind: 'dropped',
      netns: 'node-alpha',
      where: 'node-alpha ip_forward',
      reason: 'TTL exceeded',
    })
    expect(b.hops.some((h) => h.netns === 'node-beta')).toBe(false)
    expect(b.reply?.error).toMatchObject({
      netns: 'node-alpha',
      icmpType: 11,
      icmpCode: 0,
      packet: { src: '10.244.0.1', dst: '10.244.0.2', proto: 1, ttl: 64 },
    })
    // The error quotes the SYN (60 bytes): 20 + 8 + 60.
    expect(b.reply?.error?.packet.length).toBe(88)
    expect(b.reply?.hops[0]).toMatchObject({ netns: 'node-alpha', kind: 'send' })
    expect(b.reply?.outcome).toMatchObject({ kind: 'delivered', netns: POD_A1 })
  })

  it('too big with DF for the next device: fragmentation needed with its MTU, before FORWARD', () => {
    const small = withNetns(state, 'node-alpha', (n) => ({
      ...n,
      links: n.links.map((l) => (l.name === 'eth0' ? { ...l, mtu: 1400 } : l)),
    }))
    const b = only(
      traceCluster(small, { netns: POD_A1, packet: udp('10.244.0.2', '203.0.113.10', 1450) })
        .branches,
    )
    expect(b.outcome).toMatchObject({ kind: 'dropped', netns: 'node-alpha', where: 'eth0' })
    expect(b.outcome.kind === 'dropped' && b.outcome.reason).toMatch(/1450 bytes > mtu 1400/)
    // Dropped before FORWARD/POSTROUTING: never masqueraded.
    expect(b.hops.at(-1)?.netfilter.some((l) => l.includes('SNAT'))).toBe(false)
    expect(b.reply?.error).toMatchObject({ icmpType: 3, icmpCode: 4, mtu: 1400 })
    expect(b.reply?.error?.text).toBe('ICMP fragmentation needed (mtu 1400)')
    expect(b.reply?.outcome).toMatchObject({ kind: 'delivered', netns: POD_A1 })
    // Without DF the packet is fragmented and goes on.
    const frag = only(
      traceCluster(small, {
        netns: POD_A1,
        packet: { ...udp('10.244.0.2', '203.0.113.10', 1450), df: false },
      }).branches,
    )
    expect(frag.outcome.kind).not.toBe('dropped')
    expect(frag.reply?.error).toBeUndefined()
  })

  it('an `unreachable` route answers host unreachable (3/1), `prohibit` packet filtered (3/13)', () => {
    for (const [type, code] of [
      ['unreachable', 1],
      ['prohibit', 13],
    ] as const) {
      const s = withRoute(state, type, '198.51.100.0/24')
      const b = only(
        traceCluster(s, { netns: POD_A1, packet: syn('10.244.0.2', '198.51.100.7', 80) }).branches,
      )
      expect(b.outcome).toMatchObject({ kind: 'dropped', netns: 'node-alpha' })
      expect(b.reply?.error).toMatchObject({ netns: 'node-alpha', icmpType: 3, icmpCode: code })
      expect(b.reply?.outcome).toMatchObject({ kind: 'delivered', netns: POD_A1 })
    }
  })

  it('a blackhole route drops silently: no reply', () => {
    const s = withRoute(state, 'blackhole', '198.51.100.0/24')
    const b = only(
      traceCluster(s, { netns: POD_A1, packet: syn('10.244.0.2', '198.51.100.7', 80) }).branches,
    )
    expect(b.outcome).toMatchObject({ kind: 'dropped', netns: 'node-alpha', reason: 'blackhole' })
    expect(b.reply).toBeUndefined()
  })

  it('no route at all: network unreachable (3/0)', () => {
    const s = withNetns(state, 'node-alpha', (n) => ({
      ...n,
      routes: n.routes.filter((r) => r.dst !== 'default'),
    }))
    const b = only(
      traceCluster(s, { netns: POD_A1, packet: syn('10.244.0.2', '198.51.100.7', 80) }).branches,
    )
    expect(b.reply?.error).toMatchObject({ icmpType: 3, icmpCode: 0 })
    expect(b.reply?.error?.text).toBe('ICMP network unreachable')
  })

  it('icmp_errors_use_inbound_ifaddr: no difference here, the route back leaves by the inbound cni0', () => {
    const s = withNetns(state, 'node-alpha', (n) => ({
      ...n,
      sysctls: { ...n.sysctls, 'net.ipv4.icmp_errors_use_inbound_ifaddr': '1' },
    }))
    const b = only(
      traceCluster(s, { netns: POD_A1, packet: syn('10.244.0.2', '10.244.1.2', 8080, { ttl: 1 }) })
        .branches,
    )
    expect(b.reply?.error?.packet.src).toBe('10.244.0.1')
  })

  it('the error of a packet from another node leaves from the address towards that node', () => {
    // beta's pod sends TTL 2: beta forwards it by its host-gw route (TTL 1), alpha cannot.
    const hostGw = assemble({
      nodes: 2,
      extra: [flannelConfigMap('{"Network": "10.244.0.0/16", "Backend": {"Type": "host-gw"}}')],
    })
    const b = only(
      traceCluster(hostGw, {
        netns: POD_B1,
        packet: syn('10.244.1.2', '10.244.0.2', 8080, { ttl: 2 }),
      }).branches,
    )
    expect(b.outcome).toMatchObject({ kind: 'dropped', netns: 'node-alpha' })
    expect(b.reply?.error?.packet).toMatchObject({ src: '10.39.0.11', dst: '10.244.1.2' })
    expect(b.reply?.outcome).toMatchObject({ kind: 'delivered', netns: POD_B1 })
  })

  it('no error for a locally generated packet: the socket gets the error itself', () => {
    const s = withRoute(state, 'unreachable', '198.51.100.0/24')
    const b = only(
      traceCluster(s, { netns: 'node-alpha', packet: syn('10.39.0.11', '198.51.100.7', 80) })
        .branches,
    )
    expect(b.outcome).toMatchObject({ kind: 'dropped', netns: 'node-alpha' })
    expect(b.reply).toBeUndefined()
  })

  it('no error answers an ICMP error', () => {
    const err: Packet = {
      family: 4,
      src: '10.244.0.2',
      dst: '10.244.1.2',
      proto: 1,
      icmpType: 3,
      icmpCode: 3,
      inner: syn('10.244.1.2', '10.244.0.2', 40000),
      ttl: 1,
      length: 88,
      mark: 0,
    }
    const b = only(traceCluster(state, { netns: POD_A1, packet: err }).branches)
    expect(b.outcome).toMatchObject({ kind: 'dropped', reason: 'TTL exceeded' })
    expect(b.reply).toBeUndefined()
  })
})

describe("REJECT's answers", () => {
  const empty =
    'apiVersion: v1\nkind: Service\nmetadata: {name: empty}\nspec: {selector: {app: none}, ports: [{port: 80, targetPort: 8080}], clusterIP: 10.96.0.30}'
  const s = assemble({ nodes: 2, extra: [empty] })

  it('pod → a Service without endpoints: port unreachable from the node, to the pod, un-NATed nothing', () => {
    const b = only(
      traceCluster(s, { netns: POD_A1, packet: syn('10.244.0.2', '10.96.0.30', 80) }).branches,
    )
    expect(b.outcome).toMatchObject({ kind: 'dropped', netns: 'node-alpha' })
    expect(b.outcome.kind === 'dropped' && b.outcome.reason).toMatch(
      /REJECT \(icmp-port-unreachable\)/,
    )
    expect(b.reply?.error).toMatchObject({
      netns: 'node-alpha',
      icmpType: 3,
      icmpCode: 3,
      // Not local (the ClusterIP is nobody's address): the source of the route back.
      packet: { src: '10.244.0.1', dst: '10.244.0.2' },
    })
    expect(b.reply?.error?.text).toMatch(/ICMP port unreachable \(REJECT --reject-with/)
    // The client socket takes it: the quoted header is its own SYN to the ClusterIP.
    expect(b.reply?.outcome).toMatchObject({ kind: 'delivered', netns: POD_A1 })
  })

  it('the node → that Service: REJECT in OUTPUT, the error comes back through lo', () => {
    const b = only(
      traceCluster(s, { netns: 'node-alpha', packet: syn('10.39.0.11', '10.96.0.30', 80) })
        .branches,
    )
    expect(b.reply?.error).toMatchObject({ netns: 'node-alpha', icmpCode: 3 })
    expect(b.reply?.outcome).toMatchObject({ kind: 'delivered', netns: 'node-alpha' })
  })
})
