/**
 * The seeds' listings, reproduced: seed 002 (IPIP CrossSubnet, /24 blocks) and seed 004 (Calico
 * v3.22 native routing, natOutgoing). Listings quoted below are copied from the write-ups.
 */
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import type { Route } from '../../model/netns.js'
import { parseIptablesSave, printIptablesSave } from '../../netfilter/iptables-save/index.js'
import { calicoPlugin } from './plugin.js'
import { renderScenario, SCENARIOS } from './testkit.js'

function scenario(name: string) {
  const s = SCENARIOS.find((x) => x.name === name)
  if (!s) throw new Error(name)
  return renderScenario(s, readFileSync(new URL(`./testdata/${s.file}`, import.meta.url), 'utf8'))
}

/** `ip route` spelling of the shapes the model makes (proto boot and scope global unprinted). */
function show(r: Route): string {
  const dst = r.dst.endsWith('/32') ? r.dst.slice(0, -3) : r.dst
  const parts = [r.type === 'blackhole' ? `blackhole ${dst}` : dst]
  if (r.via) parts.push(`via ${r.via}`)
  if (r.dev) parts.push(`dev ${r.dev}`)
  if (r.proto && r.proto !== 'boot') parts.push(`proto ${r.proto}`)
  if (r.scope === 'link') parts.push('scope link')
  if (r.onlink) parts.push('onlink')
  return parts.join(' ')
}

/** The main table's dump order: by destination address, then prefix length. */
function byDestination(a: Route, b: Route): number {
  const key = (r: Route) => {
    const [addr = '', len = '32'] = r.dst.split('/')
    return addr.split('.').reduce((n, o) => n * 256 + Number(o), 0) * 64 + Number(len)
  }
  return key(a) - key(b)
}

function nodeView(name: string) {
  const { cluster, ctx, u, fragment } = scenario(name)
  const pods = cluster.pods.filter((p) => p.spec.nodeName === u.node.metadata.name)
  const wiring = pods.map((p) => calicoPlugin.pod(ctx, p, u))
  const routes = [...(fragment.routes ?? []), ...wiring.flatMap((w) => w.host.routes ?? [])]
  return { cluster, ctx, fragment, wiring, routes: routes.sort(byDestination).map(show) }
}

describe('seed 002: slave1, IPIP CrossSubnet', () => {
  // `ip r` on slave1, the Calico lines (the seed's two other pods, 10.151.51.1 and .2, are not
  // in the input: their names are unknown).
  const SEED_ROUTES = `10.151.32.0/24 via 172.16.2.77 dev tunl0 proto bird onlink
10.151.49.0/24 via 172.16.1.88 dev ens3 proto bird
blackhole 10.151.51.0/24 proto bird
10.151.51.7 dev cali566211caf94 scope link
10.151.51.8 dev caliee93b0bdd66 scope link
10.151.161.0/24 via 172.16.1.221 dev ens3 proto bird
10.151.208.0/24 via 172.16.1.203 dev ens3 proto bird`

  it("has the seed's routes, line for line", () => {
    expect(nodeView('seed-002-slave1').routes.join('\n')).toBe(SEED_ROUTES)
  })

  it('has tunl0 as `ip a` shows it: ipip, NOARP, UP, mtu 1480, 10.151.51.0/32', () => {
    const { fragment } = nodeView('seed-002-slave1')
    expect(fragment.links).toEqual([
      expect.objectContaining({ name: 'tunl0', kind: 'ipip', noarp: true, up: true, mtu: 1480 }),
    ])
    // The seed also shows `brd 10.151.51.0`: an older netlink library set a broadcast on /32
    // addresses; Calico v3.22's (vishvananda/netlink ≥ 2019-10) does not.
    expect(fragment.addresses).toEqual([
      { iface: 'tunl0', family: 4, local: '10.151.51.0', prefixLen: 32, scope: 'global' },
    ])
  })

  it('has cali veths with ee:ee:ee:ee:ee:ee, mtu 1480, peered with the pod’s eth0 at ifindex 4', () => {
    const { wiring } = nodeView('seed-002-slave1')
    const host = wiring.flatMap((w) => w.host.links ?? [])
    expect(host.map((l) => [l.name, l.kind, l.mac, l.mtu, l.up])).toEqual([
      ['caliee93b0bdd66', 'veth', 'ee:ee:ee:ee:ee:ee', 1480, true],
      ['cali566211caf94', 'veth', 'ee:ee:ee:ee:ee:ee', 1480, true],
    ])
    const eth0 = wiring.flatMap((w) => w.pod.links ?? []).filter((l) => l.name === 'eth0')
    expect(eth0.map((l) => [l.index, l.peer?.name])).toEqual([
      [4, 'caliee93b0bdd66'],
      [4, 'cali566211caf94'],
    ])
  })

  it("hooks cali-OUTPUT and cali-POSTROUTING into nat with the seed's hashes", () => {
    const { fragment } = nodeView('seed-002-slave1')
    const saved = printIptablesSave(
      parseIptablesSave(fragment.iptablesRestore?.ipv4 ?? '', { family: 4 }),
    )
    expect(saved).toContain(
      '-A OUTPUT -m comment --comment "cali:tVnHkvAo15HuiPy0" -j cali-OUTPUT\n',
    )
    expect(saved).toContain(
      '-A POSTROUTING -m comment --comment "cali:O3lYWMrLQYEMJtB5" -j cali-POSTROUTING\n',
    )
  })
})

