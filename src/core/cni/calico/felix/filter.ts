/**
 * @module core/cni/calico/felix/filter
 * Felix's static filter chains for the iptables dataplane without host endpoints and without
 * kube-proxy's IPVS mode (felix/rules/static.go `StaticFilterTableChains` in v3.22), and the
 * rules felix hooks into INPUT, FORWARD and OUTPUT.
 *
 * The host-endpoint dispatch chains exist but are empty when there are no HostEndpoints, and
 * `cali-cidr-block` is empty unless BGPConfiguration advertises service CIDRs; the failsafe
 * chains are only referenced from host-endpoint chains, so felix does not program them.
 */
import { CHAIN, IFACE_PREFIX, IPSET } from '../names.js'
import { action, match, PROTO } from './fragments.js'
import type { FelixChain, FelixRule } from './rule.js'
import { ALL_MARK_BITS, type FelixSettings, MARKS } from './settings.js'

const WORKLOADS = `${IFACE_PREFIX}+`

const accepted = (comment?: string): FelixRule => ({
  match: [match.markSingleBitSet(MARKS.accept)],
  action: action.accept,
  ...(comment === undefined ? {} : { comments: [comment] }),
})

function inputChain(s: FelixSettings): FelixChain {
  const rules: FelixRule[] = []
  if (s.ipipEnabled) {
    rules.push(
      {
        match: [
          match.protocolNum(PROTO.ipip),
          match.sourceIpSet(IPSET.allHosts),
          match.destAddrTypeLocal(),
        ],
        action: action.accept,
        comments: ['Allow IPIP packets from Calico hosts'],
      },
      {
        match: [match.protocolNum(PROTO.ipip)],
        action: action.drop,
        comments: ['Drop IPIP packets from non-Calico hosts'],
      },
    )
  }
  if (s.vxlanEnabled) {
    const vxlan = [match.protocolNum(PROTO.udp), match.destPorts([s.vxlanPort])]
    rules.push(
      {
        match: [...vxlan, match.sourceIpSet(IPSET.allVxlanSources), match.destAddrTypeLocal()],
        action: action.accept,
        comments: ['Allow VXLAN packets from whitelisted hosts'],
      },
      {
        match: [...vxlan, match.destAddrTypeLocal()],
        action: action.drop,
        comments: ['Drop VXLAN packets from non-whitelisted hosts'],
      },
    )
  }
  rules.push(
    { match: [match.inInterface(WORKLOADS)], action: action.goto(CHAIN.workloadToHost) },
    accepted(),
    { action: action.clearMark(ALL_MARK_BITS) },
    { action: action.jump(CHAIN.fromHostEndpoint) },
    accepted('Host endpoint policy accepted packet.'),
  )
  return { name: CHAIN.filterInput, rules }
}

function workloadToHostChain(s: FelixSettings): FelixChain {
  const final = { DROP: action.drop, ACCEPT: action.accept, RETURN: action.return }
  return {
    name: CHAIN.workloadToHost,
    rules: [
      { action: action.jump(CHAIN.fromWorkloadDispatch) },
      {
        action: final[s.endpointToHostAction],
        comments: ['Configured DefaultEndpointToHostAction'],
      },
    ],
  }
}

function forwardChain(): FelixChain {
  return {
    name: CHAIN.filterForward,
    rules: [
      // Clear every Calico bit but accept, which raw/pre-DNAT policy uses to pass a verdict on.
      { action: action.clearMark(ALL_MARK_BITS & ~MARKS.accept) },
      {
        match: [match.markClear(MARKS.accept)],
        action: action.jump(CHAIN.fromHostEndpointForward),
      },
      { match: [match.inInterface(WORKLOADS)], action: action.jump(CHAIN.fromWorkloadDispatch) },
      { match: [match.outInterface(WORKLOADS)], action: action.jump(CHAIN.toWorkloadDispatch) },
      { action: action.jump(CHAIN.toHostEndpointForward) },
      { action: action.jump(CHAIN.cidrBlock) },
    ],
  }
}

function outputChain(s: FelixSettings): FelixChain {
  const rules: FelixRule[] = [
    accepted(),
    // Host to local workload: felix does not police it (the endpoint's ingress policy is skipped).
    { match: [match.outInterface(WORKLOADS)], action: action.return },
  ]
  if (s.ipipEnabled) {
    rules.push({
      match: [
        match.protocolNum(PROTO.ipip),
        match.destIpSet(IPSET.allHosts),
        match.srcAddrTypeLocal(),
      ],
      action: action.accept,
      comments: ['Allow IPIP packets to other Calico hosts'],
    })
  }
  if (s.vxlanEnabled) {
    rules.push({
      match: [
        match.protocolNum(PROTO.udp),
        match.destPorts([s.vxlanPort]),
        match.srcAddrTypeLocal(),
        match.destIpSet(IPSET.allVxlanSources),
      ],
      action: action.accept,
      comments: ['Allow VXLAN packets to other whitelisted hosts'],
    })
  }
  rules.push(
    { action: action.clearMark(ALL_MARK_BITS) },
    { match: [match.notCtState('DNAT')], action: action.jump(CHAIN.toHostEndpoint) },
    accepted('Host endpoint policy accepted packet.'),
  )
  return { name: CHAIN.filterOutput, rules }
}

/** Empty dispatch chains: no host endpoints, no advertised service CIDRs. */
const EMPTY = [
  CHAIN.fromHostEndpoint,
  CHAIN.toHostEndpoint,
  CHAIN.fromHostEndpointForward,
  CHAIN.toHostEndpointForward,
  CHAIN.cidrBlock,
]

export function staticFilterChains(s: FelixSettings): FelixChain[] {
  return [
    forwardChain(),
    inputChain(s),
    workloadToHostChain(s),
    outputChain(s),
    ...EMPTY.map((name) => ({ name, rules: [] })),
  ]
}

/** The jumps felix inserts into the kernel chains (int_dataplane `setUpIptablesNormal`). */
export function filterHooks(): Record<string, FelixRule[]> {
  return {
    FORWARD: [{ action: action.jump(CHAIN.filterForward) }],
    INPUT: [{ action: action.jump(CHAIN.filterInput) }],
    OUTPUT: [{ action: action.jump(CHAIN.filterOutput) }],
  }
}

/**
 * What felix appends to FORWARD (`StaticFilterForwardAppendRules`): accept what policy
 * accepted, then mark the rest so that mangle POSTROUTING treats it as forwarded.
 */
export function filterForwardAppends(): FelixRule[] {
  return [accepted('Policy explicitly accepted packet.'), { action: action.setMark(MARKS.accept) }]
}
