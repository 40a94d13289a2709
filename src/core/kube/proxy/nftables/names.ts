/**
 * @module core/kube/proxy/nftables/names
 * kube-proxy's nftables object names (pkg/proxy/nftables/proxier.go): fixed chains, sets and
 * maps, and the per-service-port and per-endpoint names built from `ns/svc/proto/port` with a
 * hash prefix (kube-proxy-spec.md §1.3). IPv6 colons become dots (`:` is not allowed).
 */
import { hashAndTruncate } from '../hash.js'
import type { EndpointInfo, ServicePortInfo } from '../types.js'

export const SERVICES = 'services'
export const SERVICE_IPS = 'service-ips'
export const SERVICE_NODEPORTS = 'service-nodeports'
export const NODEPORT_IPS = 'nodeport-ips'
export const CLUSTER_IPS = 'cluster-ips'
export const SERVICE_ENDPOINTS_CHECK = 'service-endpoints-check'
export const NODEPORT_ENDPOINTS_CHECK = 'nodeport-endpoints-check'
export const NO_ENDPOINT_SERVICES = 'no-endpoint-services'
export const NO_ENDPOINT_NODEPORTS = 'no-endpoint-nodeports'
export const REJECT_CHAIN = 'reject-chain'
export const CLUSTER_IPS_CHECK = 'cluster-ips-check'
export const FIREWALL_IPS = 'firewall-ips'
export const FIREWALL_CHECK = 'firewall-check'
export const MARK_MASQ = 'mark-for-masquerade'
export const MASQUERADING = 'masquerading'

export interface ServiceChainNames {
  readonly cluster: string
  readonly local: string
  readonly external: string
  readonly firewall: string
}

export function serviceChainNames(svc: ServicePortInfo): ServiceChainNames {
  const base = hashAndTruncate(`${svc.namespace}/${svc.name}/${svc.protocol}/${svc.portName}`)
  return {
    cluster: `service-${base}`,
    local: `local-${base}`,
    external: `external-${base}`,
    firewall: `firewall-${base}`,
  }
}

export interface EndpointNames {
  readonly chain: string
  readonly affinitySet: string
}

export function endpointNames(svc: ServicePortInfo, ep: EndpointInfo): EndpointNames {
  const ip = ep.ip.replaceAll(':', '.')
  const base = hashAndTruncate(
    `${svc.namespace}/${svc.name}/${svc.protocol}/${svc.portName}__${ip}/${ep.port}`,
  )
  return { chain: `endpoint-${base}`, affinitySet: `affinity-${base}` }
}
