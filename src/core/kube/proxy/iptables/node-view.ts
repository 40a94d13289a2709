/**
 * @module core/kube/proxy/iptables/node-view
 * What `iptables-save` shows on the node after a full sync: kube-proxy first makes sure its
 * chains exist and are jumped to from the built-in chains (`EnsureChain`, then
 * `EnsureRule(Prepend)`, i.e. `-I CHAIN 1`, in the order of `iptablesJumpChains` followed by
 * kubelet's KUBE-FIREWALL jumps, so on a fresh node they end up in reverse), then applies the
 * restore payload with `--noflush`. The iptables monitor adds empty KUBE-PROXY-CANARY chains.
 *
 * Not shown: rules other programs own (kubelet's KUBE-KUBELET-CANARY, a CNI's chains).
 */
import type { Family } from '../../../net/ip.js'
import { parseIptablesSave } from '../../../netfilter/iptables-save/index.js'
import type { Ruleset } from '../../../netfilter/rule.js'
import {
  KUBE_EXTERNAL_SERVICES,
  KUBE_FIREWALL,
  KUBE_FORWARD,
  KUBE_NODEPORTS,
  KUBE_POSTROUTING,
  KUBE_PROXY_CANARY,
  KUBE_PROXY_FIREWALL,
  KUBE_SERVICES,
} from './names.js'

interface Jump {
  readonly table: 'filter' | 'nat'
  readonly from: string
  readonly to: string
  readonly comment?: string
  readonly ctNew?: boolean
}

/** `iptablesJumpChains` + `iptablesKubeletJumpChains`, in kube-proxy's order. */
const JUMPS: readonly Jump[] = [
  {
    table: 'filter',
    from: 'INPUT',
    to: KUBE_EXTERNAL_SERVICES,
    comment: 'kubernetes externally-visible service portals',
    ctNew: true,
  },
  {
    table: 'filter',
    from: 'FORWARD',
    to: KUBE_EXTERNAL_SERVICES,
    comment: 'kubernetes externally-visible service portals',
    ctNew: true,
  },
  {
    table: 'filter',
    from: 'INPUT',
    to: KUBE_NODEPORTS,
    comment: 'kubernetes health check service ports',
  },
  {
    table: 'filter',
    from: 'FORWARD',
    to: KUBE_SERVICES,
    comment: 'kubernetes service portals',
    ctNew: true,
  },
  {
    table: 'filter',
    from: 'OUTPUT',
    to: KUBE_SERVICES,
    comment: 'kubernetes service portals',
    ctNew: true,
  },
  { table: 'filter', from: 'FORWARD', to: KUBE_FORWARD, comment: 'kubernetes forwarding rules' },
  {
    table: 'filter',
    from: 'INPUT',
    to: KUBE_PROXY_FIREWALL,
    comment: 'kubernetes load balancer firewall',
    ctNew: true,
  },
  {
    table: 'filter',
    from: 'OUTPUT',
    to: KUBE_PROXY_FIREWALL,
    comment: 'kubernetes load balancer firewall',
    ctNew: true,
  },
  {
    table: 'filter',
    from: 'FORWARD',
    to: KUBE_PROXY_FIREWALL,
    comment: 'kubernetes load balancer firewall',
    ctNew: true,
  },
  { table: 'nat', from: 'OUTPUT', to: KUBE_SERVICES, comment: 'kubernetes service portals' },
  { table: 'nat', from: 'PREROUTING', to: KUBE_SERVICES, comment: 'kubernetes service portals' },
  {
    table: 'nat',
    from: 'POSTROUTING',
    to: KUBE_POSTROUTING,
    comment: 'kubernetes postrouting rules',
  },
  { table: 'filter', from: 'INPUT', to: KUBE_FIREWALL },
  { table: 'filter', from: 'OUTPUT', to: KUBE_FIREWALL },
]

function jumpLine(j: Jump): string {
  const ct = j.ctNew ? ' -m conntrack --ctstate NEW' : ''
  const comment = j.comment === undefined ? '' : ` -m comment --comment "${j.comment}"`
  return `-I ${j.from} 1${ct}${comment} -j ${j.to}`
}

function tableBlock(table: 'filter' | 'nat', canary: boolean): string[] {
  const jumps = JUMPS.filter((j) => j.table === table)
  const chains = [...new Set(jumps.map((j) => j.to)), ...(canary ? [KUBE_PROXY_CANARY] : [])]
  return [`*${table}`, ...chains.map((c) => `:${c} - [0:0]`), ...jumps.map(jumpLine), 'COMMIT']
}

/** The iptables-restore text of kube-proxy's start-of-full-sync steps on a fresh node. */
export function jumpRulesText(canary: boolean): string {
  const mangle = canary ? ['*mangle', `:${KUBE_PROXY_CANARY} - [0:0]`, 'COMMIT'] : []
  return `${[...mangle, ...tableBlock('filter', canary), ...tableBlock('nat', canary)].join('\n')}\n`
}

/** The node's ruleset of `family` after kube-proxy's sync wrote `payload`. */
export function nodeRuleset(payload: string, family: Family, canary: boolean): Ruleset {
  const base = parseIptablesSave(jumpRulesText(canary), { family, file: 'kube-proxy jump rules' })
  return parseIptablesSave(payload, {
    family,
    base,
    noflush: true,
    file: 'kube-proxy restore payload',
  })
}
