/**
 * @module core/cni/flannel/leases
 * flannel's subnet leases under `--kube-subnet-mgr` (pkg/subnet/kube, v0.28): one per Node, the
 * node's podCIDR, with the node's public IP and (vxlan) its VTEP MAC, which flanneld publishes
 * in Node annotations (`<prefix>/public-ip`, `public-ip-overwrite`, `backend-data`
 * `{"VNI":1,"VtepMAC":"…"}`). When the input's Nodes carry those annotations they are used;
 * otherwise the public IP is the node's underlay address and the VTEP MAC is deterministic
 * (flanneld draws it at random once and keeps it in the annotation).
 */
import { contains4, formatPrefix4, type Prefix4, parsePrefix4 } from '../../cluster/ipv4.js'
import { deterministicMac } from '../../cluster/names.js'
import { netnsName } from '../../model/cluster-state.js'
import type { CniContext, NodeUnderlay } from '../types.js'
import type { FlannelSetup } from './setup.js'

export interface Lease {
  readonly node: string
  readonly underlay: NodeUnderlay
  readonly subnet: Prefix4
  /** The node's address other nodes reach it by (the VTEP / UDP endpoint, host-gw's next hop). */
  readonly publicIP: string
  /** flannel.<VNI>'s MAC (vxlan). */
  readonly vtepMac: string
}

/** The device name of the vxlan backend: `flannel.<VNI>`. */
export function vxlanDevice(vni: number): string {
  return `flannel.${vni}`
}

/** Every node's lease, in node order; nodes without an IPv4 podCIDR hold none (reported). */
export function leases(ctx: CniContext, setup: FlannelSetup): Lease[] {
  const out: Lease[] = []
  for (const [name, underlay] of ctx.underlay) {
    const subnet = (ctx.podCIDRs.get(name) ?? []).map(parsePrefix4).find((p) => p !== undefined)
    if (subnet === undefined) {
      ctx.unsupported(
        `flannel: node ${name} has no IPv4 podCIDR, so flanneld gets no lease there`,
        ctx.cluster.locations.get(underlay.node),
      )
      continue
    }
    if (!contains4(setup.netConf.network, subnet.net))
      ctx.unsupported(
        `flannel: node ${name}'s podCIDR ${formatPrefix4(subnet)} is outside Network ${formatPrefix4(setup.netConf.network)}`,
      )
    out.push({
      node: name,
      underlay,
      subnet,
      publicIP: publicIP(ctx, setup, underlay),
      vtepMac: vtepMac(setup, underlay),
    })
  }
  return out
}

function annotation(setup: FlannelSetup, u: NodeUnderlay, key: string): string | undefined {
  return u.node.metadata.annotations?.[`${setup.args.annotationPrefix}/${key}`]
}

function publicIP(ctx: CniContext, setup: FlannelSetup, u: NodeUnderlay): string {
  const given =
    annotation(setup, u, 'public-ip-overwrite') ??
    annotation(setup, u, 'public-ip') ??
    setup.args.publicIP
  if (given !== undefined && given !== u.address)
    ctx.unsupported(
      `flannel: node ${u.node.metadata.name}'s public IP ${given} differs from its underlay address ${u.address} (NAT between nodes is not modelled); ${u.address} is used`,
    )
  return u.address
}

function vtepMac(setup: FlannelSetup, u: NodeUnderlay): string {
  const data = annotation(setup, u, 'backend-data')
  const vni = setup.netConf.backend.type === 'vxlan' ? setup.netConf.backend.vni : 1
  const fallback = deterministicMac(netnsName.node(u.node.metadata.name), vxlanDevice(vni))
  if (data === undefined) return fallback
  try {
    const mac = (JSON.parse(data) as { VtepMAC?: unknown }).VtepMAC
    return typeof mac === 'string' && /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/i.test(mac)
      ? mac.toLowerCase()
      : fallback
  } catch {
    return fallback
  }
}
