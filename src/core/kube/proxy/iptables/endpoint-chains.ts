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

const NO_WORDS: readonly string[] = []

/** `SPN -> ip:port`, left out in large-cluster mode. */
function endpointComment(
  o: IptablesOptions,
  svc: ServicePortInfo,
  ep: EndpointInfo,
): readonly string[] {
  return o.largeClusterMode
    ? NO_WORDS
    : ['-m', 'comment', '--comment', quoted(`${svc.spn} -> ${ep.key}`)]
}

/**
 * KUBE-SEP names by endpoint key, each hashed once: the dispatch rules and the endpoint's own
 * chain all name it, and hashing is the costliest step of a large sync.
 */
export type SepNames = ReadonlyMap<string, string>

function sepNames(svc: ServicePortInfo, endpoints: readonly EndpointInfo[]): SepNames {
  const names = new Map<string, string>()
  for (const ep of endpoints) names.set(ep.key, sepChain(svc, ep))
  return names
}

/** Rules of one KUBE-SVC or KUBE-SVL chain over `endpoints`. */
export function writeDispatch(
  p: RestorePayload,
  svc: ServicePortInfo,
  chain: string,
  endpoints: readonly EndpointInfo[],
  names: SepNames,
  o: IptablesOptions,
): void {
  addChain(p.nat, chain)
  if (svc.stickySeconds !== undefined) {
    for (const ep of endpoints) {
      const sep = names.get(ep.key) ?? sepChain(svc, ep)
      addRule(
        p.nat,
        chain,
        endpointComment(o, svc, ep),
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
  // Each endpoint takes 1/k of what the ones before it left; the last takes the rest.
  let left = endpoints.length
  for (const ep of endpoints) {
    const pick =
      left > 1
        ? ['-m', 'statistic', '--mode', 'random', '--probability', probability(left)]
        : NO_WORDS
    const sep = names.get(ep.key) ?? sepChain(svc, ep)
    addRule(p.nat, chain, endpointComment(o, svc, ep), pick, '-j', sep)
    left--
  }
}

/** One KUBE-SEP chain: masquerade hairpin (pod to its own service), record affinity, DNAT. */
export function writeEndpointChain(
  p: RestorePayload,
  svc: ServicePortInfo,
  ep: EndpointInfo,
  chain: string,
  o: IptablesOptions,
): void {
  addChain(p.nat, chain)
  const c = o.largeClusterMode ? NO_WORDS : ['-m', 'comment', '--comment', svc.spn]
  addRule(p.nat, chain, c, '-s', ep.ip, '-j', KUBE_MARK_MASQ)
  const sticky =
    svc.stickySeconds === undefined ? NO_WORDS : ['-m', 'recent', '--name', chain, '--set']
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
  const reachable = plan.endpoints.allReachable
  const names = sepNames(plan.svc, reachable)
  if (plan.usesClusterPolicyChain)
    writeDispatch(p, plan.svc, chains.cluster, plan.clusterEndpoints, names, o)
  if (plan.usesLocalPolicyChain)
    writeDispatch(p, plan.svc, chains.local, plan.localEndpoints, names, o)
  for (const ep of reachable)
    writeEndpointChain(p, plan.svc, ep, names.get(ep.key) ?? sepChain(plan.svc, ep), o)
}
