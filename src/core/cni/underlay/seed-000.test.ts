/**
 * Seed 000: pods with the hosts' own addresses (192.168.0.0/24, router 192.168.0.1) on the host
 * bridge mybr0 of k8s-worker-02, and the macvlan variant. Expectations quote the seed's pod
 * `ip r`, its `ip addr` form, and the ARP reply from mybr0 (the NIC's MAC).
 */
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { isKpathError } from '../../errors.js'
import { netnsName } from '../../model/cluster-state.js'
import { emptyNetns, type NetnsState, type Route } from '../../model/netns.js'
import { withKernelRoutes } from '../../route/kernel-routes.js'
import {
  apply,
  contextFor,
  inetLines,
  load,
  podNamed,
  podState,
  podsOn,
} from '../kube-router/testkit.js'
import type { CniContext } from '../types.js'
import { isUnderlayConfig, underlayNetwork, underlayNicSetup, underlayPlugin } from './index.js'

const SEED = readFileSync(new URL('./testdata/seed-000.yaml', import.meta.url), 'utf8')
const NIC_MAC = '00:0c:29:4b:22:09'

function seed(edit: (t: string) => string = (t) => t): { ctx: CniContext; reports: string[] } {
  const { ctx, reports } = contextFor(load(edit(SEED)), {
    iface: 'eth0',
    prefixLen: 24,
    gateway: '192.168.0.1',
    macs: { 'k8s-worker-02': NIC_MAC },
  })
  return { ctx, reports: reports.messages }
}

/**
 * The node as the assembly builds it under {@link underlayNicSetup}: the NIC a port of the host
 * bridge, the node address and default route on the bridge; then the plugin's state.
 */
function node(ctx: CniContext, name: string): NetnsState {
  const u = ctx.underlay.get(name)
  if (u === undefined) throw new Error(name)
  const setup = underlayNicSetup(underlayNetwork(ctx), u)
  const dev = setup?.master ?? u.iface
  const base = emptyNetns(netnsName.node(name))
  const defaultRoute: Route = {
    family: 4,
    table: 254,
    type: 'unicast',
    dst: 'default',
    via: '192.168.0.1',
    dev,
    proto: 'boot',
    scope: 'global',
  }
  let s: NetnsState = {
    ...base,
    links: [
      { index: 1, name: 'lo', kind: 'loopback', mtu: 65536, up: true },
      {
        index: 2,
        name: u.iface,
        kind: 'ether',
        mac: u.mac,
        mtu: u.mtu,
        up: true,
        ...(setup ? { master: setup.master } : {}),
      },
    ],
    addresses: [
      {
        iface: dev,
        family: 4,
        local: u.address,
        prefixLen: 24,
        scope: 'global',
        broadcast: '192.168.0.255',
      },
    ],
    routes: [defaultRoute],
  }
  s = apply(s, underlayPlugin.node(ctx, u))
  for (const p of podsOn(ctx, name)) s = apply(s, underlayPlugin.pod(ctx, p, u).host)
  return withKernelRoutes(s)
}

/** `ip route` lines of the main table (iproute2's format for these simple routes). */
function ipRoute(s: NetnsState): string[] {
  return s.routes
    .filter((r) => r.table === 254 && r.type === 'unicast')
    .map((r) => {
      const via = r.via === undefined ? '' : ` via ${r.via}`
      const proto = r.proto === undefined || r.proto === 'boot' ? '' : ` proto ${r.proto}`
      const scope = r.scope === 'link' ? ' scope link' : ''
      const src = r.src === undefined ? '' : ` src ${r.src}`
      return `${r.dst}${via} dev ${r.dev}${proto}${scope}${src}`
    })
}

describe('seed 000: pods on the host bridge mybr0', () => {
  const { ctx, reports } = seed()

  it('reads the network from the Topology: bridge mybr0, the underlay subnet and router', () => {
    const net = underlayNetwork(ctx)
    expect(net).toMatchObject({
      mode: 'bridge',
      bridge: 'mybr0',
      gateway: '192.168.0.1',
      subnet: { len: 24 },
      hairpinMode: false,
    })
    expect(reports).toEqual([])
  })

  it('the coredns pods have the seed’s addresses and `ip r`', () => {
    for (const [name, ip] of [
      ['coredns-67c766df46-vclqc', '192.168.0.33'],
      ['coredns-67c766df46-bm7qn', '192.168.0.34'],
    ] as const) {
      const s = podState(ctx, underlayPlugin, podNamed(ctx, name))
      expect(inetLines(s, 'eth0')).toEqual([`inet ${ip}/24 brd 192.168.0.255 scope global eth0`])
      expect(ipRoute(s)).toEqual([
        'default via 192.168.0.1 dev eth0',
        `192.168.0.0/24 dev eth0 proto kernel scope link src ${ip}`,
      ])
    }
  })

  it('the node holds its IP on mybr0, the NIC and both pod veths are its ports', () => {
    const s = node(ctx, 'k8s-worker-02')
    expect(inetLines(s, 'mybr0')).toEqual([
      'inet 192.168.0.102/24 brd 192.168.0.255 scope global mybr0',
    ])
    expect(inetLines(s, 'eth0')).toEqual([])
    expect(s.links.filter((l) => l.master === 'mybr0').map((l) => l.name)).toEqual([
      'eth0',
      expect.stringMatching(/^veth[0-9a-f]{8}$/),
      expect.stringMatching(/^veth[0-9a-f]{8}$/),
    ])
    expect(ipRoute(s)).toEqual([
      'default via 192.168.0.1 dev mybr0',
      '192.168.0.0/24 dev mybr0 proto kernel scope link src 192.168.0.102',
    ])
  })

  it('mybr0 answers with the NIC’s MAC, as the seed’s ARP reply shows (lowest port MAC)', () => {
    expect(node(ctx, 'k8s-worker-02').links.find((l) => l.name === 'mybr0')?.mac).toBe(NIC_MAC)
  })

  it('the router, not the node, is the pods’ gateway: nothing routes for them on the node', () => {
    const f = underlayPlugin.node(ctx, ctx.underlay.get('k8s-worker-02')!)
    expect(f.addresses ?? []).toEqual([])
    expect(f.routes ?? []).toEqual([])
    expect(f.sysctls).toEqual({ 'net.ipv6.conf.mybr0.accept_ra': '0' })
  })

  it('a node without pods still has the bridge holding its NIC', () => {
    const f = underlayPlugin.node(ctx, ctx.underlay.get('k8s-master-01')!)
    expect(f.links?.map((l) => l.name)).toEqual(['mybr0'])
    expect(underlayNicSetup(underlayNetwork(ctx), ctx.underlay.get('k8s-master-01')!)).toEqual({
      master: 'mybr0',
    })
  })

  it('reports a pod whose address is not on the underlay, and leaves it unwired', () => {
    const c = seed((t) => t.replace('podIP: 192.168.0.33', 'podIP: 10.244.1.5'))
    const w = underlayPlugin.pod(
      c.ctx,
      podNamed(c.ctx, 'coredns-67c766df46-vclqc'),
      c.ctx.underlay.get('k8s-worker-02')!,
    )
    expect(w).toEqual({ pod: {}, host: {} })
    expect(c.reports.at(-1)).toMatch(
      /has IP 10\.244\.1\.5, outside the underlay subnet 192\.168\.0\.0\/24: give it status\.podIP/,
    )
  })
})

