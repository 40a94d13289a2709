/**
 * @module core/kube/proxy/plan
 * The per-service-port decisions both kube-proxy backends make before writing anything
 * (pkg/proxy/iptables/proxier.go and pkg/proxy/nftables/proxier.go, `syncProxyRules`): which
 * policy chain internal and external traffic use, whether each has endpoints, and what a
 * packet meets when it has none (REJECT when the service has no endpoints at all, DROP when
 * only the Local policy lacks them).
 */
import { type Categorized, categorizeEndpoints, type NodeTopology } from './categorize.js'
import type { EndpointInfo, ServicePortInfo } from './types.js'
import { externallyAccessible, usesClusterEndpoints, usesLocalEndpoints } from './types.js'

/** What traffic without endpoints meets, and the comment kube-proxy gives the rule. */
export interface NoEndpointVerdict {
  readonly verdict: 'REJECT' | 'DROP'
  /** `SPN has no endpoints` or `SPN has no local endpoints` (unquoted). */
  readonly comment: string
}

export interface ServicePortPlan {
  readonly svc: ServicePortInfo
  readonly endpoints: Categorized
  /** A cluster-policy chain (KUBE-SVC / `service-…`) is written. */
  readonly usesClusterPolicyChain: boolean
  /** A local-policy chain (KUBE-SVL / `local-…`) is written. */
  readonly usesLocalPolicyChain: boolean
  readonly hasEndpoints: boolean
  readonly hasInternalEndpoints: boolean
  readonly hasExternalEndpoints: boolean
  /** ClusterIP traffic goes to the local-policy chain (ITP Local). */
  readonly internalLocal: boolean
  /** External traffic ends in the local-policy chain (ETP Local). */
  readonly externalLocal: boolean
  /** The external-destinations chain (KUBE-EXT / `external-…`) is written. */
  readonly usesExternalChain: boolean
  /** Undefined when internal traffic has endpoints. */
  readonly internalFilter: NoEndpointVerdict | undefined
  /** Undefined when external traffic has endpoints. */
  readonly externalFilter: NoEndpointVerdict | undefined
  /** The endpoints each policy chain dispatches to. */
  readonly clusterEndpoints: readonly EndpointInfo[]
  readonly localEndpoints: readonly EndpointInfo[]
}

function noEndpoints(svc: ServicePortInfo): NoEndpointVerdict {
  return { verdict: 'REJECT', comment: `${svc.spn} has no endpoints` }
}

function noLocalEndpoints(svc: ServicePortInfo): NoEndpointVerdict {
  return { verdict: 'DROP', comment: `${svc.spn} has no local endpoints` }
}

/** Decide everything about one service port that does not depend on the backend. */
export function planServicePort(svc: ServicePortInfo, node: NodeTopology): ServicePortPlan {
  const endpoints = categorizeEndpoints(svc, node)
  const hasEndpoints = endpoints.hasAnyEndpoints
  const noLocal = endpoints.local.length === 0
  const hasInternalEndpoints = hasEndpoints && !(svc.internalPolicyLocal && noLocal)
  const hasExternalEndpoints = hasEndpoints && !(svc.externalPolicyLocal && noLocal)
  // Without any endpoint both kinds of traffic are rejected; without local ones, dropped.
  // The verdicts are built only when needed: most ports of a large cluster need none.
  const reject = hasEndpoints ? undefined : noEndpoints(svc)
  const drop =
    hasEndpoints && !(hasInternalEndpoints && hasExternalEndpoints)
      ? noLocalEndpoints(svc)
      : undefined
  return {
    svc,
    endpoints,
    usesClusterPolicyChain: endpoints.cluster.length > 0 && usesClusterEndpoints(svc),
    usesLocalPolicyChain: endpoints.local.length > 0 && usesLocalEndpoints(svc),
    hasEndpoints,
    hasInternalEndpoints,
    hasExternalEndpoints,
    internalLocal: svc.internalPolicyLocal,
    externalLocal: svc.externalPolicyLocal,
    usesExternalChain: hasEndpoints && externallyAccessible(svc),
    internalFilter: reject ?? (hasInternalEndpoints ? undefined : drop),
    externalFilter: reject ?? (hasExternalEndpoints ? undefined : drop),
    clusterEndpoints: endpoints.cluster,
    localEndpoints: endpoints.local,
  }
}
