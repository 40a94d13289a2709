/**
 * `explainBetween`, one test per cause, each on a scenario where the cause really happens: the
 * seed examples (examples/seeds) where they fit, small clusters in testdata/ otherwise, some
 * broken the way the seed authors broke theirs (`sysctl -w`, a label typo) with what-if edits.
 * Each test checks the cause sentence's key facts (node, rule or sysctl, object) and which of
 * the proposed fixes the re-trace says work.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { REPO_ROOT } from '../../../test/support/shared.js'
import { parseSegmentSpec } from '../walk/index.js'
import { formatEdit, parseRuleEdit, parseSetEdit, type WhatIfEdit } from '../whatif/index.js'
import { explainBetween } from './explain.js'
import { explainText } from './text.js'
import type { ExplainOptions, ExplainReport } from './types.js'

const seed = (f: string) => readFileSync(join(REPO_ROOT, 'examples/seeds', f), 'utf8')
const fixture = (f: string) => readFileSync(join(import.meta.dirname, 'testdata', f), 'utf8')

type Opts = Omit<ExplainOptions, 'inputs' | 'from' | 'to'>

function explain(text: string, from: string, to: string, o: Opts = {}): ExplainReport {
  return explainBetween({ inputs: [{ file: 'cluster.yaml', text }], from, to, ...o })
}

function only(x: ExplainReport) {
  expect(x.findings).toHaveLength(1)
  return x.findings[0] as NonNullable<(typeof x.findings)[0]>
}

/** Each fix as `✓ --set …` / `✗ --set …` (its options joined). */
function verdicts(x: ExplainReport): string[] {
  return only(x).fixes.map((f) => `${f.works ? '✓' : '✗'} ${f.edits.map(formatEdit).join(' ')}`)
}

const set = (...texts: string[]): WhatIfEdit[] => texts.map((t) => parseSetEdit(t))

describe('explain: rp_filter (seed 003)', () => {
  const x = explain(seed('003-flannel-udp-rp-filter.yaml'), 'node/slave1', 'svc/default/heapster')

  it('names the node, the sysctl, the device and the route back', () => {
    expect(x.ok).toBe(false)
    const f = only(x)
    expect(f.cause).toBe('rp-filter')
    expect(f.sentence).toBe(
      'rp_filter=1 on node slave2 drops packets from 10.39.0.17 arriving on flannel0, because its route back to 10.39.0.17 leaves by eth0',
    )
    expect(f.evidence).toMatchObject({ walk: 'request', netns: 'node-slave2' })
  })

  it('loose mode on slave2 alone is not enough (the reply dies on slave1); the others work', () => {
    expect(verdicts(x)).toEqual([
      '✗ --set node/slave2:sysctl.net.ipv4.conf.all.rp_filter=2',
      '✓ --set node/slave1:sysctl.net.ipv4.conf.all.rp_filter=2 --set node/slave2:sysctl.net.ipv4.conf.all.rp_filter=2',
      '✓ --set kube-proxy:clusterCIDR=192.168.0.0/16',
      `✓ --add-route 'node/slave1:10.254.51.153/32 dev flannel0'`,
    ])
    expect(only(x).fixes[0]?.result).toBe(
      'the reply is dropped in node slave1 at node-slave1 routing: rp_filter',
    )
  })

  it('prints the cause, the evidence and each fix with ✓ or ✗', () => {
    const text = explainText(x)
    expect(text).toContain('not working: 1 of 1 branch fails')
    expect(text).toContain('cause: rp_filter=1 on node slave2 drops packets from 10.39.0.17')
    expect(text).toContain('  ✗ loose reverse-path filtering (rp_filter=2) on node slave2')
    expect(text).toContain('      --set kube-proxy:clusterCIDR=192.168.0.0/16')
  })
})

describe('explain: asymmetric return path', () => {
  const x = explain(fixture('asymmetric-return.yaml'), 'external/client', 'svc/default/web')

  it('the reply from the remote endpoint bypasses the node holding the DNAT', () => {
    expect(x.failed).toBe(1)
    const f = only(x)
    expect(f.cause).toBe('asymmetric-return')
    expect(f.sentence).toBe(
      'the reply from 10.244.1.5 goes straight to 203.0.113.10 by node beta (eth0), bypassing node alpha where the DNAT of 10.96.0.10:80 to 10.244.1.5:8080 is tracked; the client sees a SYN-ACK from an address it never called and resets it',
    )
    expect(f.evidence).toMatchObject({ walk: 'reply', netns: 'ext-client' })
  })

  it('masquerading (kube-proxy clusterCIDR, masqueradeAll, or a rule on alpha) fixes it', () => {
    expect(verdicts(x)).toEqual([
      '✓ --set kube-proxy:clusterCIDR=10.244.0.0/16',
      '✓ --set kube-proxy:iptables.masqueradeAll=true',
      `✓ --add-rule 'node/alpha:-t nat -A POSTROUTING -s 203.0.113.10/32 -m conntrack --ctstate DNAT -j MASQUERADE'`,
    ])
  })
})

