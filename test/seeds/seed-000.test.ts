/**
 * Seed 000 (/work/shared/seeds/000_bc599866661e4eca.txt): a pod with an address of the hosts'
 * network (192.168.0.31) on the host bridge mybr0 of k8s-worker-02 tries the apiserver's
 * ClusterIP 10.96.0.1:443, on examples/seeds/000-underlay-pod-clusterip.yaml. Each fix the
 * author tried is evaluated; the configuration that works is shown.
 *
 * The seed's kube-proxy runs IPVS: seed-000-ipvs.test.ts walks that. This file runs iptables
 * mode for comparison. `bridge-nf-call-iptables=0` stands for the seed's situation (no netfilter
 * hook sees the bridged frame, as IPVS never does for a frame bridged to another MAC;
 * kernel-lab §9b measured the failure with it at 0 and success at 1).
 */
import { describe, expect, it } from 'vitest'
import type { AssembledCluster } from '../../src/core/cluster/index.js'
import type { NetnsState, Route } from '../../src/core/model/netns.js'
import { lookupRoute } from '../../src/core/route/index.js'
import { traceCluster } from '../../src/core/walk/index.js'
import {
  assembleExample,
  events,
  expectRoundTrip,
  ns,
  snatsTo,
  syn,
  withNetns,
} from './seed-kit.js'

const state = assembleExample('000-underlay-pod-clusterip.yaml')
const POD = 'pod-default-test' // 192.168.0.31
const WORKER = 'node-k8s-worker-02' // 192.168.0.102 on mybr0
const MASTER = 'node-k8s-master-01' // 192.168.0.101, kube-apiserver on 6443

function noBrNetfilter(s: AssembledCluster): AssembledCluster {
  return withNetns(s, WORKER, (n) => ({
    ...n,
    sysctls: { ...n.sysctls, 'net.bridge.bridge-nf-call-iptables': '0' },
  }))
}

/** Fix 1 of the seed: `ip route add 10.96.0.0/12 dev eth0` in the pod (scope link). */
function withServiceRoute(n: NetnsState): NetnsState {
  const r: Route = {
    family: 4,
    table: 254,
    type: 'unicast',
    dst: '10.96.0.0/12',
    dev: 'eth0',
    proto: 'boot',
    scope: 'link',
  }
  return { ...n, routes: [...n.routes, r] }
}

function only(s: AssembledCluster) {
  const t = traceCluster(s, { netns: POD, packet: syn('192.168.0.31', '10.96.0.1', 443) })
  expect(t.branches).toHaveLength(1)
  const b = t.branches[0]
  if (b === undefined) throw new Error('no branch')
  return b
}

describe('seed 000: pod 192.168.0.31 → ClusterIP 10.96.0.1:443', () => {
  it("leaves by the pod's default route to the gateway 192.168.0.1, bridged by mybr0", () => {
    const r = lookupRoute(ns(state, POD), { dst: '10.96.0.1', input: false })
    expect(r).toMatchObject({ via: '192.168.0.1', dev: 'eth0', src: '192.168.0.31' })
    const b = only(noBrNetfilter(state))
    const send = b.hops[0]
    expect(send?.arp).toMatch(/who-has 192\.168\.0\.1 .*rtr-gw eth0 answered/)
    expect(b.hops[1]).toMatchObject({ netns: WORKER, kind: 'bridge', inIface: 'mybr0' })
  })

  it('without netfilter on bridged frames (the seed): never translated, lost at the gateway', () => {
    const b = only(noBrNetfilter(state))
    // tcpdump on mybr0: 192.168.0.31 > 10.96.0.1 to the gateway's MAC, un-NATed.
    expect(b.hops[1]?.packet).toMatchObject({ src: '192.168.0.31', dst: '10.96.0.1' })
    expect(events(b.hops[1]).some((l) => l.startsWith('nat('))).toBe(false)
    expect(b.hops.some((h) => h.netns === 'rtr-gw')).toBe(true)
    // The router has no route for the Service range (as in any underlay that does not know it).
    expect(b.outcome).toEqual({
      kind: 'dropped',
      netns: 'rtr-gw',
      where: 'rtr-gw routing',
      reason: 'network unreachable',
    })
    expect(b.hops.some((h) => h.netns === MASTER)).toBe(false)
  })

  it('with br_netfilter (bridge-nf-call-iptables=1): DNATed on the bridge, masqueraded to the worker, answered', () => {
    const b = only(state)
    const bridged = b.hops[1]
    expect(bridged).toMatchObject({ netns: WORKER, kind: 'bridge' })
    expect(events(bridged)).toContain('nat(PREROUTING): DNAT 10.96.0.1:443 -> 192.168.0.101:6443')
    // The pod's address is outside the cluster CIDR (10.244.0.0/16): KUBE-MARK-MASQ, MASQUERADE.
    expect(snatsTo(bridged, '192.168.0.31', '192.168.0.102')).toBe(true)
    expectRoundTrip(
      b,
      { netns: MASTER, port: 6443, serverSaw: { src: '192.168.0.102' } },
      { netns: POD, serverSaw: { src: '10.96.0.1', sport: 443 } },
    )
  })
})

