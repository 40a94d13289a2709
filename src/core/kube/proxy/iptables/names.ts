/**
 * @module core/kube/proxy/iptables/names
 * kube-proxy's iptables chain names (pkg/proxy/iptables/proxier.go, v1.33): the fixed chains,
 * and the hashed per-service-port chains (kube-proxy-spec.md §1.2).
 */
import { endpointChainName, portProtoHash } from '../hash.js'
import type { EndpointInfo, ServicePortInfo } from '../types.js'

export const KUBE_SERVICES = 'KUBE-SERVICES'
export const KUBE_EXTERNAL_SERVICES = 'KUBE-EXTERNAL-SERVICES'
export const KUBE_NODEPORTS = 'KUBE-NODEPORTS'
export const KUBE_POSTROUTING = 'KUBE-POSTROUTING'
export const KUBE_MARK_MASQ = 'KUBE-MARK-MASQ'
export const KUBE_FORWARD = 'KUBE-FORWARD'
export const KUBE_PROXY_FIREWALL = 'KUBE-PROXY-FIREWALL'
export const KUBE_PROXY_CANARY = 'KUBE-PROXY-CANARY'
/** kubelet's chain; kube-proxy keeps an identical copy (localhost NodePorts' martian guard). */
export const KUBE_FIREWALL = 'KUBE-FIREWALL'

/** The chains of one service port; they share one hash. */
export interface ServiceChains {
  /** KUBE-SVC: dispatch over the cluster-policy endpoints. */
  readonly cluster: string
  /** KUBE-SVL: dispatch over the local-policy endpoints. */
  readonly local: string
  /** KUBE-EXT: the "external destinations" chain (NodePort, external IP, LB). */
  readonly external: string
  /** KUBE-FW: loadBalancerSourceRanges. */
  readonly firewall: string
}

export function serviceChains(svc: ServicePortInfo): ServiceChains {
  const hash = portProtoHash(svc.spn, svc.protocol)
  return {
    cluster: `KUBE-SVC-${hash}`,
    local: `KUBE-SVL-${hash}`,
    external: `KUBE-EXT-${hash}`,
    firewall: `KUBE-FW-${hash}`,
  }
}

/** KUBE-SEP: one endpoint; the same chain serves KUBE-SVC and KUBE-SVL. */
export function sepChain(svc: ServicePortInfo, ep: EndpointInfo): string {
  return endpointChainName(svc.spn, svc.protocol, ep.key)
}
