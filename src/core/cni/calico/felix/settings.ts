/**
 * @module core/cni/calico/felix/settings
 * What felix's rule renderer needs to know about one node, with felix v3.22's defaults.
 */

/**
 * Felix's mark bits: the first four single bits of `IptablesMarkMask` (default 0xffff0000), in
 * the order felix allocates them (felix/dataplane/driver.go): accept, pass, scratch0, scratch1.
 */
export const MARKS = { accept: 0x10000, pass: 0x20000, scratch0: 0x40000, scratch1: 0x80000 }

/** `allCalicoMarkBits()`: the four bits together (0xf0000). */
export const ALL_MARK_BITS = MARKS.accept | MARKS.pass | MARKS.scratch0 | MARKS.scratch1

export interface FelixSettings {
  /** Some IPv4 pool uses IPIP (felix `IpInIpEnabled`). */
  readonly ipipEnabled: boolean
  /** Some IPv4 pool uses VXLAN (felix `VXLANEnabled`). */
  readonly vxlanEnabled: boolean
  /** This node's tunnel addresses; the tunnel MASQUERADE rules need them. */
  readonly ipipTunnelAddress?: string
  readonly vxlanTunnelAddress?: string
  /** `VXLANPort` (default 4789). */
  readonly vxlanPort: number
  /** `DefaultEndpointToHostAction` (the calico.yaml manifest sets ACCEPT). */
  readonly endpointToHostAction: 'DROP' | 'RETURN' | 'ACCEPT'
  /** `ChainInsertMode`: felix's jumps go at the top of the kernel chains, or the bottom. */
  readonly chainInsertMode: 'insert' | 'append'
  /** Some pool has natOutgoing: cali-nat-outgoing gets its MASQUERADE rule. */
  readonly natOutgoing: boolean
  /** iptables ≥ 1.6.2 and kernel ≥ 3.14 (`MASQFullyRandom`): true on every node kpath models. */
  readonly masqFullyRandom: boolean
}

export const DEFAULT_VXLAN_PORT = 4789
export const DEFAULT_VXLAN_VNI = 4096
