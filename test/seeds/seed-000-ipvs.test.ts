/**
 * Seed 000 (/work/shared/seeds/000_bc599866661e4eca.txt) in IPVS mode, as the seed ran it, on
 * examples/seeds/000-underlay-pod-clusterip-ipvs.yaml (issue 6 acceptance). The rendered state
 * the seed's commands show (`ipvsadm -ln`: `TCP 10.96.0.1:443 rr -> 192.168.0.101:6443 Masq 1`;
 * the ClusterIP held by the node), then the walk:
 *
 * - the pod's SYN to 10.96.0.1:443 leaves by its default route to the gateway's MAC, the
 *   worker's bridge forwards the frame, and IPVS (LOCAL_IN/LOCAL_OUT only, ip_vs_core.c
 *   ip_vs_ops4) never sees it: lost at the gateway, as observed (`dial tcp 10.96.0.1:443: i/o
 *   timeout`);
 * - with the author's `10.96.0.0/12 dev eth0`, mybr0 answers the pod's ARP for 10.96.0.1 with
 *   the NIC's MAC 00:0c:29:4b:22:09 (the seed's capture: arp_ignore 0 answers for any local
 *   address), the node answers the ping itself, and TCP reaches the apiserver through IPVS;
 * - TCP then works or not according to the way back: masqueraded (the pod is outside
 *   clusterCIDR) the reply returns to the node; unmasqueraded it goes straight to the pod and is
 *   un-NATed only if it crosses the worker's bridge with br_netfilter on;
 * - `kpath explain` names the missing step and verifies the fixes.
 */
import { describe, expect, it } from 'vitest'
import { traceBetween } from '../../src/core/app/cluster-trace.js'
import { explainBetween } from '../../src/core/explain/index.js'
import type { ClusterBranch } from '../../src/core/walk/index.js'
import {
  parseRouteEdit,
  parseRuleEdit,
  parseSetEdit,
  type WhatIfEdit,
} from '../../src/core/whatif/index.js'
import { assembleExample, events, exampleText, expectRoundTrip, ns } from './seed-kit.js'

const FILE = '000-underlay-pod-clusterip-ipvs.yaml'
const state = assembleExample(FILE)
const WORKER = 'node-k8s-worker-02'

describe('seed 000 in IPVS mode: what kube-proxy leaves on the worker', () => {
  const worker = ns(state, WORKER)

  it('kube-ipvs0 holds every ClusterIP, down and NOARP', () => {
    const link = worker.links.find((l) => l.name === 'kube-ipvs0')
    expect(link).toMatchObject({ kind: 'dummy', up: false, noarp: true })
    expect(
      worker.addresses
        .filter((a) => a.iface === 'kube-ipvs0')
        .map((a) => `${a.local}/${a.prefixLen} ${a.scope}`),
    ).toEqual(['10.96.0.10/32 global', '10.96.0.1/32 global'])
    // The kernel's local route makes 10.96.0.1 an address of the node, link down or not.
    expect(worker.routes.find((r) => r.type === 'local' && r.dst === '10.96.0.1')?.dev).toBe(
      'kube-ipvs0',
    )
    expect(worker.sysctls['net.ipv4.conf.all.arp_ignore'] ?? '0').toBe('0')
  })

  it('ipvsadm -ln: TCP 10.96.0.1:443 rr -> 192.168.0.101:6443 Masq 1', () => {
    const vs = worker.ipvs?.services.find(
      (s) => s.key.kind === 'addr' && s.key.address === '10.96.0.1' && s.key.port === 443,
    )
    expect(vs?.scheduler).toBe('rr')
    expect(vs?.destinations).toEqual([
      { address: '192.168.0.101', port: 6443, weight: 1, forward: 'masq' },
    ])
  })

  it('KUBE-CLUSTER-IP and the IPVS-mode rules that use it', () => {
    const set = worker.ipsets.find((s) => s.name === 'KUBE-CLUSTER-IP')
    expect(set?.members.map((m) => m.elem)).toEqual(['10.96.0.10,udp:53', '10.96.0.1,tcp:443'])
    const nat = worker.iptables.ipv4?.tables.find((t) => t.name === 'nat')
    expect(nat?.chains.find((c) => c.name === 'KUBE-SERVICES')?.rules.length).toBeGreaterThan(2)
    expect(worker.sysctls['net.ipv4.vs.conntrack']).toBe('1')
  })
})

const POD = 'pod-default-test' // 192.168.0.31 on mybr0 of the worker
const MASTER = 'node-k8s-master-01' // 192.168.0.101, kube-apiserver on 6443
const inputs = [{ file: FILE, text: exampleText(FILE) }]

