/**
 * `kpath trace` across a cluster and the namespace views of `kpath show`, end to end on
 * examples/clusters/flannel-vxlan.yaml (2 nodes, flannel VXLAN, Deployment web ×3, Service web).
 */
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { kpath } from './support/cli.js'
import { REPO_ROOT } from './support/shared.js'

const CLUSTER = join(REPO_ROOT, 'examples/clusters/flannel-vxlan.yaml')

interface JsonBranch {
  probability: number
  decisions: unknown[]
  hops: { netns: string; kind: string; packet: { src: string; dst: string; ttl: number } }[]
  outcome: { kind: string; netns: string; port?: number; ttlAtArrival?: number }
  reply?: { outcome: { kind: string; serverSaw?: { src: string; sport?: number } } }
}

describe('kpath trace', () => {
  it('node → ClusterIP: one branch per endpoint, rules quoted, VXLAN to the remote pod, exit 0', () => {
    const r = kpath('trace', CLUSTER, '--from', 'node/alpha', '--to', 'svc/default/web:http')
    expect(r.code).toBe(0)
    expect(r.stdout).toContain('IP 10.39.0.11.40000 > 10.96.0.10.80: Flags [S], ttl 64, length 60')
    expect(r.stdout).toContain('branch 3 of 3, probability 0.333333')
    expect(r.stdout).toMatch(
      /TRACE: nat:KUBE-SERVICES:rule:\d+ {2}-A KUBE-SERVICES -d 10\.96\.0\.10\/32/,
    )
    expect(r.stdout).toContain('encap: vxlan vni 1: 10.39.0.11:')
    expect(r.stdout).toContain('Flags [S.]')
    // Cross-node via VXLAN: one IP forward (node beta) before the pod: TTL 63 (kernel-lab §4).
    expect(r.stdout).toMatch(/=> delivered to pod default\/web-\S+ port 8080; .* TTL 63 at arrival/)
    expect(r.stdout).toContain('it saw the packet from 10.96.0.10:80')
    expect(r.stdout).not.toContain('\u001b[')
  })

  it('--json prints the ClusterTrace of docs/TRACE-JSON.md', () => {
    const r = kpath('trace', CLUSTER, '--from', 'node/alpha', '--to', 'svc/default/web', '--json')
    expect(r.code).toBe(0)
    const j = JSON.parse(r.stdout) as { branches: JsonBranch[] }
    expect(j.branches).toHaveLength(3)
    expect(j.branches.reduce((p, b) => p + b.probability, 0)).toBeCloseTo(1, 9)
    for (const b of j.branches) {
      expect(b.outcome).toMatchObject({ kind: 'delivered', port: 8080 })
      expect(b.hops[0]).toMatchObject({ netns: 'node-alpha', kind: 'send' })
      expect(b.reply?.outcome).toMatchObject({
        kind: 'delivered',
        serverSaw: { src: '10.96.0.10', sport: 80 },
      })
    }
    const netns = new Set(j.branches.map((b) => b.outcome.netns))
    expect(netns.size).toBe(3)
  })

  it('--sample follows one branch of the enumeration', () => {
    const r = kpath(
      'trace',
      CLUSTER,
      '--from',
      'node/alpha',
      '--to',
      'svc/default/web',
      '--json',
      '--sample',
      '3',
    )
    const j = JSON.parse(r.stdout) as { branches: JsonBranch[] }
    expect(j.branches).toHaveLength(1)
    expect(j.branches[0]?.probability).toBeCloseTo(1 / 3, 6)
  })

  it('pod → pod by IP with ICMP crosses nodes and comes back', () => {
    const r = kpath(
      'trace',
      CLUSTER,
      '--from',
      '10.244.1.2',
      '--to',
      '10.244.0.2',
      '--proto',
      'icmp',
    )
    expect(r.code).toBe(0)
    expect(r.stdout).toContain('IP 10.244.1.2 > 10.244.0.2: ICMP echo request, ttl 64, length 84')
    expect(r.stdout).toContain('IP 10.244.0.2 > 10.244.1.2: ICMP echo reply, ttl 64, length 84')
    expect(r.stdout).toContain('TTL 62 at arrival')
  })

  it('exits 1 when nothing listens (refused, RST back) or the packet is dropped', () => {
    const refused = kpath(
      'trace',
      CLUSTER,
      '--from',
      'external/client',
      '--to',
      'node/beta',
      '--port',
      '9999',
    )
    expect(refused.code).toBe(1)
    expect(refused.stdout).toContain('=> refused by node beta: nothing listens on port 9999')
    expect(refused.stdout).toContain('IP 10.39.0.12.9999 > 203.0.113.10.40000: Flags [R.]')
    // The default router has no route to the Service network.
    const dropped = kpath('trace', CLUSTER, '--from', 'external/client', '--to', 'svc/default/web')
    expect(dropped.code).toBe(1)
    expect(dropped.stdout).toContain(
      '=> dropped in router gw at rtr-gw routing: network unreachable',
    )
    // ip_error: the router answers ICMP network unreachable, walked back to the client.
    expect(dropped.stdout).toContain('reply: ICMP network unreachable, sent by router gw:')
  })

  it('exits 2 on unknown references, listing what exists', () => {
    const pod = kpath('trace', CLUSTER, '--from', 'pod/nope', '--to', 'node/beta')
    expect(pod.code).toBe(2)
    expect(pod.stderr).toMatch(/no pod default\/nope .*\nhint: known: pod\/default\/web-/)
    const svc = kpath('trace', CLUSTER, '--from', 'node/alpha', '--to', 'svc/default/web:grpc')
    expect(svc.code).toBe(2)
    expect(svc.stderr).toContain('known: http/80')
    const bad = kpath('trace', CLUSTER, '--from', 'host:alpha', '--to', 'node/beta')
    expect(bad.code).toBe(2)
    expect(bad.stderr).toContain('cannot read the reference host:alpha')
    expect(bad.stderr).not.toMatch(/\n\s+at /)
    expect(kpath('trace', CLUSTER, '--from', 'node/alpha').code).toBe(2)
  })
})

