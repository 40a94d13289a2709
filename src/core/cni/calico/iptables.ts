/**
 * @module core/cni/calico/iptables
 * Felix's whole iptables state for one node, as iptables-restore payload: the static filter,
 * nat and mangle chains, the workload dispatch chains, one pair of endpoint chains per pod on
 * the node and one pair of chains per profile those pods use. The raw table is not rendered
 * (see README: its anti-spoofing rule uses `-m rpfilter`).
 *
 * Pods' service accounts are not in kpath's Pod model; the Kubernetes default `default` is used
 * for the `ksa.<namespace>.<sa>` profile.
 */
import type { Pod } from '../../kube/model.js'
import {
  endpointChains,
  profileChains,
  type WorkloadEndpoint,
  workloadDispatchChains,
} from './felix/endpoints.js'
import { filterForwardAppends, filterHooks, staticFilterChains } from './felix/filter.js'
import { mangleChains, mangleHooks, natChains, natHooks } from './felix/nat-mangle.js'
import { tablePayload } from './felix/payload.js'
import type { FelixSettings } from './felix/settings.js'
import { calicoVethName, podProfiles } from './names.js'
import type { CalicoPlan } from './plan.js'

export function workloadEndpoint(pod: Pod): WorkloadEndpoint {
  const namespace = pod.metadata.namespace ?? 'default'
  return {
    iface: calicoVethName(namespace, pod.metadata.name),
    profiles: podProfiles(namespace, 'default'),
  }
}

export function felixSettings(plan: CalicoPlan, node: string): FelixSettings {
  const tunnels = plan.ipam.tunnels.get(node) ?? {}
  return {
    ipipEnabled: plan.ipipEnabled,
    vxlanEnabled: plan.vxlanEnabled,
    ...(tunnels.ipip === undefined ? {} : { ipipTunnelAddress: tunnels.ipip }),
    ...(tunnels.vxlan === undefined ? {} : { vxlanTunnelAddress: tunnels.vxlan }),
    vxlanPort: plan.config.felix.vxlanPort,
    endpointToHostAction: plan.config.felix.endpointToHostAction,
    chainInsertMode: plan.config.felix.chainInsertMode,
    natOutgoing: plan.config.pools.some((p) => p.natOutgoing),
    masqFullyRandom: true,
  }
}

/** The IPv4 payload for `node`, whose Calico pods are `pods`. */
export function nodeIptables(plan: CalicoPlan, node: string, pods: readonly Pod[]): string {
  const s = felixSettings(plan, node)
  const endpoints = pods.map(workloadEndpoint)
  const profiles = [...new Set(endpoints.flatMap((e) => e.profiles))].sort()
  const filter = [
    ...staticFilterChains(s),
    ...workloadDispatchChains(endpoints),
    ...endpoints.flatMap((e) => endpointChains(e, s.vxlanPort)),
    ...profiles.flatMap(profileChains),
  ]
  const mode = s.chainInsertMode
  return [
    tablePayload({ name: 'mangle', chains: mangleChains(), hooks: mangleHooks() }, mode),
    tablePayload(
      {
        name: 'filter',
        chains: filter,
        hooks: filterHooks(),
        appends: { FORWARD: filterForwardAppends() },
      },
      mode,
    ),
    tablePayload({ name: 'nat', chains: natChains(s), hooks: natHooks() }, mode),
  ].join('')
}