/** Fix 1 of the seed: `ip route add 10.96.0.0/12 dev eth0` in the pod. */
const ROUTE = parseRouteEdit('pod/test:10.96.0.0/12 dev eth0')
const NO_BR_NF = parseSetEdit(`node/k8s-worker-02:sysctl.net.bridge.bridge-nf-call-iptables=0`)
/** The pod network covering the pods: kube-proxy no longer masquerades their Service traffic. */
const NO_MASQ = parseSetEdit('kube-proxy:clusterCIDR=192.168.0.0/24')
/** KUBE-IPVS-FILTER's REJECT (kubernetes#108460, kube-proxy ≥ v1.25): not in the seed's kube-proxy. */
const NO_IPVS_FILTER = parseRuleEdit(
  'node/k8s-worker-02:-D KUBE-IPVS-FILTER -m conntrack --ctstate NEW -m set --match-set KUBE-IPVS-IPS dst -j REJECT --reject-with icmp-port-unreachable',
)

function trace(edits: readonly WhatIfEdit[] = [], proto: 'tcp' | 'icmp' = 'tcp'): ClusterBranch {
  const to = proto === 'tcp' ? 'svc/default/kubernetes' : '10.96.0.1'
  const r = traceBetween({ inputs, from: 'pod/test', to, proto, edits })
  expect(r.trace.branches).toHaveLength(1)
  return r.trace.branches[0] as ClusterBranch
}

const ipvsLines = (b: ClusterBranch) =>
  b.hops.flatMap((h) =>
    h.netfilter.filter((l) => l.includes('IPVS')).map((l) => `${h.netns}: ${l}`),
  )

describe('seed 000 in IPVS mode: the pod → 10.96.0.1:443 fails as observed', () => {
  it('bridged by mybr0 to the gateway, never seen by IPVS, lost at the gateway', () => {
    for (const edits of [[], [NO_BR_NF]]) {
      const b = trace(edits)
      expect(b.hops[0]?.arp).toMatch(/who-has 192\.168\.0\.1 .*rtr-gw eth0 answered/)
      expect(b.hops[1]).toMatchObject({ netns: WORKER, kind: 'bridge', inIface: 'mybr0' })
      expect(b.hops[1]?.packet.dst).toBe('10.96.0.1')
      expect(ipvsLines(b)).toEqual([])
      expect(b.outcome).toMatchObject({ kind: 'dropped', netns: 'rtr-gw' })
      expect(b.hops.some((h) => h.netns === MASTER)).toBe(false)
    }
  })

  it("with br_netfilter the bridged frame meets kube-proxy's iptables rules (no DNAT in IPVS mode), still not IPVS", () => {
    const nat = events(trace().hops[1])
    expect(nat.some((l) => l.startsWith('nat(PREROUTING): DNAT'))).toBe(false)
    expect(nat.some((l) => l.includes('IPVS'))).toBe(false)
  })
})