describe('seed 000, macvlan variant', () => {
  const macvlan = (t: string) =>
    t.replace(
      '    - type: bridge\n      bridge: mybr0\n',
      '    - type: macvlan\n      master: eth0\n      mode: bridge\n',
    )
  const { ctx } = seed(macvlan)

  it('the pod’s eth0 is a macvlan of the node NIC in bridge mode, with the same address and routes', () => {
    const s = podState(ctx, underlayPlugin, podNamed(ctx, 'coredns-67c766df46-vclqc'))
    expect(s.links.find((l) => l.name === 'eth0')).toMatchObject({
      kind: 'macvlan',
      mtu: 1500,
      macvlan: { parent: 'eth0', mode: 'bridge' },
      peer: { netns: 'node-k8s-worker-02', name: 'eth0' },
    })
    expect(inetLines(s, 'eth0')).toEqual([
      'inet 192.168.0.33/24 brd 192.168.0.255 scope global eth0',
    ])
    expect(ipRoute(s)).toEqual([
      'default via 192.168.0.1 dev eth0',
      '192.168.0.0/24 dev eth0 proto kernel scope link src 192.168.0.33',
    ])
    expect(s.sysctls).toEqual({
      'net.ipv4.conf.eth0.arp_notify': '1',
      'net.ipv6.conf.eth0.ndisc_notify': '1',
    })
  })

  it('leaves the node alone: no bridge, no host veth, the NIC keeps its address', () => {
    const u = ctx.underlay.get('k8s-worker-02')!
    expect(underlayPlugin.node(ctx, u)).toEqual({})
    expect(underlayPlugin.pod(ctx, podNamed(ctx, 'coredns-67c766df46-vclqc'), u).host).toEqual({})
    expect(underlayNicSetup(underlayNetwork(ctx), u)).toBeUndefined()
  })
})

describe('underlay configuration errors', () => {
  it('without a Topology network the plugin refuses to render', () => {
    const { ctx } = seed((t) => t.replace(/ {2}cniConfig:[\s\S]*?---/, '---'))
    let code: string | undefined
    try {
      underlayPlugin.node(ctx, ctx.underlay.get('k8s-worker-02')!)
    } catch (e) {
      code = isKpathError(e) ? e.code : String(e)
    }
    expect(code).toBe('KPATH_INVALID_ARGUMENT')
  })

  it('locates a malformed IPAM in the Topology', () => {
    const { ctx } = seed((t) => t.replace('type: host-local', 'type: whereabouts'))
    let line: number | undefined
    try {
      underlayNetwork(ctx)
    } catch (e) {
      line = isKpathError(e) ? e.location?.line : undefined
    }
    expect(line).toBe(SEED.split('\n').findIndex((l) => l.includes('type: host-local')) + 1)
  })
})

describe('isUnderlayConfig', () => {
  const { ctx } = seed()
  const bridge = (subnet: string) => ({
    plugins: [
      { type: 'bridge', bridge: 'cni0', ipam: { type: 'host-local', ranges: [[{ subnet }]] } },
    ],
  })

  it('is a bridge network on the nodes’ own subnet, or any macvlan network', () => {
    expect(isUnderlayConfig(bridge('192.168.0.0/24'), ctx.cluster)).toBe(true)
    expect(isUnderlayConfig(bridge('10.244.0.0/16'), ctx.cluster)).toBe(false)
    expect(
      isUnderlayConfig(
        { type: 'macvlan', master: 'eth0', ipam: { type: 'host-local', subnet: '10.1.0.0/24' } },
        ctx.cluster,
      ),
    ).toBe(true)
    expect(isUnderlayConfig({ type: 'ptp' }, ctx.cluster)).toBe(false)
  })
})
