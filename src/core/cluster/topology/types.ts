/**
 * @module core/cluster/topology/types
 * The Topology after defaults: every segment, router, external host and node placement the
 * assembly builds, with addresses, MACs and the segment-side port names fixed.
 */
import type { NodeUnderlay } from '../../cni/types.js'
import type { ExtensionObject } from '../../kube/model.js'
import type { Prefix4 } from '../ipv4.js'
import type { CniName, TopologyRoute } from './schema.js'

export interface Segment {
  readonly name: string
  readonly prefix: Prefix4
  readonly mtu: number
}

/** One NIC on a segment: a veth whose peer (`port`) is a port of the segment's `br0`. */
export interface SegmentNic {
  readonly segment: string
  /** The name inside its own namespace (`eth0`, `ens3`). */
  readonly name: string
  /** The peer's name in the segment namespace, unique there (`n1`, `r1`, `x1`). */
  readonly port: string
  readonly address: string
  readonly prefixLen: number
  readonly mac: string
  readonly mtu: number
}

export interface Router {
  readonly name: string
  readonly nics: readonly SegmentNic[]
  readonly forwarding: boolean
  readonly routes: readonly TopologyRoute[]
  readonly sysctls: Readonly<Record<string, string>>
}

export interface External {
  readonly name: string
  readonly nic: SegmentNic
  readonly gateway?: string
  readonly routes: readonly TopologyRoute[]
  readonly sysctls: Readonly<Record<string, string>>
}

export interface NodePlacement {
  readonly underlay: NodeUnderlay
  readonly port: string
  readonly routes: readonly TopologyRoute[]
  readonly sysctls: Readonly<Record<string, string>>
}

export interface Topology {
  /** The Topology object the input gave, if any (for locating errors). */
  readonly source?: ExtensionObject
  readonly cni?: CniName
  readonly cniConfig?: Readonly<Record<string, unknown>>
  readonly segments: readonly Segment[]
  readonly routers: readonly Router[]
  readonly externals: readonly External[]
  /** By node name, in the cluster's node order. */
  readonly nodes: ReadonlyMap<string, NodePlacement>
}
