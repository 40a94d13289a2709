/**
 * Block routes per encapsulation mode, as BIRD and felix install them.
 */
import { describe, expect, it } from 'vitest'
import type { Route } from '../../model/netns.js'
import { calicoPlugin } from './plugin.js'
import { clusterOf, contextOf, type UnderlayOptions, underlayOf } from './testkit.js'

/**
 * n1 10.0.1.10 and n2 10.0.1.11 share a subnet; n3 10.0.2.10 is behind the router. One pod per
 * node, so that every node owns a block even without a tunnel address.
 */
function nodeRoutes(
  poolSpec: string,
  opts: UnderlayOptions = {},
  extra = '',
): { routes: string[]; reported: string[] } {
  const node = (name: string, ip: string) =>
    `---\napiVersion: v1\nkind: Node\nmetadata: {name: ${name}}\nstatus: {addresses: [{type: InternalIP, address: ${ip}}]}\n`
  const c = clusterOf(
    `apiVersion: crd.projectcalico.org/v1\nkind: IPPool\nmetadata: {name: p}\nspec: ${poolSpec}\n` +
      node('n1', '10.0.1.10') +
      node('n2', '10.0.1.11') +
      node('n3', '10.0.2.10') +
      ['n1', 'n2', 'n3']
        .map(
          (n) =>
            `---\napiVersion: v1\nkind: Pod\nmetadata: {name: on-${n}}\nspec: {nodeName: ${n}, containers: [{name: c}]}\n`,
        )
        .join('') +
      extra,
  )
  const u = underlayOf(c, { gateway: '10.0.1.1', ...opts })
  const ctx = contextOf(c, u)
  const n1 = u.get('n1')
  if (!n1) throw new Error('no n1')
  const routes = (calicoPlugin.node(ctx, n1).routes ?? []).map(show)
  return { routes, reported: ctx.reported.map((r) => r.message) }
}

/** `ip route` spelling of the route shapes the model makes. */
function show(r: Route): string {
  const parts = [r.type === 'blackhole' ? `blackhole ${r.dst}` : r.dst]
  if (r.via) parts.push(`via ${r.via}`)
  if (r.dev) parts.push(`dev ${r.dev}`)
  if (r.proto && r.proto !== 'boot') parts.push(`proto ${r.proto}`)
  if (r.scope === 'link') parts.push('scope link')
  if (r.onlink) parts.push('onlink')
  return parts.join(' ')
}

describe('block routes', () => {
  it('IPIP Always: every peer through tunl0, onlink, from BIRD', () => {
    expect(nodeRoutes('{cidr: 10.244.0.0/16, ipipMode: Always}').routes).toEqual([
      'blackhole 10.244.0.0/26 proto bird',
      '10.244.0.64/26 via 10.0.1.11 dev tunl0 proto bird onlink',
      '10.244.0.128/26 via 10.0.2.10 dev tunl0 proto bird onlink',
    ])
  })

  it('IPIP CrossSubnet: direct inside the Calico network, tunnelled across it', () => {
    expect(nodeRoutes('{cidr: 10.244.0.0/16, ipipMode: CrossSubnet}').routes).toEqual([
      'blackhole 10.244.0.0/26 proto bird',
      '10.244.0.64/26 via 10.0.1.11 dev eth0 proto bird',
      '10.244.0.128/26 via 10.0.2.10 dev tunl0 proto bird onlink',
    ])
  })

  it('no encapsulation: BIRD resolves a peer behind the router through the gateway', () => {
    expect(nodeRoutes('{cidr: 10.244.0.0/16}').routes).toEqual([
      'blackhole 10.244.0.0/26 proto bird',
      '10.244.0.64/26 via 10.0.1.11 dev eth0 proto bird',
      '10.244.0.128/26 via 10.0.1.1 dev eth0 proto bird',
    ])
  })

  it('reports a peer it cannot reach rather than inventing a route', () => {
    const r = nodeRoutes('{cidr: 10.244.0.0/16}', { gateway: undefined })
    expect(r.routes).toHaveLength(2)
    expect(r.reported).toContain('n1 has no route to peer n3 (10.0.2.10) for block 10.244.0.128/26')
  })

  it('does not learn blocks of a pool whose BGP export is disabled', () => {
    expect(nodeRoutes('{cidr: 10.244.0.0/16, disableBGPExport: true}').routes).toEqual([
      'blackhole 10.244.0.0/26 proto bird',
    ])
  })

  it('VXLAN: felix routes through vxlan.calico, CrossSubnet direct within the subnet', () => {
    expect(nodeRoutes('{cidr: 10.244.0.0/16, vxlanMode: Always}').routes).toEqual([
      'blackhole 10.244.0.0/26 proto 80',
      '10.244.0.64/26 via 10.244.0.64 dev vxlan.calico onlink',
      '10.244.0.128/26 via 10.244.0.128 dev vxlan.calico onlink',
    ])
    expect(nodeRoutes('{cidr: 10.244.0.0/16, vxlanMode: CrossSubnet}').routes).toEqual([
      'blackhole 10.244.0.0/26 proto 80',
      '10.244.0.64/26 via 10.0.1.11 dev eth0 proto 80',
      '10.244.0.128/26 via 10.244.0.128 dev vxlan.calico onlink',
    ])
  })

  it('programs no BGP routes and no IPIP when calico-config selects the vxlan backend', () => {
    const cm =
      '---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: calico-config}\ndata: {calico_backend: vxlan}\n'
    expect(nodeRoutes('{cidr: 10.244.0.0/16, ipipMode: Always}', {}, cm).routes).toEqual([])
  })
})