describe("seed 000: the author's fixes, evaluated without netfilter on bridged frames", () => {
  it('fix 1, `10.96.0.0/12 dev eth0` in the pod: the pod ARPs for 10.96.0.1 itself; nobody holds it without IPVS', () => {
    const s = withNetns(noBrNetfilter(state), POD, withServiceRoute)
    expect(lookupRoute(ns(s, POD), { dst: '10.96.0.1', input: false })).toMatchObject({
      dev: 'eth0',
      src: '192.168.0.31',
    })
    expect(lookupRoute(ns(s, POD), { dst: '10.96.0.1', input: false }).via).toBeUndefined()
    const b = only(s)
    // The seed's mybr0 answered (kube-ipvs0 held 10.96.0.1); in iptables mode no namespace does.
    expect(b.outcome).toEqual({
      kind: 'dropped',
      netns: POD,
      where: 'eth0',
      reason: 'ARP for 10.96.0.1 on dev eth0 unanswered',
    })
  })

  it('fix 2, MASQUERADE -o mybr0 and FORWARD -d 10.96.0.0/12 ACCEPT on the node: no effect, the frame is never routed by the node', () => {
    const b = only(noBrNetfilter(state))
    expect(b.hops.filter((h) => h.netns === WORKER).every((h) => h.kind === 'bridge')).toBe(true)
  })
})

describe('seed 000, macvlan variant (`type: macvlan, master: eth0, mode: bridge`; kernel-lab §9a)', () => {
  const macvlan = assembleExample('000-underlay-pod-clusterip.yaml', (t) =>
    t.replace(
      '    - type: bridge\n      bridge: mybr0\n',
      '    - type: macvlan\n      master: eth0\n      mode: bridge\n',
    ),
  )
  const trace = (from: string, src: string, dst: string, port = 443) => {
    const t = traceCluster(macvlan, { netns: from, packet: syn(src, dst, port) })
    expect(t.branches).toHaveLength(1)
    return t.branches[0]
  }

  it('the pod is a macvlan of the worker NIC', () => {
    expect(ns(macvlan, POD).links.find((l) => l.name === 'eth0')).toMatchObject({
      kind: 'macvlan',
      macvlan: { parent: 'eth0', mode: 'bridge' },
    })
  })

  it('pod → ClusterIP: out of the parent NIC straight to the gateway, never through the worker’s netfilter', () => {
    const b = trace(POD, '192.168.0.31', '10.96.0.1')
    expect(b?.hops[0]?.notes.join(' ')).toMatch(
      /macvlan: out of the parent eth0 of node-k8s-worker-02/,
    )
    expect(b?.hops.some((h) => h.netns === WORKER)).toBe(false)
    expect(b?.outcome).toMatchObject({ kind: 'dropped', netns: 'rtr-gw' })
    // The example's gateway has no route for 10.96.0.0/12 (nor a default): it answers ICMP
    // network unreachable, from its address on the segment, which reaches the pod.
    expect(b?.reply?.error).toMatchObject({ netns: 'rtr-gw', icmpType: 3, icmpCode: 0 })
    expect(b?.reply?.outcome).toMatchObject({ kind: 'delivered', netns: POD })
  })

  it('pod → its own node: the ARP never reaches the parent (macvlan isolation)', () => {
    const b = trace(POD, '192.168.0.31', '192.168.0.102', 22)
    expect(b?.outcome).toEqual({
      kind: 'dropped',
      netns: POD,
      where: 'eth0',
      reason: 'ARP for 192.168.0.102 on dev eth0 unanswered',
    })
  })

  it('the node → its macvlan pod: the ARP leaves by the wire and is not reflected back', () => {
    const b = trace(WORKER, '192.168.0.102', '192.168.0.31', 22)
    expect(b?.outcome).toMatchObject({ kind: 'dropped', netns: WORKER, where: 'eth0' })
  })

  it('pod → the other node (the apiserver itself, 192.168.0.101:6443) works, through the segment', () => {
    const b = trace(POD, '192.168.0.31', '192.168.0.101', 6443)
    expect(b?.hops.map((h) => h.netns)).toEqual([POD, 'seg-lan', MASTER])
    expect(b?.outcome).toMatchObject({ kind: 'delivered', netns: MASTER, port: 6443 })
    expect(b?.reply?.outcome).toMatchObject({ kind: 'delivered', netns: POD })
  })

  it('pod → a sibling macvlan pod on the same NIC is switched locally (bridge mode)', () => {
    const t = traceCluster(macvlan, {
      netns: POD,
      packet: { ...syn('192.168.0.31', '192.168.0.34', 53), proto: 17, tcpFlags: [] },
    })
    const b = t.branches[0]
    expect(b?.hops.map((h) => h.netns)).toEqual([POD, 'pod-kube-system-coredns-67c766df46-bm7qn'])
    expect(b?.hops[0]?.notes.join(' ')).toMatch(/macvlan bridge mode: switched to sibling/)
    expect(b?.outcome).toMatchObject({ kind: 'delivered', port: 53 })
  })
})
