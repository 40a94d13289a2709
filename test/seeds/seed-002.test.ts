/**
 * Seed 002 (/work/shared/seeds/002_637671d1e2023753.txt): `nc -zv 10.150.18.86 80` on slave1
 * (172.16.1.50) in a Calico IPIP CrossSubnet cluster with kube-proxy in iptables mode, on
 * examples/seeds/002-calico-ipip.yaml. Each test quotes what the author observed.
 */
import { describe, expect, it } from 'vitest'
import { lookupRoute } from '../../src/core/route/index.js'
import { traceCluster } from '../../src/core/walk/index.js'
import { assembleExample, deliveredIn, events, ns, ping, syn, withNetns } from './seed-kit.js'

const state = assembleExample('002-calico-ipip.yaml')
const SLAVE1 = 'node-slave1'
const REMOTE = 'pod-default-myapp-5d749dc84b-g6mn6' // 10.151.49.8 on slave2
const LOCAL = 'pod-default-myapp-5d749dc84b-lt4ss' // 10.151.51.8 on slave1
const LOCAL2 = 'pod-default-myapp-5d749dc84b-tmd49' // 10.151.51.7 on slave1

describe('seed 002: slave1 → ClusterIP 10.150.18.86:80', () => {
  const trace = traceCluster(state, {
    netns: SLAVE1,
    packet: syn('172.16.1.50', '10.150.18.86', 80),
  })

  it("reaches myapp's three endpoints, each with probability 1/3 (statistic 0.333…, 0.5, rest)", () => {
    expect(trace.branches).toHaveLength(3)
    for (const pod of [REMOTE, LOCAL, LOCAL2]) {
      expect(deliveredIn(trace.branches, pod).probability).toBeCloseTo(1 / 3, 9)
    }
    const labels = trace.branches.flatMap((b) => b.decisions.map((d) => d.label))
    expect(labels.some((l) => /KUBE-SVC-XJWXQFJLXSXKRMSG.*p=0\.33333333349/.test(l))).toBe(true)
    expect(labels.some((l) => /KUBE-SVC-XJWXQFJLXSXKRMSG.*p=0\.5/.test(l))).toBe(true)
  })

  it('marks the packet for masquerade (source outside 10.151.0.0/16), DNATs it, MASQUERADEs to 172.16.1.50', () => {
    const b = deliveredIn(trace.branches, REMOTE)
    const send = b.hops[0]
    expect(send?.netfilter).toContain('TRACE: nat:KUBE-MARK-MASQ:rule:1')
    expect(events(send)).toContain('nat(OUTPUT): DNAT 10.150.18.86:80 -> 10.151.49.8:80')
    expect(send?.netfilter).toContain('TRACE: nat:KUBE-POSTROUTING:rule:3')
    expect(
      events(send).some((l) =>
        l.startsWith('nat(POSTROUTING): SNAT 172.16.1.50:40000 -> 172.16.1.50:'),
      ),
    ).toBe(true)
    // The pod sees the node's address. (The port differs from the seed's: kpath renders
    // kube-proxy's MASQUERADE with --random-fully, the seed's kube-proxy did not.)
    expect(b.outcome).toMatchObject({ serverSaw: { src: '172.16.1.50' } })
  })

  it('reaches the local endpoint 10.151.51.8 through its /32 route on caliee93b0bdd66, TTL 64', () => {
    const b = deliveredIn(trace.branches, LOCAL)
    expect(b.hops[0]?.route).toBe('10.151.51.8 dev caliee93b0bdd66 src 172.16.1.50')
    expect(b.hops[0]?.outIface).toBe('caliee93b0bdd66')
    expect(b.hops[0]?.srcMac).toBe('ee:ee:ee:ee:ee:ee')
    expect(b.outcome).toMatchObject({ ttlAtArrival: 64 })
    expect(b.reply?.outcome).toMatchObject({
      kind: 'delivered',
      netns: SLAVE1,
      serverSaw: { src: '10.150.18.86', sport: 80 },
      ttlAtArrival: 64,
    })
  })

  it('reaches 10.151.49.8 by `10.151.49.0/24 via 172.16.1.88 dev ens3 proto bird`, unencapsulated; the SYN-ACK arrives with TTL 63', () => {
    const b = deliveredIn(trace.branches, REMOTE)
    const send = b.hops[0]
    expect(send?.route).toBe('10.151.49.8 via 172.16.1.88 dev ens3 src 172.16.1.50')
    // tcpdump on ens3: fa:16:3e:92:11:ca > fa:16:3e:a9:16:9f, a plain IPv4 TCP frame.
    expect([send?.srcMac, send?.dstMac]).toEqual(['fa:16:3e:92:11:ca', 'fa:16:3e:a9:16:9f'])
    expect(b.hops.every((h) => h.kind !== 'encap' && h.encap === undefined)).toBe(true)
    const route = lookupRoute(ns(state, SLAVE1), { dst: '10.151.49.8', input: false }).route
    expect(route).toMatchObject({
      dst: '10.151.49.0/24',
      via: '172.16.1.88',
      dev: 'ens3',
      proto: 'bird',
    })
    // The reply: 10.151.49.8.80 > 172.16.1.50, ttl 63, from slave2's MAC; un-NATed to the ClusterIP.
    const last = b.reply?.hops.at(-1)
    expect(last?.netns).toBe(SLAVE1)
    expect(b.reply?.hops.find((h) => h.netns === 'node-slave2')?.packet.ttl).toBe(63)
    expect(b.reply?.outcome).toMatchObject({
      kind: 'delivered',
      netns: SLAVE1,
      port: 40000,
      serverSaw: { src: '10.150.18.86', sport: 80 },
      ttlAtArrival: 63,
    })
  })
})

