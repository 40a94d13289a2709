/**
 * @module core/cni/calico/node
 * What calico-node (felix and BIRD) programs on a node:
 *
 * - `tunl0` when IPIP is enabled: the kernel's fallback IPIP device (`ipip remote any local any
 *   ttl inherit nopmtudisc`, NOARP), up, MTU host−20, with the node's IPIP tunnel address /32
 *   (seed 002: `tunl0 10.151.51.0/32`);
 * - `vxlan.calico` when VXLAN is enabled and the node has a VXLAN tunnel address: VNI 4096,
 *   port 4789, local = the node's address on its underlay NIC, no learning, MTU host−50; a
 *   PERMANENT neighbour and a `self permanent` FDB entry per peer VTEP;
 * - the block routes (routes.ts), `net.ipv4.ip_forward=1`, felix's ipsets and iptables, and
 *   the BIRD daemon.
 *
 * Link indexes in this fragment are 0: the assembly numbers the node's links as it appends them.
 */
import { objectKey } from '../../kube/model.js'
import type { Address, FdbEntry, Link, Neighbour } from '../../model/netns.js'
import type { CniContext, NetnsFragment, NodeUnderlay } from '../types.js'
import { calicoPods } from './ipam-inputs.js'
import { nodeIpsets } from './ipsets.js'
import { nodeIptables } from './iptables.js'
import { allPeers, nodeMtus, peerOf } from './peers.js'
import type { CalicoPlan } from './plan.js'
import { blockRoutes, type Peer } from './routes.js'

const hostAddress = (iface: string, local: string): Address => ({
  iface,
  family: 4,
  local,
  prefixLen: 32,
  scope: 'global',
})

interface Devices {
  readonly links: Link[]
  readonly addresses: Address[]
  readonly neighbours: Neighbour[]
  readonly fdb: FdbEntry[]
}

/** tunl0, as felix's IPIP manager configures the kernel's fallback device. */
function ipipDevice(plan: CalicoPlan, self: Peer, u: NodeUnderlay, out: Devices): void {
  if (!plan.ipipEnabled) return
  out.links.push({
    index: 0,
    name: 'tunl0',
    kind: 'ipip',
    mtu: nodeMtus(plan, u).ipip,
    up: true,
    noarp: true,
    iptun: { pmtudisc: false },
  })
  const address = plan.ipam.tunnels.get(self.name)?.ipip
  if (address !== undefined) out.addresses.push(hostAddress('tunl0', address))
}

/** vxlan.calico and what felix's VXLAN manager knows of every other VTEP. */
function vxlanDevice(
  plan: CalicoPlan,
  self: Peer,
  peers: readonly Peer[],
  u: NodeUnderlay,
  out: Devices,
): void {
  if (!self.vtep) return
  const { vxlanVni: id, vxlanPort: port } = plan.config.felix
  out.links.push({
    index: 0,
    name: 'vxlan.calico',
    kind: 'vxlan',
    mac: self.vtep.mac,
    mtu: nodeMtus(plan, u).vxlan,
    up: true,
    vxlan: { id, port, local: self.address, dev: u.iface, learning: false },
  })
  out.addresses.push(hostAddress('vxlan.calico', self.vtep.address))
  for (const p of peers) {
    if (p.name === self.name || !p.vtep) continue
    const { address, mac } = p.vtep
    out.neighbours.push({ dst: address, dev: 'vxlan.calico', lladdr: mac, state: 'PERMANENT' })
    out.fdb.push({ mac, dev: 'vxlan.calico', dst: p.address, self: true, permanent: true })
  }
}

function birdDaemon(plan: CalicoPlan, self: Peer): NetnsFragment['daemons'] {
  if (plan.config.backend !== 'bird') return undefined
  const config = { routerId: self.address, asNumber: plan.config.asNumber, nodeToNodeMesh: true }
  return [{ name: 'bird', kind: 'bird', config }]
}

export function renderNode(plan: CalicoPlan, ctx: CniContext, u: NodeUnderlay): NetnsFragment {
  const peers = allPeers(plan, ctx)
  const self = peers.find((p) => p.name === u.node.metadata.name) ?? peerOf(plan, u)
  const findings: { message: string }[] = []
  const routes = blockRoutes(plan, self, peers, findings)
  for (const f of findings) ctx.unsupported(f.message)
  const pods = calicoPods(ctx.cluster).filter(
    (p) => p.spec.nodeName === self.name && plan.ipam.podIPs.has(objectKey(p)),
  )
  const devices: Devices = { links: [], addresses: [], neighbours: [], fdb: [] }
  ipipDevice(plan, self, u, devices)
  vxlanDevice(plan, self, peers, u, devices)
  const daemons = birdDaemon(plan, self)
  return {
    ...devices,
    routes,
    sysctls: { 'net.ipv4.ip_forward': '1' },
    iptablesRestore: { ipv4: nodeIptables(plan, self.name, pods) },
    ipsets: nodeIpsets(plan, self, peers),
    ...(daemons === undefined ? {} : { daemons }),
  }
}