describe('explain: ip_forward off (seed 001, `sysctl -w net.ipv4.ip_forward=0` on node2)', () => {
  it('names the sysctl, the node and the device the packet came in on; turning it on works', () => {
    const x = explain(seed('001-kube-router.yaml'), 'pod/busybox1', 'pod/busybox3', {
      proto: 'icmp',
      edits: set('node/node2:sysctl.net.ipv4.ip_forward=0'),
    })
    const f = only(x)
    expect(f.cause).toBe('ip-forward-off')
    expect(f.sentence).toBe(
      'net.ipv4.ip_forward=0 on node node2: it does not forward the packet from 10.233.66.10 to 10.233.68.7 that arrived on kube-bridge',
    )
    expect(verdicts(x)).toEqual(['✓ --set node/node2:sysctl.net.ipv4.ip_forward=1'])
  })
})

describe('explain: missing route (seed 000, no netfilter on bridged frames)', () => {
  it('the router has no route to the untranslated ClusterIP; br_netfilter or a route fixes it', () => {
    const x = explain(
      seed('000-underlay-pod-clusterip.yaml'),
      'pod/test',
      'svc/default/kubernetes',
      {
        edits: set('node/k8s-worker-02:sysctl.net.bridge.bridge-nf-call-iptables=0'),
      },
    )
    const f = only(x)
    expect(f.cause).toBe('missing-route')
    expect(f.sentence).toContain(
      'router gw has no route to 10.96.0.1 (the ClusterIP of Service default/kubernetes)',
    )
    expect(f.sentence).toContain(
      "it was bridged there with net.bridge.bridge-nf-call-iptables=0, so kube-proxy's rules never saw it",
    )
    expect(f.sentence).toContain('left node k8s-worker-02 untranslated')
    expect(verdicts(x)).toEqual([
      '✓ --set node/k8s-worker-02:sysctl.net.bridge.bridge-nf-call-iptables=1',
      `✓ --add-route 'router/gw:10.96.0.0/12 via 192.168.0.101'`,
    ])
  })
})

describe('explain: Services without endpoints', () => {
  const text = fixture('two-nodes.yaml')

  it('a selector matching no pod (a label typo): REJECT; the label the pods carry works', () => {
    const x = explain(text, 'node/alpha', 'svc/default/web', {
      edits: set('svc/default/web:spec.selector.app=wbe'),
    })
    const f = only(x)
    expect(f.cause).toBe('selector-matches-no-pods')
    expect(f.sentence).toBe(
      'Service default/web has no endpoints: its selector app=wbe matches no pod in namespace default, so kube-proxy rejects connections to it on node alpha ("default/web:http has no endpoints")',
    )
    expect(f.evidence.line).toContain('-j REJECT --reject-with icmp-port-unreachable')
    expect(verdicts(x)).toEqual(['✓ --set svc/default/web:spec.selector.app=web'])
  })

  it('pods selected but not Ready: no endpoints, and no fix kpath can make for them', () => {
    const notReady = 'status.conditions=[{type: Ready, status: "False"}]'
    const x = explain(text, 'node/alpha', 'svc/default/web', {
      edits: set(`pod/web-a:${notReady}`, `pod/web-b:${notReady}`),
    })
    const f = only(x)
    expect(f.cause).toBe('service-no-endpoints')
    expect(f.sentence).toContain(
      'the pods its selector matches (web-a, web-b) are not ready endpoints',
    )
    expect(f.fixes).toEqual([])
  })

  it('externalTrafficPolicy=Local on a node without an endpoint: DROP; Cluster works', () => {
    const x = explain(text, 'external/client', 'node/beta', {
      port: 30080,
      edits: set(
        'svc/default/web:spec.externalTrafficPolicy=Local',
        'pod/web-b:metadata.labels.app=db',
      ),
    })
    const f = only(x)
    expect(f.cause).toBe('etp-local-no-endpoint')
    expect(f.sentence).toBe(
      'Service default/web has externalTrafficPolicy=Local and no endpoint on node beta: kube-proxy drops traffic to port 30080 there ("default/web:http has no local endpoints"); its endpoints run on node alpha',
    )
    expect(f.evidence.line).toContain('-A KUBE-EXTERNAL-SERVICES')
    expect(verdicts(x)).toEqual(['✓ --set svc/default/web:spec.externalTrafficPolicy=Cluster'])
  })
})

