/**
 * @module core/cni/calico/peers
 * Each node as the others see it (its Calico address, blocks and VXLAN tunnel endpoint), and
 * the MTUs felix picks for it.
 *
 * MTU (felix v3.22 auto-detection): the tunnels get the host MTU minus their overhead (IPIP
 * 20, VXLAN 50) unless FelixConfiguration sets `ipipMTU` / `vxlanMTU`; the pods' veths get the
 * smallest MTU of the enabled encapsulations (the host MTU with none), unless calico-config
 * sets a non-zero `veth_mtu`.
 */
import type { CniContext, NodeUnderlay } from '../types.js'
import { ANNOTATION } from './ipam-inputs.js'
import { vxlanTunnelMac } from './names.js'
import type { CalicoPlan } from './plan.js'
import { calicoAddress, type Peer } from './routes.js'

export function peerOf(plan: CalicoPlan, u: NodeUnderlay): Peer {
  const name = u.node.metadata.name
  const vxlanAddress = plan.ipam.tunnels.get(name)?.vxlan
  const mac = u.node.metadata.annotations?.[ANNOTATION.vxlanMac] ?? vxlanTunnelMac(name)
  return {
    name,
    underlay: u,
    ...calicoAddress(u),
    blocks: plan.ipam.blocks.get(name) ?? [],
    ...(plan.vxlanEnabled && vxlanAddress !== undefined
      ? { vtep: { address: vxlanAddress, mac } }
      : {}),
  }
}

/** Every node with an underlay placement, in the cluster's node order. */
export function allPeers(plan: CalicoPlan, ctx: CniContext): Peer[] {
  return ctx.cluster.nodes.flatMap((n) => {
    const u = ctx.underlay.get(n.metadata.name)
    return u ? [peerOf(plan, u)] : []
  })
}

export interface NodeMtus {
  readonly ipip: number
  readonly vxlan: number
  readonly veth: number
}

export function nodeMtus(plan: CalicoPlan, u: NodeUnderlay): NodeMtus {
  const ipip = plan.config.felix.ipipMtu ?? u.mtu - 20
  const vxlan = plan.config.felix.vxlanMtu ?? u.mtu - 50
  const enabled = [...(plan.ipipEnabled ? [ipip] : []), ...(plan.vxlanEnabled ? [vxlan] : [])]
  const auto = enabled.length === 0 ? u.mtu : Math.min(...enabled)
  return { ipip, vxlan, veth: plan.config.vethMtu ?? auto }
}
