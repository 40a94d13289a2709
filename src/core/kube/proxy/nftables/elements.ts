/**
 * @module core/kube/proxy/nftables/elements
 * The map and set elements one service port contributes (kube-proxy-spec.md §3.3): its
 * ClusterIP in `cluster-ips`; each destination (ClusterIP, external IPs, LB IPs, NodePort)
 * either in the dispatch maps (`service-ips`, `service-nodeports`) or, without endpoints, in
 * the `no-endpoint-*` maps with `drop` or `goto reject-chain`; LB IPs with source ranges in
 * `firewall-ips`.
 */
import type { ServicePortPlan } from '../plan.js'
import type { Warn } from '../service-ports.js'
import type { FixedSets } from './fixed.js'
import type { NftElement, NftSet } from './model.js'
import { REJECT_CHAIN, type ServiceChainNames } from './names.js'

/** Where each key sits in its set's element list (sets are only ever appended to here). */
const positions = new WeakMap<NftSet, Map<string, number>>()

/**
 * Add an element. Two services claiming one destination collide: kube-proxy's element storage
 * replaces the older element (`delete` + `add`), so the last writer wins; we say so.
 */
export function putElement(set: NftSet, e: NftElement, warn: Warn): void {
  const key = e.key.join(' . ')
  let index = positions.get(set)
  if (!index) {
    index = new Map(set.elements.map((x, i) => [x.key.join(' . '), i]))
    positions.set(set, index)
  }
  const i = index.get(key)
  if (i === undefined) {
    index.set(key, set.elements.length)
    set.elements.push(e)
    return
  }
  const old = set.elements[i]
  if (old && (old.value !== e.value || old.comment !== e.comment)) {
    warn(`nftables ${set.name}: ${key} is claimed twice; the later service port wins`)
    set.elements[i] = e
  }
}

function verdict(v: 'REJECT' | 'DROP'): string {
  return v === 'DROP' ? 'drop' : `goto ${REJECT_CHAIN}`
}

/** Uses a firewall chain: LB IPs and source ranges (nftables does not require endpoints). */
export function usesFirewall(plan: ServicePortPlan): boolean {
  return plan.svc.loadBalancerVIPs.length > 0 && plan.svc.sourceRanges.length > 0
}

export function addElements(
  sets: FixedSets,
  plan: ServicePortPlan,
  names: ServiceChainNames,
  warn: Warn,
): void {
  const svc = plan.svc
  const tuple = (ip: string) => [ip, svc.protocol, String(svc.port)]
  const noEndpoint = (ip: string, v: 'REJECT' | 'DROP') =>
    putElement(
      sets.noEndpointServices,
      { key: tuple(ip), comment: svc.spn, value: verdict(v) },
      warn,
    )
  putElement(sets.clusterIPs, { key: [svc.clusterIP] }, warn)
  if (plan.hasInternalEndpoints) {
    const chain = plan.internalLocal ? names.local : names.cluster
    putElement(sets.serviceIPs, { key: tuple(svc.clusterIP), value: `goto ${chain}` }, warn)
  } else if (plan.internalFilter) noEndpoint(svc.clusterIP, plan.internalFilter.verdict)
  const external = `goto ${names.external}`
  const ext = plan.externalFilter
  for (const ip of svc.externalIPs) {
    if (plan.hasEndpoints) putElement(sets.serviceIPs, { key: tuple(ip), value: external }, warn)
    if (ext) noEndpoint(ip, ext.verdict)
  }
  for (const ip of svc.loadBalancerVIPs) {
    if (plan.hasEndpoints) putElement(sets.serviceIPs, { key: tuple(ip), value: external }, warn)
    if (usesFirewall(plan))
      putElement(sets.firewallIPs, { key: tuple(ip), value: `goto ${names.firewall}` }, warn)
  }
  if (ext) for (const ip of svc.loadBalancerVIPs) noEndpoint(ip, ext.verdict)
  if (svc.nodePort === 0) return
  const np = [svc.protocol, String(svc.nodePort)]
  if (plan.hasEndpoints) putElement(sets.serviceNodePorts, { key: np, value: external }, warn)
  if (ext)
    putElement(
      sets.noEndpointNodePorts,
      { key: np, comment: svc.spn, value: verdict(ext.verdict) },
      warn,
    )
}
