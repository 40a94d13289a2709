/**
 * @module core/kube/proxy/ipvs/node-view
 * The node's iptables after an IPVS sync: `createAndLinkKubeChain` makes sure every chain
 * exists and is jumped to from the built-in chains (`EnsureRule(Prepend)`, i.e. `-I CHAIN 1`, in
 * the order of `iptablesJumpChain`, so on a fresh node they end up reversed), then the payload
 * is restored with `--noflush`. The IPVS proxier runs no canary monitor (no KUBE-PROXY-CANARY)
 * and kubelet's KUBE-FIREWALL is not part of it.
 */
import type { Family } from '../../../net/ip.js'
import { parseIptablesSave } from '../../../netfilter/iptables-save/index.js'
import type { Ruleset } from '../../../netfilter/rule.js'
import {
  KUBE_FORWARD,
  KUBE_IPVS_FILTER,
  KUBE_IPVS_OUT_FILTER,
  KUBE_NODE_PORT,
  KUBE_POSTROUTING,
  KUBE_PROXY_FIREWALL,
  KUBE_SERVICES,
} from './names.js'

interface Jump {
  readonly table: 'nat' | 'filter'
  readonly from: string
  readonly to: string
  readonly comment: string
}

/** `iptablesJumpChain`, in order. */
const JUMPS: readonly Jump[] = [
  { table: 'nat', from: 'OUTPUT', to: KUBE_SERVICES, comment: 'kubernetes service portals' },
  { table: 'nat', from: 'PREROUTING', to: KUBE_SERVICES, comment: 'kubernetes service portals' },
  {
    table: 'nat',
    from: 'POSTROUTING',
    to: KUBE_POSTROUTING,
    comment: 'kubernetes postrouting rules',
  },
  { table: 'filter', from: 'FORWARD', to: KUBE_FORWARD, comment: 'kubernetes forwarding rules' },
  {
    table: 'filter',
    from: 'INPUT',
    to: KUBE_NODE_PORT,
    comment: 'kubernetes health check rules',
  },
  { table: 'filter', from: 'INPUT', to: KUBE_PROXY_FIREWALL, comment: 'kube-proxy firewall rules' },
  {
    table: 'filter',
    from: 'FORWARD',
    to: KUBE_PROXY_FIREWALL,
    comment: 'kube-proxy firewall rules',
  },
  {
    table: 'filter',
    from: 'INPUT',
    to: KUBE_IPVS_FILTER,
    comment: 'kubernetes ipvs access filter',
  },
  {
    table: 'filter',
    from: 'OUTPUT',
    to: KUBE_IPVS_OUT_FILTER,
    comment: 'kubernetes ipvs access filter',
  },
]

function block(table: 'nat' | 'filter'): string[] {
  const jumps = JUMPS.filter((j) => j.table === table)
  const chains = [...new Set(jumps.map((j) => j.to))]
  return [
    `*${table}`,
    ...chains.map((c) => `:${c} - [0:0]`),
    ...jumps.map((j) => `-I ${j.from} 1 -m comment --comment "${j.comment}" -j ${j.to}`),
    'COMMIT',
  ]
}

/** The jump rules of a fresh node as iptables-restore text (filter first, as iptables-save). */
export function ipvsJumpRulesText(): string {
  return `${[...block('filter'), ...block('nat')].join('\n')}\n`
}

export function ipvsNodeRuleset(payload: string, family: Family): Ruleset {
  const base = parseIptablesSave(ipvsJumpRulesText(), {
    family,
    file: 'kube-proxy (ipvs) jump rules',
  })
  return parseIptablesSave(payload, {
    family,
    base,
    noflush: true,
    file: 'kube-proxy (ipvs) restore payload',
  })
}
