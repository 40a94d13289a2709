/**
 * Node and pod fragments beyond the seeds: VXLAN devices and their neighbours and FDB, MTUs,
 * sysctls, daemons, per-node iptables, and what the plugin reports.
 */
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { vxlanTunnelMac } from './names.js'
import { calicoPlugin } from './plugin.js'
import { clusterOf, contextOf, renderScenario, SCENARIOS, underlayOf } from './testkit.js'

const vxlan = () => {
  const s = SCENARIOS.find((x) => x.name === 'vxlan-a')
  if (!s) throw new Error('vxlan-a')
  return renderScenario(s, readFileSync(new URL(`./testdata/${s.file}`, import.meta.url), 'utf8'))
}

const POOL =
  'apiVersion: crd.projectcalico.org/v1\nkind: IPPool\nmetadata: {name: p}\nspec: {cidr: 10.9.0.0/16, ipipMode: Always}\n'
const NODES =
  '---\napiVersion: v1\nkind: Node\nmetadata: {name: n1}\nstatus: {addresses: [{type: InternalIP, address: 10.0.0.1}]}\n' +
  '---\napiVersion: v1\nkind: Node\nmetadata: {name: n2}\nstatus: {addresses: [{type: InternalIP, address: 10.0.0.2}]}\n' +
  '---\napiVersion: v1\nkind: Pod\nmetadata: {name: a, namespace: shop}\nspec: {nodeName: n1, containers: [{name: c}]}\n' +
  '---\napiVersion: v1\nkind: Pod\nmetadata: {name: b}\nspec: {nodeName: n2, containers: [{name: c}]}\n'

function render(extra = '', mtu = 1500) {
  const c = clusterOf(POOL + NODES + extra)
  const u = underlayOf(c, { mtu })
  const ctx = contextOf(c, u)
  const n1 = u.get('n1')
  if (!n1) throw new Error('n1')
  const node = calicoPlugin.node(ctx, n1)
  const pod = c.pods.find((p) => p.metadata.name === 'a')
  if (!pod) throw new Error('a')
  return { ctx, node, pod: calicoPlugin.pod(ctx, pod, n1) }
}

describe('VXLAN node', () => {
  it('has vxlan.calico with the VNI, port, parent and MAC felix gives it', () => {
    const { fragment } = vxlan()
    expect(fragment.links).toEqual([
      {
        index: 0,
        name: 'vxlan.calico',
        kind: 'vxlan',
        mac: vxlanTunnelMac('a'),
        mtu: 1450,
        up: true,
        vxlan: { id: 4096, port: 4789, local: '10.0.1.10', dev: 'eth0', learning: false },
      },
    ])
    expect(fragment.addresses).toEqual([
      { iface: 'vxlan.calico', family: 4, local: '10.244.0.0', prefixLen: 32, scope: 'global' },
    ])
  })

  it('knows every other VTEP by a permanent neighbour and a self FDB entry', () => {
    const { fragment } = vxlan()
    expect(fragment.neighbours).toEqual([
      { dst: '10.244.0.64', dev: 'vxlan.calico', lladdr: vxlanTunnelMac('b'), state: 'PERMANENT' },
      { dst: '10.244.0.128', dev: 'vxlan.calico', lladdr: vxlanTunnelMac('c'), state: 'PERMANENT' },
    ])
    expect(fragment.fdb).toEqual([
      {
        mac: vxlanTunnelMac('b'),
        dev: 'vxlan.calico',
        dst: '10.0.1.11',
        self: true,
        permanent: true,
      },
      {
        mac: vxlanTunnelMac('c'),
        dev: 'vxlan.calico',
        dst: '10.0.2.10',
        self: true,
        permanent: true,
      },
    ])
  })

  it('allows VXLAN from the other nodes only, and has no IPIP host set', () => {
    const { fragment } = vxlan()
    expect(fragment.ipsets?.map((s) => [s.name, s.members.map((m) => m.elem)])).toEqual([
      ['cali40all-ipam-pools', ['10.244.0.0/16']],
      ['cali40masq-ipam-pools', ['10.244.0.0/16']],
      ['cali40all-vxlan-net', ['10.0.1.11', '10.0.2.10']],
    ])
  })
})

