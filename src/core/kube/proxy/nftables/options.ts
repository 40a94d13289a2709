/**
 * @module core/kube/proxy/nftables/options
 * What one nftables proxier (one IP family) fixes once per sync (pkg/proxy/nftables/proxier.go
 * `NewProxier`, v1.33).
 */
import type { IPFamily } from '../../model.js'
import type { LocalDetector } from '../local-detector.js'

export interface NftOptions {
  readonly family: IPFamily
  readonly masqueradeAll: boolean
  /** The mark text kube-proxy writes (`0x00004000`). */
  readonly markText: string
  /** Its value (nft lists marks as `0x%08x`). */
  readonly markValue: number
  readonly detector: LocalDetector
  /** The node IP of the family (a source range containing it also admits the LB IPs). */
  readonly nodeIP: string
  /** nodePortAddresses match every address: no `nodeport-ips` set. */
  readonly nodePortsMatchAll: boolean
  /** Otherwise, the node addresses that accept NodePorts (never loopback in nftables mode). */
  readonly nodePortIPs: readonly string[]
  /** ServiceCIDRs of the family (traffic to unallocated ClusterIPs in them is dropped). */
  readonly serviceCIDRs: readonly string[]
}

/** `ip` / `ip6`: the address selector prefix of this family. */
export function ipX(o: NftOptions): 'ip' | 'ip6' {
  return o.family === 'IPv4' ? 'ip' : 'ip6'
}

export function addrType(o: NftOptions): 'ipv4_addr' | 'ipv6_addr' {
  return o.family === 'IPv4' ? 'ipv4_addr' : 'ipv6_addr'
}
