/**
 * @module core/cni/calico/config-types
 * Calico's configuration as the model reads it from the cluster's objects: the IP pools, the
 * felix settings that change the data plane, the networking backend, block affinities, and what
 * the input asked for that the model does not do (`findings`, reported through
 * `CniContext.unsupported`).
 */
import type { SourceLocation } from '../../errors.js'
import type { Selector } from './selector.js'

/** `ipipMode` / `vxlanMode` of an IPPool. */
export type EncapMode = 'Always' | 'CrossSubnet' | 'Never'

export interface IpPool {
  readonly name: string
  /** The pool's prefix, canonical (`10.151.0.0/16`). */
  readonly cidr: string
  /** Prefix length of the pool's blocks (default 26). */
  readonly blockSize: number
  readonly ipipMode: EncapMode
  readonly vxlanMode: EncapMode
  readonly natOutgoing: boolean
  /** A disabled pool gives no new addresses but still counts as a pool for NAT and routing. */
  readonly disabled: boolean
  readonly nodeSelector: Selector
  /** BIRD does not export this pool's routes to its peers. */
  readonly disableBGPExport: boolean
  /** `allowedUses`: pods (`Workload`) and tunnel addresses (`Tunnel`); default both. */
  readonly forWorkloads: boolean
  readonly forTunnels: boolean
  readonly location?: SourceLocation
}

export interface FelixConfig {
  readonly vxlanVni: number
  readonly vxlanPort: number
  readonly endpointToHostAction: 'DROP' | 'RETURN' | 'ACCEPT'
  readonly chainInsertMode: 'insert' | 'append'
  /** Explicit `ipipEnabled` / `vxlanEnabled`; otherwise derived from the pools. */
  readonly ipipEnabled?: boolean
  readonly vxlanEnabled?: boolean
  /** Explicit tunnel MTUs (`ipipMTU`, `vxlanMTU`); otherwise host MTU minus the overhead. */
  readonly ipipMtu?: number
  readonly vxlanMtu?: number
}

/** A node's claim on a block (BlockAffinity, or IPAMBlock `affinity: host:<node>`). */
export interface BlockClaim {
  readonly node: string
  readonly cidr: string
  readonly location?: SourceLocation
}

export interface Finding {
  readonly message: string
  readonly location?: SourceLocation
}

export interface CalicoConfig {
  /** IPv4 pools by name. */
  readonly pools: readonly IpPool[]
  readonly felix: FelixConfig
  /** `calico_backend` of the calico-config ConfigMap: BIRD (default), VXLAN only, or none. */
  readonly backend: 'bird' | 'vxlan' | 'none'
  /** BGPConfiguration `asNumber` (default 64512), for the BIRD daemon. */
  readonly asNumber: number
  /** `veth_mtu` of calico-config (0 or absent: felix's auto-detected value). */
  readonly vethMtu?: number
  /** The CNI config's `ipam.ipv4_pools`: the pools pods may take addresses from. */
  readonly cniPools?: readonly string[]
  readonly claims: readonly BlockClaim[]
  readonly findings: readonly Finding[]
}

export const DEFAULT_FELIX: FelixConfig = {
  vxlanVni: 4096,
  vxlanPort: 4789,
  endpointToHostAction: 'ACCEPT',
  chainInsertMode: 'insert',
}
