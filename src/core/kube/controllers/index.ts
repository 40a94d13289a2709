/**
 * @module core/kube/controllers
 * The controllers kube-proxy's inputs depend on, run once, in dependency order: each is a pure
 * `ClusterDraft → ClusterDraft` step that fills only what the input left out.
 *
 * 1. node IPAM (podCIDRs), 2. the `kubernetes` Service, 3. NodePorts, 4. ClusterIPs (NodePorts
 * first: both look at which Services came without a clusterIP), 5. workloads → Pods,
 * 6. scheduling, 7. pod IPs and status, 8. Endpoints mirroring, 9. the EndpointSlice
 * controller, 10. a warning for Services left without endpoints and selector.
 */
import { addApiServerService } from './api-server-service.js'
import { allocateClusterIPs } from './cluster-ips.js'
import { runEndpointSlices } from './endpointslices.js'
import { runMirroring } from './mirroring.js'
import { allocateNodeCidrs } from './node-ipam.js'
import { allocateNodePorts } from './node-ports.js'
import { assignPodIPs } from './pod-ips.js'
import { schedulePods } from './scheduler.js'
import { warnSelectorless } from './selectorless.js'
import type { ClusterDraft, ControllerOptions } from './types.js'
import { runWorkloads } from './workloads.js'

type Step = (draft: ClusterDraft, options: ControllerOptions) => ClusterDraft

export const CONTROLLERS: readonly Step[] = [
  allocateNodeCidrs,
  addApiServerService,
  allocateNodePorts,
  allocateClusterIPs,
  runWorkloads,
  schedulePods,
  assignPodIPs,
  runMirroring,
  runEndpointSlices,
  warnSelectorless,
]

export function runControllers(draft: ClusterDraft, options: ControllerOptions): ClusterDraft {
  return CONTROLLERS.reduce((d, step) => step(d, options), draft)
}