describe("seed 000 in IPVS mode: the author's route `10.96.0.0/12 dev eth0`", () => {
  it('mybr0 answers the ARP for 10.96.0.1 with the NIC MAC, as the seed captured', () => {
    const b = trace([ROUTE], 'icmp')
    expect(b.hops[0]?.arp).toBe(
      'ARP who-has 10.96.0.1 tell 192.168.0.31 on dev eth0: node-k8s-worker-02 mybr0 answered 00:0c:29:4b:22:09 (local)',
    )
    expect(b.hops[1]).toMatchObject({ netns: WORKER, kind: 'ip', dstMac: '00:0c:29:4b:22:09' })
  })

  it("ping: the seed's kube-proxy answers the echo from 10.96.0.1 (IPVS does not take ICMP)", () => {
    const b = trace([ROUTE, NO_IPVS_FILTER], 'icmp')
    expect(b.outcome).toMatchObject({ kind: 'delivered', netns: WORKER })
    expect(b.reply?.outcome).toMatchObject({ kind: 'delivered', netns: POD })
    // tcpdump: 10.96.0.1 > 192.168.0.31: ICMP echo reply, from the NIC's MAC.
    const last = b.reply?.hops.at(-1)
    expect(last).toMatchObject({ srcMac: '00:0c:29:4b:22:09', packet: { src: '10.96.0.1' } })
  })

  it('ping with kube-proxy ~v1.33: KUBE-IPVS-FILTER rejects it; the node still answers, port unreachable', () => {
    const b = trace([ROUTE], 'icmp')
    expect(b.outcome).toMatchObject({ kind: 'dropped', netns: WORKER, where: 'filter INPUT' })
    expect(b.reply?.error).toMatchObject({ netns: WORKER, icmpType: 3, icmpCode: 3 })
    expect(b.reply?.outcome).toMatchObject({ kind: 'delivered', netns: POD })
  })

  it('TCP: IPVS schedules at INPUT, masquerades (the pod is outside clusterCIDR), the reply comes back through the node', () => {
    const b = trace([ROUTE])
    expect(ipvsLines(b)).toEqual(
      expect.arrayContaining([
        `${WORKER}: IPVS: TCP 10.96.0.1:443 rr → 192.168.0.101:6443 (masq), new connection`,
        `${WORKER}: nat(INPUT): IPVS DNAT 10.96.0.1:443 -> 192.168.0.101:6443`,
      ]),
    )
    expectRoundTrip(
      b,
      { netns: MASTER, port: 6443, serverSaw: { src: '192.168.0.102' } },
      { netns: POD, serverSaw: { src: '10.96.0.1', sport: 443 } },
    )
  })

  it('TCP without masquerade: the reply goes straight to the pod; un-NATed by IPVS on the bridge with br_netfilter, refused without', () => {
    const b = trace([ROUTE, NO_MASQ])
    expect(b.outcome).toMatchObject({ kind: 'delivered', serverSaw: { src: '192.168.0.31' } })
    const back = b.reply?.hops.find((h) => h.netns === WORKER)
    expect(back?.kind).toBe('bridge')
    expect(events(back)).toContain('nat(FORWARD): IPVS un-DNAT 192.168.0.101:6443 -> 10.96.0.1:443')
    expect(b.reply?.outcome).toMatchObject({ kind: 'delivered', netns: POD })
    const off = trace([ROUTE, NO_MASQ, NO_BR_NF])
    expect(off.reply?.outcome).toMatchObject({ kind: 'refused', netns: POD })
    expect(off.reply?.hops.at(-1)?.packet).toMatchObject({ src: '192.168.0.101', sport: 6443 })
  })
})

describe('seed 000 in IPVS mode: kpath explain', () => {
  const verdicts = (edits: readonly WhatIfEdit[]) => {
    const x = explainBetween({ inputs, from: 'pod/test', to: 'svc/default/kubernetes', edits })
    expect(x.ok).toBe(false)
    expect(x.findings).toHaveLength(1)
    return x.findings[0]
  }

  it('names the missing step (a route handing 10.96.0.1 to the node) and verifies the fixes', () => {
    const f = verdicts([])
    expect(f?.cause).toBe('ipvs-bridged')
    expect(f?.sentence).toContain('node k8s-worker-02 holds 10.96.0.1 on kube-ipvs0')
    expect(f?.sentence).toContain('IPVS takes only packets routed to a local address (LOCAL_IN)')
    expect(f?.evidence).toMatchObject({ walk: 'request', hop: 1, netns: WORKER })
    expect(f?.fixes.map((x) => [x.works, x.edits.map((e) => e.source.text)])).toEqual([
      [true, ['pod/default/test:10.96.0.0/12 via 192.168.0.102']],
      [
        true,
        [
          'topology:spec.cniConfig.plugins[0].ipam.routes=[{"dst":"0.0.0.0/0"},{"dst":"10.96.0.0/12","gw":"192.168.0.102"}]',
        ],
      ],
      [true, ['pod/default/test:10.96.0.0/12 dev eth0']],
    ])
    // br_netfilter is not offered: it runs iptables on the bridged frame, never IPVS.
    expect(verdicts([NO_BR_NF])?.fixes.some((x) => x.title.includes('bridge-nf'))).toBe(false)
  })

  it('the reply bypassing IPVS (no masquerade, no br_netfilter): named, three fixes verified', () => {
    const f = verdicts([ROUTE, NO_MASQ, NO_BR_NF])
    expect(f?.cause).toBe('ipvs-reply-bypassed')
    expect(f?.sentence).toContain(
      'crosses node k8s-worker-02 only as a frame bridged on mybr0 with net.bridge.bridge-nf-call-iptables=0',
    )
    expect(
      f?.fixes.map((x) => `${x.works ? '✓' : '✗'} ${x.edits.map((e) => e.source.text).join(' ')}`),
    ).toEqual([
      '✓ node/k8s-worker-02:sysctl.net.bridge.bridge-nf-call-iptables=1',
      '✓ kube-proxy:clusterCIDR=10.244.0.0/16',
      '✓ kube-proxy:iptables.masqueradeAll=true',
    ])
  })
})
