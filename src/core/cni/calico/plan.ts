/**
 * @module core/cni/calico/plan
 * Everything cluster-wide the Calico model decides once: the configuration, IPAM, and which
 * encapsulations felix runs. Computed once per {@link Cluster} (clusters are immutable values)
 * and shared by every node and pod render.
 *
 * Encapsulation: creating an IPIP (VXLAN) pool through Calico's client also turns on felix's
 * global `ipipEnabled` (`vxlanEnabled`), so the model enables each when some pool uses it,
 * unless the FelixConfiguration says otherwise. IPIP routes come from BIRD, so IPIP needs the
 * `bird` backend; the `none` backend (policy only) runs neither.
 */
import type { Cluster } from '../../kube/model.js'
import { readCalicoConfig } from './config.js'
import type { CalicoConfig, Finding } from './config-types.js'
import { type IpamPlan, planIpam } from './ipam.js'

export interface CalicoPlan {
  readonly config: CalicoConfig
  readonly ipam: IpamPlan
  readonly ipipEnabled: boolean
  readonly vxlanEnabled: boolean
  /** Configuration and IPAM findings, reported once per cluster. */
  readonly findings: readonly Finding[]
}

const plans = new WeakMap<Cluster, CalicoPlan>()

export function calicoPlan(cluster: Cluster): CalicoPlan {
  const cached = plans.get(cluster)
  if (cached) return cached
  const config = readCalicoConfig(cluster)
  const ipam = planIpam(cluster, config)
  const usesIpip = config.pools.some((p) => p.ipipMode !== 'Never')
  const usesVxlan = config.pools.some((p) => p.vxlanMode !== 'Never')
  const plan: CalicoPlan = {
    config,
    ipam,
    ipipEnabled: config.backend === 'bird' && (config.felix.ipipEnabled ?? usesIpip),
    vxlanEnabled: config.backend !== 'none' && (config.felix.vxlanEnabled ?? usesVxlan),
    findings: [...config.findings, ...ipam.findings],
  }
  plans.set(cluster, plan)
  return plan
}