describe('explain: hairpin', () => {
  it("a pod calling its own Service needs hairpin mode on its bridge port; the bridge plugin's hairpinMode works", () => {
    const x = explain(fixture('bridge-hairpin-off.yaml'), 'pod/web-0', 'svc/default/web')
    const f = only(x)
    expect(f.cause).toBe('hairpin-off')
    expect(f.sentence).toMatch(
      /^pod default\/web-0 reaches its own Service default\/web and is DNATed back to itself; node solo's bridge cni0 must send the frame back out of veth\w+, the port it came in on, and hairpin mode is off on that port$/,
    )
    expect(verdicts(x)).toEqual([`✓ --set 'topology:spec.cniConfig.plugins[0].hairpinMode=true'`])
  })
})

describe('explain: a NodePort on localhost', () => {
  it('without route_localnet the DNATed packet keeps a loopback source the kernel will not route', () => {
    const x = explain(fixture('two-nodes.yaml'), 'node/beta', '127.0.0.1', {
      port: 30080,
      edits: set('node/beta:sysctl.net.ipv4.conf.all.route_localnet=0'),
    })
    const f = only(x)
    expect(f.cause).toBe('localhost-nodeport-route-localnet')
    expect(f.sentence).toBe(
      "Service default/web's NodePort 30080 on 127.0.0.1 is DNATed on node beta, but net.ipv4.conf.all.route_localnet=0 there: the kernel will not route a packet with the loopback source 127.0.0.1 to another host",
    )
    expect(verdicts(x)).toEqual(['✓ --set node/beta:sysctl.net.ipv4.conf.all.route_localnet=1'])
  })
})

describe('explain: MTU too small for the encapsulation', () => {
  it("pods at MTU 1500 over VXLAN's flannel.1 (1450): a 1500-byte ping stops at the node", () => {
    const x = explain(fixture('pod-mtu-1500.yaml'), 'pod/web-a', 'pod/web-b', {
      proto: 'icmp',
      size: 1500,
    })
    const f = only(x)
    expect(f.cause).toBe('mtu-encapsulation')
    expect(f.sentence).toBe(
      "a 1500-byte packet with DF set does not fit the MTU 1450 of flannel.1 on node alpha (VXLAN encapsulation takes its overhead from the underlay's MTU); pod default/web-a's eth0 has MTU 1500, more than the tunnel carries",
    )
    expect(f.fixes).toHaveLength(1)
    expect(f.fixes[0]).toMatchObject({
      works: true,
      result:
        "the sender's MTU is now 1450; a 1450-byte packet: delivered and answered on the only branch",
    })
    expect(formatEdit(f.fixes[0]?.edits[0] as WhatIfEdit)).toContain(
      'cm/kube-flannel/kube-flannel-cfg:data["cni-conf.json"]=',
    )
  })
})

describe('explain: Calico gateway 169.254.1.1 (seed 004, node without a default route)', () => {
  it('the node does not proxy-ARP for an address it has no route for; a route covering it works', () => {
    const text = seed('004-calico-native.yaml').replace(
      '  - {name: master, iface: ens33}',
      '  - {name: master, iface: ens33, gateway: none}',
    )
    const x = explain(text, 'pod/test/pod1', 'pod/test/pod2')
    const f = only(x)
    expect(f.cause).toBe('proxy-arp-gateway')
    expect(f.sentence).toMatch(
      /^node master does not answer pod test\/pod1's ARP for its gateway 169\.254\.1\.1: proxy_arp on cali\w+ answers only for an address the node routes out of another device, and node master has no route covering 169\.254\.1\.1 \(no default route\)$/,
    )
    expect(verdicts(x)).toEqual([
      `✓ --add-route 'node/master:169.254.1.1 dev ens33'`,
      `✓ --add-route 'node/master:default via 192.168.43.2'`,
    ])
  })
})