describe('kpath show (namespace views)', () => {
  const on = (view: string, ...more: string[]) =>
    kpath('show', view, CLUSTER, '--node', 'beta', ...more)

  it.each([
    ['routes', '10.244.0.0/24 via 10.244.0.0 dev flannel.1 onlink'],
    ['routes', 'local 10.39.0.12 dev eth0 table local proto kernel scope host src 10.39.0.12'],
    ['addr', 'inet 10.39.0.12/24 brd 10.39.0.255 scope global eth0'],
    ['link', 'vxlan id 1 local 10.39.0.12 dev eth0'],
    ['neigh', '10.244.0.0 dev flannel.1 lladdr'],
    ['rules', '32766:\tfrom all lookup main'],
    ['sysctl', 'net.bridge.bridge-nf-call-iptables = 1'],
    ['fdb', 'dev flannel.1 dst 10.39.0.11 self permanent'],
    ['iptables', '-A FLANNEL-FWD -s 10.244.0.0/16'],
    ['iptables', '-A KUBE-SERVICES -d 10.96.0.10/32'],
  ])('%s prints the tool listing (%s)', (view, line) => {
    const r = on(view)
    expect(r.code).toBe(0)
    expect(r.stdout).toContain(line)
  })

  it('ipsets is empty for flannel with kube-proxy iptables mode', () => {
    const r = on('ipsets')
    expect(r.code).toBe(0)
    expect(r.stdout).toBe('')
  })

  it('-j prints iproute2 JSON', () => {
    const routes = JSON.parse(on('routes', '-j').stdout) as { dst: string; dev?: string }[]
    expect(routes).toContainEqual(
      expect.objectContaining({ dst: '10.244.0.0/24', dev: 'flannel.1' }),
    )
    const links = JSON.parse(on('link', '-j').stdout) as { ifname: string }[]
    expect(links.map((l) => l.ifname)).toContain('flannel.1')
  })

  it('--pod shows a pod namespace; unknown pods and the wrong mode exit 2', () => {
    const r = kpath('show', 'addr', CLUSTER, '--pod', '10.244.1.2')
    expect(r.code).toBe(2)
    const pods = kpath('show', 'addr', CLUSTER, '--pod', 'nope').stderr
    const name = /pod\/default\/(web-[a-z0-9-]+)/.exec(pods)?.[1] ?? ''
    const ok = kpath('show', 'addr', CLUSTER, '--pod', `default/${name}`)
    expect(ok.code).toBe(0)
    expect(ok.stdout).toMatch(/inet 10\.244\.\d\.\d+\/24 brd 10\.244\.\d\.255 scope global eth0/)
    expect(on('nft').code).toBe(2)
    expect(kpath('show', 'routes', CLUSTER).stderr).toContain('nodes in the input: alpha, beta')
  })
})
