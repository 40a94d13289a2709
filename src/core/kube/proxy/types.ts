/**
 * @module core/kube/proxy/types
 * What kube-proxy knows about one service port and its endpoints after change tracking
 * (pkg/proxy `BaseServicePortInfo`, `BaseEndpointInfo`), for one IP family. Both renderers read
 * only these facts; the Kubernetes objects stay behind in service-ports.ts.
 */
import type { IPFamily } from '../model.js'

export type L4Protocol = 'tcp' | 'udp' | 'sctp'

/** One endpoint of a service port (`BaseEndpointInfo`). */
export interface EndpointInfo {
  /** Canonical IP (Go text). */
  readonly ip: string
  readonly port: number
  /** `ip:port`, IPv6 bracketed (`net.JoinHostPort`): the endpoint's identity and sort key. */
  readonly key: string
  readonly ready: boolean
  readonly serving: boolean
  readonly terminating: boolean
  /** The endpoint's `nodeName` is this node. */
  readonly isLocal: boolean
  readonly zoneHints: ReadonlySet<string>
  readonly nodeHints: ReadonlySet<string>
}

/** One port of one Service, as one proxier (one IP family) sees it. */
export interface ServicePortInfo {
  readonly namespace: string
  readonly name: string
  /** The Service port's name; `''` for an unnamed port. */
  readonly portName: string
  /** `ServicePortName.String()`: `ns/name` plus `:port` when the port is named. */
  readonly spn: string
  readonly protocol: L4Protocol
  readonly family: IPFamily
  readonly clusterIP: string
  readonly port: number
  /** 0 when the port has no node port. */
  readonly nodePort: number
  readonly externalIPs: readonly string[]
  /** LoadBalancer ingress IPs of this family whose ipMode is not Proxy. */
  readonly loadBalancerVIPs: readonly string[]
  /** loadBalancerSourceRanges of this family, trimmed and printed as Go does. */
  readonly sourceRanges: readonly string[]
  readonly externalPolicyLocal: boolean
  readonly internalPolicyLocal: boolean
  /** ClientIP affinity timeout in seconds; undefined without session affinity. */
  readonly stickySeconds: number | undefined
  /** 0 unless the Service is a LoadBalancer with externalTrafficPolicy Local. */
  readonly healthCheckNodePort: number
  /** Sorted by `key` (byte order), as the endpoints map hands them out. */
  readonly endpoints: readonly EndpointInfo[]
}

/** `ExternallyAccessible()`: a node port, an external IP or a load-balancer IP. */
export function externallyAccessible(s: ServicePortInfo): boolean {
  return s.nodePort !== 0 || s.externalIPs.length > 0 || s.loadBalancerVIPs.length > 0
}

/** `UsesClusterEndpoints()`: Cluster ITP, or any external traffic (short-circuited pods use it). */
export function usesClusterEndpoints(s: ServicePortInfo): boolean {
  return !s.internalPolicyLocal || externallyAccessible(s)
}

/** `UsesLocalEndpoints()`: Local ITP, or Local ETP with some external destination. */
export function usesLocalEndpoints(s: ServicePortInfo): boolean {
  return s.internalPolicyLocal || (s.externalPolicyLocal && externallyAccessible(s))
}
