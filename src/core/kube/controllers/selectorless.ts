/**
 * @module core/kube/controllers/selectorless
 * A Service without a selector gets its endpoints from whoever writes them (EndpointSlices or
 * v1 Endpoints in the input). With none, the API server accepts it, and kube-proxy rejects its
 * traffic (REJECT, or drop in nftables mode): kpath warns, it does not fail.
 */
import { servicesWithSlices } from './endpointslices.js'
import { type ClusterDraft, originOf, type Warning } from './types.js'

export function warnSelectorless(draft: ClusterDraft): ClusterDraft {
  const sliced = servicesWithSlices(draft.endpointSlices)
  const warnings: Warning[] = []
  for (const svc of draft.services) {
    if (svc.spec.type === 'ExternalName') continue
    if (Object.keys(svc.spec.selector ?? {}).length > 0) continue
    const key = `${svc.metadata.namespace}/${svc.metadata.name}`
    if (sliced.has(key)) continue
    const location = originOf(draft, 'Service', svc.metadata)
    warnings.push({
      message: `Service ${key} has no selector and no EndpointSlices or Endpoints: it has no endpoints, and kube-proxy rejects its traffic`,
      ...(location === undefined ? {} : { location }),
    })
  }
  return { ...draft, warnings: [...draft.warnings, ...warnings] }
}
