/**
 * injectRoute's decision over random clusters: nodes on one or two subnets, every overlay
 * setting. Properties that hold for every input, from network_routes_controller.go:
 * a node never routes its own pod CIDR; each other node's CIDR gets at most one route, a
 * tunnel exactly when the overlay asks for one, a gateway route only inside the subnet; tunnel
 * names are unique and fit 15 characters; table 77 holds one route per tunnel.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { Route } from '../../model/netns.js'
import { parseKubeRouterArgs } from './args.js'
import type { NodeView } from './node-view.js'
import { toOptions } from './options.js'
import { type PeerConfig, type PeerUnderlay, peerState } from './peers.js'

const arbCluster = fc.record({
  count: fc.integer({ min: 1, max: 8 }),
  otherSubnet: fc.array(fc.boolean(), { minLength: 8, maxLength: 8 }),
  overlay: fc.boolean(),
  type: fc.constantFrom('subnet', 'full', 'Full'),
  major: fc.constantFrom(1 as const, 2 as const),
})

function views(count: number, otherSubnet: readonly boolean[]): NodeView[] {
  return Array.from({ length: count }, (_, i) => {
    const ip = `192.168.${otherSubnet[i] && i > 0 ? 60 : 50}.${50 + i}`
    return { name: `n${i}`, ipv4: [ip], bestIPv4: ip, podCIDRs4: [`10.233.${64 + i}.0/24`] }
  })
}

function config(
  overlay: boolean,
  type: string,
  major: 1 | 2,
  nodes: readonly NodeView[],
): PeerConfig {
  const args = parseKubeRouterArgs(
    [`--enable-overlay=${overlay}`, `--overlay-type=${type}`],
    major === 1,
  )
  return { major, options: toOptions(args), nodes: new Set(nodes.map((n) => n.name)) }
}

function underlay(v: NodeView): PeerUnderlay {
  return { iface: 'eth0', address: v.bestIPv4 ?? '', prefixLen: 24, mtu: 1500 }
}

describe('peerState over random clusters', () => {
  it('routes each other node once, by tunnel or gateway as injectRoute decides', () => {
    fc.assert(
      fc.property(arbCluster, ({ count, otherSubnet, overlay, type, major }) => {
        const all = views(count, otherSubnet)
        const cfg = config(overlay, type, major, all)
        const [local] = all
        if (local === undefined) return
        const s = peerState(cfg, underlay(local), local, all, 3)
        const main = s.routes.filter((r: Route) => r.table === 254)
        expect(main.map((r) => r.dst)).not.toContain(local.podCIDRs4[0])
        for (const peer of all.slice(1)) {
          const same = peer.bestIPv4?.startsWith('192.168.50.') === true
          const tunnel = overlay && (type === 'full' || (type === 'subnet' && !same))
          const r = main.filter((x) => x.dst === peer.podCIDRs4[0])
          if (tunnel)
            expect(r).toEqual([
              expect.objectContaining({ dev: expect.stringMatching(/^tun/), src: local.bestIPv4 }),
            ])
          else if (same)
            expect(r).toEqual([expect.objectContaining({ via: peer.bestIPv4, dev: 'eth0' })])
          else expect(r).toEqual([])
        }
        const tunnels = s.links.filter((l) => l.name !== 'tunl0')
        expect(new Set(tunnels.map((l) => l.name)).size).toBe(tunnels.length)
        for (const l of s.links) expect(l.name.length).toBeLessThanOrEqual(15)
        expect(s.routes.filter((r) => r.table === 77)).toHaveLength(tunnels.length)
        expect(s.links.some((l) => l.name === 'tunl0')).toBe(tunnels.length > 0)
        expect(s.rules).toHaveLength(overlay ? 1 : 0)
      }),
    )
  })
})