describe('IPIP node and pod', () => {
  it('derives MTUs from the host: tunl0 and veths host−20', () => {
    const { node, pod } = render('', 9000)
    expect(node.links?.[0]?.mtu).toBe(8980)
    expect(pod.host.links?.[0]?.mtu).toBe(8980)
    expect(pod.pod.links?.find((l) => l.name === 'eth0')?.mtu).toBe(8980)
  })

  it('takes veth_mtu from calico-config and ipipMTU from FelixConfiguration', () => {
    const cm =
      '---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: calico-config}\ndata: {veth_mtu: "1400"}\n'
    const fc =
      '---\napiVersion: crd.projectcalico.org/v1\nkind: FelixConfiguration\nmetadata: {name: default}\nspec: {ipipMTU: 1440}\n'
    const { node, pod } = render(cm + fc)
    expect([node.links?.[0]?.mtu, pod.host.links?.[0]?.mtu]).toEqual([1440, 1400])
  })

  it('forwards, runs BIRD, and renders endpoint chains only for its own pods', () => {
    const { node } = render()
    expect(node.sysctls).toEqual({ 'net.ipv4.ip_forward': '1' })
    expect(node.daemons?.map((d) => [d.kind, d.config.routerId])).toEqual([['bird', '10.0.0.1']])
    const chains = (node.iptablesRestore?.ipv4 ?? '')
      .split('\n')
      .filter((l) => /^:cali-(tw|fw|pri|pro)-/.test(l))
    expect(chains).toEqual([
      ':cali-tw-cali8c689ec8560 - [0:0]',
      ':cali-fw-cali8c689ec8560 - [0:0]',
      ':cali-pri-kns.shop - [0:0]',
      ':cali-pro-kns.shop - [0:0]',
      ':cali-pri-ksa.shop.default - [0:0]',
      ':cali-pro-ksa.shop.default - [0:0]',
    ])
  })

  it('sets the host-side sysctls the CNI plugin and felix write', () => {
    const { pod } = render()
    expect(pod.host.sysctls).toEqual({
      'net.ipv4.conf.cali8c689ec8560.route_localnet': '1',
      'net.ipv4.neigh.cali8c689ec8560.proxy_delay': '0',
      'net.ipv4.conf.cali8c689ec8560.proxy_arp': '1',
      'net.ipv4.conf.cali8c689ec8560.forwarding': '1',
      'net.ipv6.conf.cali8c689ec8560.accept_ra': '0',
    })
    expect(pod.pod.sysctls).toEqual({ 'net.ipv4.ip_forward': '0' })
    expect(pod.pod.links?.map((l) => [l.name, l.index, l.up])).toEqual([
      ['tunl0', 2, false],
      ['eth0', 4, true],
    ])
  })
})

describe('reporting', () => {
  it('reports cluster-wide findings once, with the first node', () => {
    const gnp =
      '---\napiVersion: projectcalico.org/v3\nkind: GlobalNetworkPolicy\nmetadata: {name: g}\nspec: {}\n'
    const c = clusterOf(POOL + NODES + gnp)
    const u = underlayOf(c)
    const ctx = contextOf(c, u)
    for (const n of u.values()) calicoPlugin.node(ctx, n)
    expect(ctx.reported.map((r) => [r.message, r.location?.line])).toEqual([
      [expect.stringContaining('GlobalNetworkPolicy g'), 26],
    ])
  })

  it('reports a pod it could not address instead of wiring it half', () => {
    const sel = POOL.replace('ipipMode: Always', 'nodeSelector: "has(gpu)"')
    const c = clusterOf(sel + NODES)
    const u = underlayOf(c)
    const ctx = contextOf(c, u)
    const n1 = u.get('n1')
    const pod = c.pods[0]
    if (!n1 || !pod) throw new Error('setup')
    expect(calicoPlugin.pod(ctx, pod, n1)).toEqual({ pod: {}, host: {} })
    expect(ctx.reported.map((r) => r.message)).toEqual([
      'pod shop/a has no Calico address: it is not wired',
    ])
  })
})
