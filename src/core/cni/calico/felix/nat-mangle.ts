/**
 * @module core/cni/calico/felix/nat-mangle
 * Felix's nat and mangle chains (felix/rules/static.go and nat.go, v3.22):
 *
 * - nat: `cali-PREROUTING` and `cali-OUTPUT` jump to the (empty, no floating IPs)
 *   `cali-fip-dnat`; `cali-POSTROUTING` jumps to `cali-fip-snat` and `cali-nat-outgoing`, then,
 *   per tunnel device with an address, masquerades packets that leave by the tunnel with a host
 *   source that is not the tunnel's own address (a host process talking to a pod on another
 *   node through a Service).
 * - `cali-nat-outgoing` holds one rule while any pool has natOutgoing: pod sources in a
 *   masquerading pool, going outside every pool, are masqueraded (`--random-fully`).
 * - mangle: `cali-PREROUTING` and `cali-POSTROUTING` with their (empty) host-endpoint
 *   dispatch chains.
 */
import { CHAIN, IPSET } from '../names.js'
import { action, match } from './fragments.js'
import type { FelixChain, FelixRule } from './rule.js'
import { ALL_MARK_BITS, type FelixSettings, MARKS } from './settings.js'

function tunnelMasquerade(device: string, s: FelixSettings): FelixRule {
  return {
    match: [match.outInterface(device), match.notSrcAddrTypeLocalOut(), match.srcAddrTypeLocal()],
    action: action.masquerade(s.masqFullyRandom),
  }
}

/** `NATOutgoingChain`: empty unless some pool masquerades (no port range, no fixed address). */
export function natOutgoingChain(s: FelixSettings): FelixChain {
  const rules: FelixRule[] = s.natOutgoing
    ? [
        {
          match: [match.sourceIpSet(IPSET.masqPools), match.notDestIpSet(IPSET.allPools)],
          action: action.masquerade(s.masqFullyRandom),
        },
      ]
    : []
  return { name: CHAIN.natOutgoing, rules }
}

export function natChains(s: FelixSettings): FelixChain[] {
  const postrouting: FelixRule[] = [
    { action: action.jump(CHAIN.fipSnat) },
    { action: action.jump(CHAIN.natOutgoing) },
  ]
  if (s.ipipEnabled && s.ipipTunnelAddress !== undefined) {
    postrouting.push(tunnelMasquerade('tunl0', s))
  }
  if (s.vxlanEnabled && s.vxlanTunnelAddress !== undefined) {
    postrouting.push(tunnelMasquerade('vxlan.calico', s))
  }
  return [
    { name: CHAIN.natPrerouting, rules: [{ action: action.jump(CHAIN.fipDnat) }] },
    { name: CHAIN.natPostrouting, rules: postrouting },
    { name: CHAIN.natOutput, rules: [{ action: action.jump(CHAIN.fipDnat) }] },
    { name: CHAIN.fipDnat, rules: [] },
    { name: CHAIN.fipSnat, rules: [] },
    natOutgoingChain(s),
  ]
}

export function natHooks(): Record<string, FelixRule[]> {
  return {
    PREROUTING: [{ action: action.jump(CHAIN.natPrerouting) }],
    POSTROUTING: [{ action: action.jump(CHAIN.natPostrouting) }],
    OUTPUT: [{ action: action.jump(CHAIN.natOutput) }],
  }
}

export function mangleChains(): FelixChain[] {
  const accepted = (comment?: string): FelixRule => ({
    match: [match.markSingleBitSet(MARKS.accept)],
    action: action.accept,
    ...(comment === undefined ? {} : { comments: [comment] }),
  })
  const returned = (comment?: string): FelixRule => ({
    match: [match.markSingleBitSet(MARKS.accept)],
    action: action.return,
    ...(comment === undefined ? {} : { comments: [comment] }),
  })
  return [
    {
      name: CHAIN.manglePrerouting,
      rules: [
        { match: [match.ctState('RELATED,ESTABLISHED')], action: action.accept },
        accepted(),
        { action: action.jump(CHAIN.fromHostEndpoint) },
        accepted('Host endpoint policy accepted packet.'),
      ],
    },
    {
      name: CHAIN.manglePostrouting,
      rules: [
        returned(),
        { action: action.clearMark(ALL_MARK_BITS) },
        { match: [match.ctState('DNAT')], action: action.jump(CHAIN.toHostEndpoint) },
        returned('Host endpoint policy accepted packet.'),
      ],
    },
    { name: CHAIN.fromHostEndpoint, rules: [] },
    { name: CHAIN.toHostEndpoint, rules: [] },
  ]
}

export function mangleHooks(): Record<string, FelixRule[]> {
  return {
    PREROUTING: [{ action: action.jump(CHAIN.manglePrerouting) }],
    POSTROUTING: [{ action: action.jump(CHAIN.manglePostrouting) }],
  }
}