describe('seed 002: a node in another Calico subnet is reached over tunl0', () => {
  it('routes 10.151.32.0/24 via 172.16.2.77 dev tunl0 proto bird onlink (route choice only)', () => {
    const r = lookupRoute(ns(state, SLAVE1), { dst: '10.151.32.0', input: false })
    // The source is tunl0's own address, as the seed's summary says ("the src ip seen from the
    // pod is the tunl0 ip of the node that forwarded it").
    expect(r).toMatchObject({ via: '172.16.2.77', dev: 'tunl0', src: '10.151.51.0' })
    expect(r.route).toMatchObject({ dst: '10.151.32.0/24', proto: 'bird', onlink: true })
  })

  it('slave1 → master1 (10.151.32.0) is wrapped in IPIP to 172.16.2.77, unwrapped on master1 tunl0, and answered the same way', () => {
    const t = traceCluster(state, { netns: SLAVE1, packet: ping('172.16.1.50', '10.151.32.0') })
    expect(t.branches).toHaveLength(1)
    const b = t.branches[0]
    expect(b?.hops[0]).toMatchObject({ netns: SLAVE1, kind: 'send', outIface: 'tunl0' })
    // Calico masquerades what leaves by tunl0 from another local address to tunl0's own.
    expect(events(b?.hops[0]).some((l) => /SNAT 172\.16\.1\.50 -> 10\.151\.51\.0$/.test(l))).toBe(
      true,
    )
    const encap = b?.hops.find((h) => h.kind === 'encap')
    expect(encap).toMatchObject({ netns: SLAVE1, outIface: 'tunl0' })
    // IPv4 in IPv4: protocol 4, 20 more bytes, outer TTL inherited from the inner packet.
    expect(encap?.packet).toMatchObject({
      src: '172.16.1.50',
      dst: '172.16.2.77',
      proto: 4,
      ttl: 64,
      length: 104,
    })
    expect(encap?.tunnel).toMatchObject({ type: 'ipip', inner: { src: '10.151.51.0' } })
    expect(b?.hops.find((h) => h.kind === 'decap')).toMatchObject({
      netns: 'node-master1',
      inIface: 'tunl0',
    })
    expect(b?.outcome).toMatchObject({
      kind: 'delivered',
      netns: 'node-master1',
      serverSaw: { src: '10.151.51.0' },
      ttlAtArrival: 64,
    })
    // The echo reply goes back over master1's tunl0 route (via 172.16.1.50 onlink).
    const back = b?.reply?.hops.find((h) => h.kind === 'encap')
    expect(back?.packet).toMatchObject({ src: '172.16.2.77', dst: '172.16.1.50', proto: 4 })
    expect(b?.reply?.outcome).toMatchObject({ kind: 'delivered', netns: SLAVE1 })
  })

  it('master1 accepts IPIP only on tunl0: with tunl0 down the packet finds no tunnel', () => {
    const down = withNetns(state, 'node-master1', (n) => ({
      ...n,
      links: n.links.map((l) => (l.name === 'tunl0' ? { ...l, up: false } : l)),
    }))
    const t = traceCluster(down, { netns: SLAVE1, packet: ping('172.16.1.50', '10.151.32.0') })
    expect(t.branches[0]?.outcome).toMatchObject({ kind: 'dropped', netns: 'node-master1' })
    expect(t.branches[0]?.hops.some((h) => h.kind === 'decap')).toBe(false)
  })
})
