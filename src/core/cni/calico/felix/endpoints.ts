/**
 * @module core/cni/calico/felix/endpoints
 * The filter chains felix renders per workload endpoint when no network policy applies
 * (felix/rules/dispatch.go, endpoints.go and policy.go in v3.22):
 *
 * - `cali-from-wl-dispatch` / `cali-to-wl-dispatch` send a packet to its endpoint's chain by
 *   interface. With many endpoints felix builds a shallow tree: names sorted, their common
 *   prefix found, names binned by the next character; a bin of one is a rule in the root chain,
 *   a bigger bin gets a child chain `<root>-<char>` reached by a `<prefix>+` goto. Anything else
 *   is dropped ("Unknown interface").
 * - `cali-tw-<iface>` (to the pod) and `cali-fw-<iface>` (from it): conntrack shortcuts, clear
 *   the accept bit, (from the pod) drop VXLAN and IPIP the pod itself encapsulates, then each
 *   profile in turn, returning as soon as one sets the accept bit.
 * - the profiles of the Kubernetes datastore: `kns.<namespace>` allows everything both ways;
 *   `ksa.<namespace>.<sa>` has no rules, so its chains hold one rule with only a comment.
 */
import { CHAIN, PREFIX, prefixedChain } from '../names.js'
import { action, match, PROTO } from './fragments.js'
import type { FelixChain, FelixRule } from './rule.js'
import { MARKS } from './settings.js'

export interface WorkloadEndpoint {
  readonly iface: string
  /** Profile IDs in the endpoint's order (`kns.…` then `ksa.…`). */
  readonly profiles: readonly string[]
}

const UNKNOWN: FelixRule = { action: action.drop, comments: ['Unknown interface'] }

function commonPrefix(names: readonly string[]): string {
  const first = names[0] ?? ''
  let n = first.length
  for (const name of names) {
    let i = 0
    while (i < n && i < name.length && name[i] === first[i]) i++
    n = i
  }
  return first.slice(0, n)
}

/** One dispatch root and its children (`buildSingleDispatchChains`). */
function dispatchChains(
  root: string,
  names: readonly string[],
  ifaceMatch: (name: string) => string,
  endpointPrefix: string,
): FelixChain[] {
  const sorted = [...new Set(names)].sort()
  const common = commonPrefix(sorted)
  const bins = new Map<string, string[]>()
  for (const name of sorted) {
    const key = name.length > common.length ? name.slice(0, common.length + 1) : common
    bins.set(key, [...(bins.get(key) ?? []), name])
  }
  const children: FelixChain[] = []
  const rootRules: FelixRule[] = []
  const toEndpoint = (name: string): FelixRule => ({
    match: [ifaceMatch(name)],
    action: action.goto(prefixedChain(endpointPrefix, name)),
  })
  for (const [prefix, members] of bins) {
    if (members.length === 1) {
      rootRules.push(toEndpoint(members[0] ?? ''))
      continue
    }
    const child = `${root}-${prefix.slice(common.length)}`
    rootRules.push({ match: [ifaceMatch(`${prefix}+`)], action: action.goto(child) })
    children.push({ name: child, rules: [...members.map(toEndpoint), UNKNOWN] })
  }
  return [...children, { name: root, rules: [...rootRules, UNKNOWN] }]
}

export function workloadDispatchChains(endpoints: readonly WorkloadEndpoint[]): FelixChain[] {
  const names = endpoints.map((e) => e.iface)
  return [
    ...dispatchChains(CHAIN.fromWorkloadDispatch, names, match.inInterface, PREFIX.fromWorkload),
    ...dispatchChains(CHAIN.toWorkloadDispatch, names, match.outInterface, PREFIX.toWorkload),
  ]
}

function endpointChain(
  name: string,
  profiles: readonly string[],
  profilePrefix: string,
  /** For the chain from the workload: the VXLAN port whose packets the pod may not send. */
  dropVxlanPort: number | undefined,
): FelixChain {
  const rules: FelixRule[] = [
    { match: [match.ctState('RELATED,ESTABLISHED')], action: action.accept },
    { match: [match.ctState('INVALID')], action: action.drop },
    { action: action.clearMark(MARKS.accept) },
  ]
  if (dropVxlanPort !== undefined) {
    // AllowVXLANPacketsFromWorkloads and AllowIPIPPacketsFromWorkloads default to false.
    rules.push(
      {
        match: [match.protocolNum(PROTO.udp), match.destPorts([dropVxlanPort])],
        action: action.drop,
        comments: ['Drop VXLAN encapped packets originating in workloads'],
      },
      {
        match: [match.protocolNum(PROTO.ipip)],
        action: action.drop,
        comments: ['Drop IPinIP encapped packets originating in workloads'],
      },
    )
  }
  for (const profile of profiles) {
    rules.push(
      { action: action.jump(prefixedChain(profilePrefix, profile)) },
      {
        match: [match.markSingleBitSet(MARKS.accept)],
        action: action.return,
        comments: ['Return if profile accepted'],
      },
    )
  }
  rules.push({ action: action.drop, comments: ['Drop if no profiles matched'] })
  return { name, rules }
}

/** `cali-tw-<iface>` and `cali-fw-<iface>` (`WorkloadEndpointToIptablesChains`). */
export function endpointChains(e: WorkloadEndpoint, vxlanPort: number): FelixChain[] {
  const to = prefixedChain(PREFIX.toWorkload, e.iface)
  const from = prefixedChain(PREFIX.fromWorkload, e.iface)
  return [
    endpointChain(to, e.profiles, PREFIX.profileInbound, undefined),
    endpointChain(from, e.profiles, PREFIX.profileOutbound, vxlanPort),
  ]
}

/**
 * A profile's two chains. An allow rule becomes "set the accept bit" and "return if it is set";
 * the first rule of each chain carries the comment `Profile <id> ingress|egress`.
 */
export function profileChains(profile: string): FelixChain[] {
  const allows = profile.startsWith('kns.')
  const chain = (prefix: string, direction: string): FelixChain => {
    const comment = `Profile ${profile} ${direction}`
    const rules: FelixRule[] = allows
      ? [
          { action: action.setMark(MARKS.accept), comments: [comment] },
          { match: [match.markSingleBitSet(MARKS.accept)], action: action.return },
        ]
      : [{ comments: [comment] }]
    return { name: prefixedChain(prefix, profile), rules }
  }
  return [chain(PREFIX.profileInbound, 'ingress'), chain(PREFIX.profileOutbound, 'egress')]
}