describe('seed 004: master, Calico v3.22 native routing', () => {
  it('routes the peer block directly and blackholes its own', () => {
    expect(nodeView('seed-004-master').routes).toEqual([
      '10.244.166.128/26 via 192.168.43.153 dev ens33 proto bird',
      'blackhole 10.244.219.64/26 proto bird',
      '10.244.219.75 dev cali17fddc925b9 scope link',
    ])
  })

  it('has no tunnel device without IPIP or VXLAN', () => {
    expect(nodeView('seed-004-master').fragment.links).toEqual([])
  })

  it("sets proxy_arp on pod1's veth, cali17fddc925b9, as the write-up's example shows", () => {
    const [w] = nodeView('seed-004-master').wiring
    expect(w?.host.sysctls?.['net.ipv4.conf.cali17fddc925b9.proxy_arp']).toBe('1')
  })

  it('gives the pod the `route -n` of the write-up and no static neighbour', () => {
    // 0.0.0.0 169.254.1.1 0.0.0.0 UG eth0 / 169.254.1.1 0.0.0.0 255.255.255.255 UH eth0;
    // `arp -n` shows 169.254.1.1 with flag C (learnt), so the model adds no neighbour.
    const [w] = nodeView('seed-004-master').wiring
    expect(w?.pod.routes?.map(show)).toEqual([
      '169.254.1.1 dev eth0 scope link',
      'default via 169.254.1.1 dev eth0',
    ])
    expect(w?.pod.neighbours).toBeUndefined()
    expect(w?.pod.addresses).toEqual([
      { iface: 'eth0', family: 4, local: '10.244.219.75', prefixLen: 32, scope: 'global' },
    ])
  })

  it('writes cali-nat-outgoing exactly as `iptables -t nat -S cali-nat-outgoing` prints it', () => {
    const payload = nodeView('seed-004-master').fragment.iptablesRestore?.ipv4 ?? ''
    const saved = printIptablesSave(parseIptablesSave(payload, { family: 4 })).split('\n')
    expect(
      saved.filter((l) => l.includes('cali-nat-outgoing') && l.startsWith('-A cali-nat')),
    ).toEqual([
      '-A cali-nat-outgoing -m comment --comment "cali:flqWnvo8yq4ULQLa" -m set --match-set cali40masq-ipam-pools src -m set ! --match-set cali40all-ipam-pools dst -j MASQUERADE --random-fully',
    ])
  })

  it("lands above kube-proxy's jumps when loaded after them, as the seed's nat chains list", () => {
    const kubeProxy = parseIptablesSave(
      `*nat
:KUBE-SERVICES - [0:0]
:KUBE-POSTROUTING - [0:0]
-A PREROUTING -m comment --comment "kubernetes service portals" -j KUBE-SERVICES
-A POSTROUTING -m comment --comment "kubernetes postrouting rules" -j KUBE-POSTROUTING
COMMIT
`,
      { family: 4 },
    )
    const payload = nodeView('seed-004-master').fragment.iptablesRestore?.ipv4 ?? ''
    const both = parseIptablesSave(payload, { family: 4, base: kubeProxy, noflush: true })
    const nat = both.tables.find((t) => t.name === 'nat')
    const targets = (chain: string) =>
      nat?.chains.find((c) => c.name === chain)?.rules.map((r) => r.target?.name)
    expect(targets('PREROUTING')).toEqual(['cali-PREROUTING', 'KUBE-SERVICES'])
    expect(targets('POSTROUTING')).toEqual(['cali-POSTROUTING', 'KUBE-POSTROUTING'])
  })
})