describe("explain: the client's address lost to masquerade", () => {
  const text = fixture('two-nodes.yaml')
  const o = { port: 30080 }

  it('with --keep-source, a NodePort with externalTrafficPolicy=Cluster fails; Local works', () => {
    const x = explain(text, 'external/client', 'node/alpha', { ...o, keepSource: true })
    expect(x.ok).toBe(false)
    expect(x.findings.map((f) => f.cause)).toEqual(['source-ip-masqueraded'])
    const f = only(x)
    expect(f.sentence).toMatch(
      /^Service default\/web's NodePort traffic is masqueraded on node alpha \(externalTrafficPolicy=Cluster\): the server sees 10\.244\.0\.\d+ instead of the client's 203\.0\.113\.10$/,
    )
    expect(verdicts(x)).toEqual(['✓ --set svc/default/web:spec.externalTrafficPolicy=Local'])
    expect(f.fixes[0]?.result).toContain('the server seeing 203.0.113.10')
  })

  it('without it the connection works (exit 0) and the masquerade is still reported', () => {
    const x = explain(text, 'external/client', 'node/alpha', o)
    expect(x.ok).toBe(true)
    expect(x.failed).toBe(0)
    expect(x.findings.map((f) => f.cause)).toEqual(['source-ip-masqueraded'])
  })
})

describe('explain: a working path', () => {
  it('reports nothing to fix', () => {
    const x = explain(fixture('two-nodes.yaml'), 'pod/web-a', 'svc/default/web')
    expect(x).toMatchObject({ ok: true, failed: 0, findings: [] })
    expect(explainText(x)).toContain('delivered and answered on all 2 branches')
  })
})

describe('explain: conntrack INVALID (kubernetes#74839)', () => {
  const text = fixture('conntrack-invalid.yaml')
  // After the handshake the server sends a full segment 200000 bytes beyond the client window.
  const segments = [parseSegmentSpec('server:PSH+ACK,seq=200001,len=1398')]
  const invalidDrop =
    '-A KUBE-FORWARD -m conntrack --ctstate INVALID -m nfacct --nfacct-name ct_state_invalid_dropped_pkts -j DROP'

  it("names the node, conntrack's reason and kube-proxy's DROP; be_liberal on every node works", () => {
    const x = explain(text, 'pod/default/client', 'svc/default/web', { segments })
    expect(x.ok).toBe(false)
    const f = only(x)
    expect(f.cause).toBe('conntrack-invalid')
    expect(f.sentence).toBe(
      "conntrack on node beta marks the server's segment PSH/ACK seq=200001 len=1398 INVALID (SEQ is over upper bound 2064258 (over the window of the receiver)); kube-proxy's KUBE-FORWARD drops it (kubernetes#74839)",
    )
    expect(f.evidence).toMatchObject({ walk: 'segment', netns: 'node-beta' })
    expect(f.evidence.line).toMatch(/^-A KUBE-FORWARD -m conntrack --ctstate INVALID .* -j DROP$/)
    // alpha, where the DNAT is, sees the segment next and marks it INVALID too.
    expect(verdicts(x)).toEqual([
      '✗ --set node/beta:sysctl.net.netfilter.nf_conntrack_tcp_be_liberal=1',
      '✓ --set node/alpha:sysctl.net.netfilter.nf_conntrack_tcp_be_liberal=1 --set node/beta:sysctl.net.netfilter.nf_conntrack_tcp_be_liberal=1',
    ])
    expect(f.fixes[0]?.result).toContain(
      "the server's segment PSH/ACK seq=200001 len=1398 is dropped in node alpha",
    )
  })

  it('without the DROP rule (older kube-proxy) the client resets the connection', () => {
    const edits = ['alpha', 'beta'].map((n) =>
      parseRuleEdit(`node/${n}:-D ${invalidDrop.slice(3)}`),
    )
    const x = explain(text, 'pod/default/client', 'svc/default/web', { segments, edits })
    const f = only(x)
    expect(f.cause).toBe('conntrack-invalid')
    expect(f.sentence).toContain(
      'it reaches the client from 10.244.1.5, an address the client never called',
    )
    const seg = x.trace.trace.branches[0]?.segments?.[1]
    expect(seg?.outcome.kind).toBe('refused')
    // The client's RST reaches the server pod: the connection is reset there.
    expect(seg?.reset?.outcome).toMatchObject({ kind: 'delivered', netns: 'pod-default-web-b' })
    expect(verdicts(x).at(-1)).toMatch(/^✓ /)
  })

  it('an in-window segment is delivered and explains nothing', () => {
    const inWindow = [parseSegmentSpec('server:PSH+ACK,len=1398')]
    const x = explain(text, 'pod/default/client', 'svc/default/web', { segments: inWindow })
    expect(x.ok).toBe(true)
    expect(x.findings).toEqual([])
  })
})
