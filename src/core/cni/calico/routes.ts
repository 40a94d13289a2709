/**
 * @module core/cni/calico/routes
 * The routes a node gets for the pool blocks, as BIRD (full node-to-node mesh) and felix
 * program them (Calico v3.22):
 *
 * - own blocks: `blackhole <block> proto bird` (BIRD's static protocol exports each affine
 *   block), or `blackhole <block> proto 80` for a VXLAN pool (felix's route table);
 * - another node's block in an IPIP or unencapsulated pool, from BIRD (confd
 *   `bird_ipam.cfg.template`): with the tunnel (`ipipMode: Always`, or `CrossSubnet` when the
 *   peer's address is outside this node's Calico network) `via <peer> dev tunl0 onlink`;
 *   without it `via <next hop> dev <iface>`, where BIRD resolves the peer recursively
 *   (`gateway recursive`): the peer itself inside the connected subnet, else the gateway;
 *   `proto bird` either way. A pool with `disableBGPExport` is not exported, so not learnt;
 * - another node's block in a VXLAN pool, from felix: `via <peer VTEP address> dev vxlan.calico
 *   onlink` (proto boot, which `ip route` does not print), or for `CrossSubnet` within the
 *   subnet `via <peer> dev <iface> proto 80`.
 *
 * "This node's Calico network" is the prefix of its Calico IPv4 address: the Kubernetes
 * datastore's `projectcalico.org/IPv4Address` annotation when given, else its underlay address.
 */

import { type Route, TABLE_MAIN } from '../../model/netns.js'
import { cidrContains, parseAddr, parseCidr } from '../../net/ip.js'
import type { NodeUnderlay } from '../types.js'
import type { Block } from './blocks.js'
import type { Finding } from './config-types.js'
import { ANNOTATION } from './ipam-inputs.js'
import type { CalicoPlan } from './plan.js'

/** A node as its peers see it: its Calico address and network, and its VTEP if any. */
export interface Peer {
  readonly name: string
  readonly underlay: NodeUnderlay
  /** The Calico IPv4 address and prefix (`IPv4Address`). */
  readonly address: string
  readonly prefixLen: number
  readonly blocks: readonly Block[]
  readonly vtep?: { readonly address: string; readonly mac: string }
}

export function calicoAddress(u: NodeUnderlay): { address: string; prefixLen: number } {
  const note = u.node.metadata.annotations?.[ANNOTATION.nodeAddress]
  const c = note === undefined ? undefined : parseCidr(note)
  const [address, len] = (note ?? '').split('/')
  if (c?.family === 4 && address !== undefined && len !== undefined) {
    return { address, prefixLen: Number(len) }
  }
  return { address: u.address, prefixLen: u.prefixLen }
}

function inPrefix(address: string, prefixLen: number, other: string): boolean {
  const net = parseCidr(`${address}/${prefixLen}`)
  const a = parseAddr(other)
  return net !== undefined && a !== undefined && cidrContains(net, a)
}

/** CrossSubnet: is `peer` on this node's Calico network? */
export function sameSubnet(self: Peer, peer: Peer): boolean {
  return inPrefix(self.address, self.prefixLen, peer.address)
}

const route = (r: Omit<Route, 'family' | 'table' | 'type'> & Partial<Route>): Route => ({
  family: 4,
  table: TABLE_MAIN,
  type: 'unicast',
  ...r,
})

/** BIRD's recursive next hop for `peer`: itself on the connected subnet, else the gateway. */
function directHop(self: Peer, peer: Peer): { via: string; dev: string } | undefined {
  const u = self.underlay
  if (inPrefix(u.address, u.prefixLen, peer.address)) return { via: peer.address, dev: u.iface }
  return u.gateway === undefined ? undefined : { via: u.gateway, dev: u.iface }
}

function birdRoute(plan: CalicoPlan, self: Peer, peer: Peer, b: Block, f: Finding[]): Route[] {
  const mode = b.pool.ipipMode
  const tunnel =
    plan.ipipEnabled && (mode === 'Always' || (mode === 'CrossSubnet' && !sameSubnet(self, peer)))
  if (tunnel) {
    return [route({ dst: b.cidr, via: peer.address, dev: 'tunl0', onlink: true, proto: 'bird' })]
  }
  const hop = directHop(self, peer)
  if (!hop) {
    f.push({
      message: `${self.name} has no route to peer ${peer.name} (${peer.address}) for block ${b.cidr}`,
    })
    return []
  }
  return [route({ dst: b.cidr, ...hop, proto: 'bird' })]
}

function vxlanRoute(self: Peer, peer: Peer, b: Block): Route[] {
  if (b.pool.vxlanMode === 'CrossSubnet' && sameSubnet(self, peer)) {
    return [route({ dst: b.cidr, via: peer.address, dev: self.underlay.iface, proto: '80' })]
  }
  // Without a VTEP for the peer felix has nothing to route through.
  if (!peer.vtep) return []
  return [
    route({
      dst: b.cidr,
      via: peer.vtep.address,
      dev: 'vxlan.calico',
      onlink: true,
      proto: 'boot',
    }),
  ]
}

/** The routes `self` has for every block: its own blackholes and the peers' blocks. */
export function blockRoutes(
  plan: CalicoPlan,
  self: Peer,
  peers: readonly Peer[],
  f: Finding[],
): Route[] {
  const out: Route[] = []
  const bird = plan.config.backend === 'bird'
  for (const b of self.blocks) {
    const vxlan = b.pool.vxlanMode !== 'Never'
    if (vxlan ? plan.vxlanEnabled : bird) {
      out.push(route({ type: 'blackhole', dst: b.cidr, proto: vxlan ? '80' : 'bird' }))
    }
  }
  for (const peer of peers) {
    if (peer.name === self.name) continue
    for (const b of peer.blocks) {
      if (b.pool.vxlanMode !== 'Never') {
        // Felix's VXLAN route tables hang on the local VTEP (and its parent device).
        if (plan.vxlanEnabled && self.vtep) out.push(...vxlanRoute(self, peer, b))
      } else if (bird && !b.pool.disableBGPExport) out.push(...birdRoute(plan, self, peer, b, f))
    }
  }
  return out
}
