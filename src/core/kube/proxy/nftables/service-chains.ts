/**
 * @module core/kube/proxy/nftables/service-chains
 * The chains of one service port (kube-proxy-spec.md §3.3): `service-…` / `local-…` dispatch
 * (sticky affinity sets first, then `numgen random mod N vmap`, uniform), `external-…`,
 * `firewall-…` and one `endpoint-…` per reachable endpoint; plus the affinity sets.
 *
 * Chain order (kube-proxy's own order follows Go maps): per service port the policy chains,
 * the external chain, the endpoint chains by name, the firewall chain.
 */
import { cidrContains } from '../../../net/ip.js'
import { parseCIDRSloppy, parseIPSloppy } from '../ip-text.js'
import { nftIfLocal, nftIfNotLocal } from '../local-detector.js'
import type { ServicePortPlan } from '../plan.js'
import type { EndpointInfo } from '../types.js'
import { anonSetListed, anonSetTx } from './anon-set.js'
import { usesFirewall } from './elements.js'
import type { NftChain, NftRule, NftSet, NftTable } from './model.js'
import { same } from './model.js'
import { endpointNames, MARK_MASQ, type ServiceChainNames } from './names.js'
import { addrType, ipX, type NftOptions } from './options.js'

/** `ip daddr C [not-local] jump mark-for-masquerade`: masquerade off-cluster ClusterIP users. */
function internalMasquerade(plan: ServicePortPlan, o: NftOptions): NftRule | undefined {
  const head = `${ipX(o)} daddr ${plan.svc.clusterIP}`
  if (o.masqueradeAll) return same(`${head} jump ${MARK_MASQ}`)
  const notLocal = nftIfNotLocal(o.detector)
  if (!notLocal) return undefined
  return {
    tx: `${head} ${notLocal.tx} jump ${MARK_MASQ}`,
    listed: `${head} ${notLocal.listed} jump ${MARK_MASQ}`,
  }
}

function dispatchRules(
  plan: ServicePortPlan,
  eps: readonly EndpointInfo[],
  o: NftOptions,
): NftRule[] {
  const rules: NftRule[] = []
  const names = eps.map((ep) => endpointNames(plan.svc, ep))
  if (plan.svc.stickySeconds !== undefined)
    for (const n of names) rules.push(same(`${ipX(o)} saddr @${n.affinitySet} goto ${n.chain}`))
  const entries = names.map((n, i) => `${i} : goto ${n.chain}`)
  rules.push({
    tx: `numgen random mod ${eps.length} vmap { ${entries.join(' , ')} }`,
    listed: `numgen random mod ${eps.length} vmap { ${entries.join(', ')} }`,
  })
  return rules
}

/** ETP Local keeps client IPs; pods and the node itself short-circuit to all endpoints. */
function externalRules(plan: ServicePortPlan, n: ServiceChainNames, o: NftOptions): NftRule[] {
  if (!plan.externalLocal) {
    const rules = [same(`jump ${MARK_MASQ}`)]
    if (plan.hasExternalEndpoints) rules.push(same(`goto ${n.cluster}`))
    return rules
  }
  const rules: NftRule[] = []
  const local = nftIfLocal(o.detector)
  const pod = `goto ${n.cluster} comment "short-circuit pod traffic"`
  if (local) rules.push({ tx: `${local.tx} ${pod}`, listed: `${local.listed} ${pod}` })
  rules.push(same(`fib saddr type local jump ${MARK_MASQ} comment "masquerade local traffic"`))
  rules.push(same(`fib saddr type local goto ${n.cluster} comment "short-circuit local traffic"`))
  if (plan.hasExternalEndpoints) rules.push(same(`goto ${n.local}`))
  return rules
}

/** `ip saddr != { ranges [, LB IPs when a range holds the node IP] } drop`. */
function firewallRule(plan: ServicePortPlan, o: NftOptions): NftRule {
  const svc = plan.svc
  const node = parseIPSloppy(o.nodeIP)
  const allowNode =
    node !== undefined &&
    svc.sourceRanges.some((r) => {
      const c = parseCIDRSloppy(r)
      return c !== undefined && cidrContains(c, node)
    })
  const sources = [...svc.sourceRanges, ...(allowNode ? svc.loadBalancerVIPs : [])]
  const head = `${ipX(o)} saddr !=`
  return {
    tx: `${head} ${anonSetTx(sources)} drop`,
    listed: `${head} ${anonSetListed(sources, o.family)} drop`,
  }
}

function endpointRules(plan: ServicePortPlan, ep: EndpointInfo, o: NftOptions): NftRule[] {
  const rules = [same(`${ipX(o)} saddr ${ep.ip} jump ${MARK_MASQ}`)]
  if (plan.svc.stickySeconds !== undefined)
    rules.push(same(`update @${endpointNames(plan.svc, ep).affinitySet} { ${ipX(o)} saddr }`))
  rules.push(same(`meta l4proto ${plan.svc.protocol} dnat to ${ep.key}`))
  return rules
}

function affinitySets(plan: ServicePortPlan, o: NftOptions): NftSet[] {
  const seconds = plan.svc.stickySeconds
  if (seconds === undefined) return []
  return plan.endpoints.allReachable.map((ep) => ({
    kind: 'set',
    name: endpointNames(plan.svc, ep).affinitySet,
    key: [addrType(o)],
    flags: ['dynamic', 'timeout'],
    timeoutSeconds: seconds,
    updated: true,
    elements: [],
  }))
}

/** Policy chains with the internal masquerade rule first where ClusterIP traffic enters. */
function policyChains(plan: ServicePortPlan, n: ServiceChainNames, o: NftOptions): NftChain[] {
  const masq = plan.hasInternalEndpoints ? internalMasquerade(plan, o) : undefined
  const chains: NftChain[] = []
  const build = (name: string, eps: readonly EndpointInfo[], internal: boolean): NftChain => ({
    name,
    rules: [...(internal && masq ? [masq] : []), ...dispatchRules(plan, eps, o)],
  })
  if (plan.usesClusterPolicyChain)
    chains.push(build(n.cluster, plan.clusterEndpoints, !plan.internalLocal))
  if (plan.usesLocalPolicyChain)
    chains.push(build(n.local, plan.localEndpoints, plan.internalLocal))
  return chains
}

export function addServiceChains(
  table: NftTable,
  plan: ServicePortPlan,
  n: ServiceChainNames,
  o: NftOptions,
): void {
  table.sets.push(...affinitySets(plan, o))
  table.chains.push(...policyChains(plan, n, o))
  if (plan.usesExternalChain)
    table.chains.push({ name: n.external, rules: externalRules(plan, n, o) })
  const endpointChains = plan.endpoints.allReachable
    .map((ep) => ({ name: endpointNames(plan.svc, ep).chain, rules: endpointRules(plan, ep, o) }))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
  table.chains.push(...endpointChains)
  if (usesFirewall(plan)) table.chains.push({ name: n.firewall, rules: [firewallRule(plan, o)] })
}
