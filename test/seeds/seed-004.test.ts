/**
 * Seed 004 (/work/shared/seeds/004_00d5b4193d23351b.txt): Calico v3.22 native routing (no
 * tunnel), kube-proxy in iptables mode, on examples/seeds/004-calico-native.yaml. Each test
 * quotes what the author observed: pod1 → pod2 across nodes, pod1 → pod2-service, a client →
 * master:30000 (NodePort) and pod → outside (cali-nat-outgoing).
 */
import { describe, expect, it } from 'vitest'
import { printIptablesSave } from '../../src/core/netfilter/iptables-save/index.js'
import { lookupRoute } from '../../src/core/route/index.js'
import { traceCluster } from '../../src/core/walk/index.js'
import { assembleExample, deliveredIn, events, ns, snatsTo, syn } from './seed-kit.js'

const state = assembleExample('004-calico-native.yaml')
const POD1 = 'pod-test-pod1' // 10.244.219.75 on master
const POD2 = 'pod-test-pod2' // 10.244.166.159 on node1
const MASTER = 'node-master' // 192.168.43.152

function natRules(netns: string): string {
  const rs = ns(state, netns).iptables.ipv4
  if (rs === undefined) throw new Error(`${netns} has no IPv4 ruleset`)
  return printIptablesSave(rs)
}

describe('seed 004: pod1 → pod2 on another node (native routing)', () => {
  const b = deliveredIn(
    traceCluster(state, { netns: POD1, packet: syn('10.244.219.75', '10.244.166.159', 80) })
      .branches,
    POD2,
  )

  it('asks ARP for 169.254.1.1 and gets ee:ee:ee:ee:ee:ee from the cali veth (proxy_arp)', () => {
    const send = b.hops[0]
    expect(send?.route).toBe('10.244.166.159 via 169.254.1.1 dev eth0 src 10.244.219.75')
    expect(send?.arp).toMatch(
      /who-has 169\.254\.1\.1 .*cali17fddc925b9 answered ee:ee:ee:ee:ee:ee \(proxy_arp\)/,
    )
    expect(send?.dstMac).toBe('ee:ee:ee:ee:ee:ee')
  })

  it("leaves master by node1's block route, `proto bird`, straight to 192.168.43.153 (no tunnel)", () => {
    const master = b.hops.find((h) => h.netns === MASTER)
    expect(master?.route).toBe('10.244.166.159 via 192.168.43.153 dev ens33 src 192.168.43.152')
    const r = lookupRoute(ns(state, MASTER), { dst: '10.244.166.159', input: false }).route
    expect(r).toMatchObject({ dst: '10.244.166.128/26', via: '192.168.43.153', proto: 'bird' })
    expect(b.hops.some((h) => h.kind === 'encap')).toBe(false)
  })

  it('is delivered into pod2 by node1’s cali veth with TTL 62, and the reply comes back', () => {
    const node1 = b.hops.find((h) => h.netns === 'node-node1')
    expect(node1?.outIface).toMatch(/^cali[0-9a-f]{11}$/)
    expect(node1?.srcMac).toBe('ee:ee:ee:ee:ee:ee')
    expect(b.outcome).toMatchObject({ ttlAtArrival: 62, serverSaw: { src: '10.244.219.75' } })
    expect(b.reply?.outcome).toMatchObject({ kind: 'delivered', netns: POD1, ttlAtArrival: 62 })
  })
})

describe('seed 004: pod1 → test/pod2-service 10.1.118.185:80', () => {
  const b = deliveredIn(
    traceCluster(state, { netns: POD1, packet: syn('10.244.219.75', '10.1.118.185', 80) }).branches,
    POD2,
  )

  it('KUBE-SERVICES → KUBE-SVC-OCJIUORDHIMMVHOI → KUBE-SEP-X4R67US2PCZJVEDY: DNAT to pod2', () => {
    const master = b.hops.find((h) => h.netns === MASTER)
    const chains = (master?.netfilter ?? []).join('\n')
    expect(chains).toMatch(/nat:KUBE-SERVICES:rule/)
    expect(chains).toMatch(/nat:KUBE-SVC-OCJIUORDHIMMVHOI:rule/)
    expect(chains).toMatch(/nat:KUBE-SEP-X4R67US2PCZJVEDY:rule:2/)
    expect(events(master)).toContain('nat(PREROUTING): DNAT 10.1.118.185:80 -> 10.244.166.159:80')
  })

  it('is not masqueraded: KUBE-MARK-MASQ skipped, pod2 sees pod1’s own address', () => {
    const master = b.hops.find((h) => h.netns === MASTER)
    expect(master?.netfilter.some((l) => l.includes('KUBE-MARK-MASQ'))).toBe(false)
    expect(events(master).some((l) => l.includes('SNAT'))).toBe(false)
    expect(b.outcome).toMatchObject({ serverSaw: { src: '10.244.219.75', sport: 40000 } })
    expect(b.reply?.outcome).toMatchObject({
      kind: 'delivered',
      netns: POD1,
      serverSaw: { src: '10.1.118.185', sport: 80 },
    })
  })
})

