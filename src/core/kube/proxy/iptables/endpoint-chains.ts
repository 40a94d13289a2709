/**
 * @module core/kube/proxy/iptables/endpoint-chains
 * Endpoint dispatch (kube-proxy-spec.md §2.5 items 9–10): KUBE-SVC/KUBE-SVL pick an endpoint
 * (sticky `recent` checks first, then `statistic` rules giving each remaining endpoint 1/k),
 * and each KUBE-SEP chain masquerades hairpin traffic and DNATs.
 *
 * In large-cluster mode (> 1000 endpoints) the per-endpoint comments are left out, which
 * shrinks the ruleset by 40% or more (kube-proxy's own measurement).
 */
import type { ServicePortPlan } from '../plan.js'
import type { EndpointInfo, ServicePortInfo } from '../types.js'
import { KUBE_MARK_MASQ, sepChain } from './names.js'
import type { IptablesOptions } from './options.js'
import { addChain, addRule, quoted, type RestorePayload } from './payload.js'
import { probability } from './probability.js'

function endpointComment(o: IptablesOptions, text: string): string[] {
  return o.largeClusterMode ? [] : ['-m', 'comment', '--comment', text]
}

/** Rules of one KUBE-SVC or KUBE-SVL chain over `endpoints`. */
export function writeDispatch(
  p: RestorePayload,
  svc: ServicePortInfo,
  chain: string,
  endpoints: readonly EndpointInfo[],
  o: IptablesOptions,
): void {
  addChain(p.nat, chain)
  const describe = (ep: EndpointInfo) => endpointComment(o, quoted(`${svc.spn} -> ${ep.key}`))
  if (svc.stickySeconds !== undefined) {
    for (const ep of endpoints) {
      const sep = sepChain(svc, ep)
      addRule(
        p.nat,
        chain,
        describe(ep),
        '-m',
        'recent',
        '--name',
        sep,
        '--rcheck',
        '--seconds',
        String(svc.stickySeconds),
        '--reap',
        '-j',
        sep,
      )
    }
  }
  endpoints.forEach((ep, i) => {
    const left = endpoints.length - i
    const pick =
      left > 1 ? ['-m', 'statistic', '--mode', 'random', '--probability', probability(left)] : []
    addRule(p.nat, chain, describe(ep), pick, '-j', sepChain(svc, ep))
  })
}

/** One KUBE-SEP chain: masquerade hairpin (pod to its own service), record affinity, DNAT. */
export function writeEndpointChain(
  p: RestorePayload,
  svc: ServicePortInfo,
  ep: EndpointInfo,
  o: IptablesOptions,
): void {
  const chain = sepChain(svc, ep)
  addChain(p.nat, chain)
  const c = endpointComment(o, svc.spn)
  addRule(p.nat, chain, c, '-s', ep.ip, '-j', KUBE_MARK_MASQ)
  const sticky = svc.stickySeconds === undefined ? [] : ['-m', 'recent', '--name', chain, '--set']
  addRule(
    p.nat,
    chain,
    c,
    sticky,
    '-m',
    svc.protocol,
    '-p',
    svc.protocol,
    '-j',
    'DNAT',
    '--to-destination',
    ep.key,
  )
}

/** KUBE-SVC, KUBE-SVL and every reachable KUBE-SEP of one service port. */
export function writeEndpointRules(
  p: RestorePayload,
  plan: ServicePortPlan,
  chains: { readonly cluster: string; readonly local: string },
  o: IptablesOptions,
): void {
  if (plan.usesClusterPolicyChain)
    writeDispatch(p, plan.svc, chains.cluster, plan.clusterEndpoints, o)
  if (plan.usesLocalPolicyChain) writeDispatch(p, plan.svc, chains.local, plan.localEndpoints, o)
  for (const ep of plan.endpoints.allReachable) writeEndpointChain(p, plan.svc, ep, o)
}