describe('seed 004: client 192.168.43.1 → master:30000 (NodePort)', () => {
  const b = deliveredIn(
    traceCluster(state, {
      netns: 'ext-client',
      packet: syn('192.168.43.1', '192.168.43.152', 30000),
    }).branches,
    POD2,
  )

  it('KUBE-NODEPORTS marks for masquerade; KUBE-POSTROUTING uses MASQUERADE --random-fully', () => {
    const master = b.hops.find((h) => h.netns === MASTER)
    const lines = (master?.netfilter ?? []).join('\n')
    // The seed's kube-proxy marks in KUBE-NODEPORTS itself; the kube-proxy kpath renders (1.26+)
    // does it one chain down, in KUBE-EXT-<hash>. Same effect: mark 0x4000, then KUBE-SVC.
    expect(lines).toMatch(
      /nat:KUBE-NODEPORTS:rule:\d[\s\S]*nat:KUBE-EXT-OCJIUORDHIMMVHOI:rule:1[\s\S]*nat:KUBE-MARK-MASQ:rule:1[\s\S]*nat:KUBE-SVC-OCJIUORDHIMMVHOI/,
    )
    expect(natRules(MASTER)).toContain(
      '-A KUBE-POSTROUTING -m comment --comment "kubernetes service traffic requiring SNAT" -j MASQUERADE --random-fully',
    )
    expect(events(master)).toContain(
      'nat(PREROUTING): DNAT 192.168.43.152:30000 -> 10.244.166.159:80',
    )
  })

  it('gives the conntrack entry the seed lists: original client → master:30000, reply pod2:80 → master:<random port>', () => {
    // conntrack -L: src=192.168.43.1 dst=192.168.43.152 sport=50447 dport=30000
    //               src=10.244.166.159 dst=192.168.43.152 sport=80 dport=13174
    const master = b.hops.find((h) => h.netns === MASTER)
    expect(events(master)).toContain(
      'conntrack(PREROUTING): NEW original 192.168.43.1:40000 > 192.168.43.152:30000 SYN_SENT',
    )
    const snat = events(master).find((l) => l.startsWith('nat(POSTROUTING): SNAT'))
    const port = Number(/-> 192\.168\.43\.152:(\d+)$/.exec(snat ?? '')?.[1])
    // --random-fully picks a new port (kpath deterministically), not the client's.
    expect(port).not.toBe(40000)
    expect(b.outcome).toMatchObject({ serverSaw: { src: '192.168.43.152', sport: port } })
    const first = b.reply?.hops[0]
    expect(first?.packet).toMatchObject({
      src: '10.244.166.159',
      dst: '192.168.43.152',
      sport: 80,
      dport: port,
    })
    expect(b.reply?.outcome).toMatchObject({
      kind: 'delivered',
      netns: 'ext-client',
      serverSaw: { src: '192.168.43.152', sport: 30000 },
    })
  })
})

describe('seed 004: pod → outside', () => {
  it('is MASQUERADEd to the node address by cali-nat-outgoing (--random-fully)', () => {
    const t = traceCluster(state, { netns: POD1, packet: syn('10.244.219.75', '203.0.113.10', 80) })
    expect(t.branches).toHaveLength(1)
    const b = t.branches[0]
    const master = b?.hops.find((h) => h.netns === MASTER)
    expect(master?.netfilter).toContain('TRACE: nat:cali-nat-outgoing:rule:1')
    expect(natRules(MASTER)).toMatch(
      /-A cali-nat-outgoing -m comment --comment "cali:flqWnvo8yq4ULQLa" -m set --match-set cali40masq-ipam-pools src -m set ! --match-set cali40all-ipam-pools dst -j MASQUERADE --random-fully/,
    )
    expect(snatsTo(master, '10.244.219.75', '192.168.43.152')).toBe(true)
    expect(b?.hops.at(-1)?.packet.src).toBe('192.168.43.152')
    expect(b?.reply?.outcome).toMatchObject({ kind: 'delivered', netns: POD1 })
    // The answer's destination is restored at PREROUTING: the inverse of the SNAT, not a DNAT.
    const back = b?.reply?.hops.find((h) => h.netns === MASTER)
    const port = /-> 192\.168\.43\.152:(\d+)$/.exec(
      events(master).find((l) => l.startsWith('nat(POSTROUTING): SNAT')) ?? '',
    )?.[1]
    expect(events(back).filter((l) => l.startsWith('nat('))).toEqual([
      `nat(PREROUTING): un-SNAT 192.168.43.152:${port} -> 10.244.219.75:40000`,
    ])
  })
})
