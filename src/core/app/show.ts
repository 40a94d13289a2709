/**
 * @module core/app/show
 * `kpath show FILE... (--node NAME | --pod REF) VIEW`: the kernel state kpath assembles for one
 * namespace of the cluster (core/cluster: kube-proxy's rules with the CNI's on top, devices,
 * routes, …), printed as the real tool prints it. Every view reuses the printer of its tool:
 * iptables-save, nft list ruleset, `ip route show table all`, `ip addr`, `ip -d link`,
 * `ip neigh`, `ip rule`, `ipset save`, `sysctl -a` (the net.* subset), `bridge fdb`,
 * `ipvsadm -Ln` and `conntrack -L` (after a trace: show-conntrack.ts); JSON is
 * the tool's own `-j` shape where it has one (iproute2), else the model.
 */
import { type AssembledCluster, assembleCluster } from '../cluster/index.js'
import { printConntrackList } from '../conntrack/index.js'
import { KpathError } from '../errors.js'
import {
  addrListing,
  contextFor,
  fdbRecords,
  linkRecords,
  neighRecords,
  printBridgeFdbJson,
  printBridgeFdbText,
  printIpAddrJson,
  printIpAddrText,
  printIpLinkJson,
  printIpLinkText,
  printIpNeighJson,
  printIpNeighText,
  printIpRouteJson,
  printIpRouteText,
  printIpRuleJson,
  printIpRuleText,
  routeRecords,
  ruleRecords,
  type World,
  worldOf,
} from '../iproute2/index.js'
import { printIpsetSave } from '../ipset/index.js'
import { printIpvsList } from '../ipvs/index.js'
import { type LoadInput, loadCluster } from '../kube/load/index.js'
import type { Cluster } from '../kube/model.js'
import { netnsName } from '../model/cluster-state.js'
import type { NetnsState } from '../model/netns.js'
import { printIptablesSave } from '../netfilter/iptables-save/index.js'
import { printNftRuleset } from '../netfilter/nft/index.js'
import { printModelSysctls } from '../sysctl/index.js'
import { afterRestore } from './iptables-restore.js'
import { resolveRef } from './refs.js'

export const SHOW_VIEWS = [
  'iptables',
  'nft',
  'routes',
  'addr',
  'link',
  'neigh',
  'rules',
  'ipsets',
  'sysctl',
  'fdb',
  'conntrack',
  'ipvs',
] as const
export type ShowView = (typeof SHOW_VIEWS)[number]

export interface ShowOptions {
  readonly inputs: readonly LoadInput[]
  readonly view: ShowView
  /** The node whose state to show; optional when the cluster has one node. */
  readonly node?: string
  /** A pod (`pod/NS/NAME`, `pod/NAME`) whose namespace to show instead of a node. */
  readonly pod?: string
  /** IPv6: ip6tables-save, `ip -6 route`, `ip -6 rule`. */
  readonly ipv6?: boolean
  /**
   * The iptables view: which iptables-save to imitate on a node built from the state
   * (`iptables-restore` of the ruleset into a fresh namespace, as `kpath lab up` does). Default
   * `legacy`, whose table order is the kernel's (the last table restored first).
   */
  readonly backend?: 'legacy' | 'nft'
}

export interface ShowResult {
  readonly text: string
  /** The same content for machines: the tool's `-j` output, or the model as JSON. */
  readonly json: string
  readonly warnings: readonly string[]
}

type Rendered = Omit<ShowResult, 'warnings'>
type ViewFn = (n: NetnsState, w: World, ipv6: boolean, backend: 'legacy' | 'nft') => Rendered

/** JSON text with bigint counters as strings. */
export function toJson(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v), 2)
}

function nothing(n: NetnsState, what: string, hint: string): KpathError {
  return new KpathError('KPATH_INVALID_ARGUMENT', `${n.name} has no ${what}`, { hint })
}

function iptablesView(
  n: NetnsState,
  _w: World,
  ipv6: boolean,
  backend: 'legacy' | 'nft',
): Rendered {
  const rs = ipv6 ? n.iptables.ipv6 : n.iptables.ipv4
  if (rs === undefined)
    throw nothing(
      n,
      `${ipv6 ? 'ip6tables' : 'iptables'} rules`,
      'kube-proxy may run in nftables mode here: show the nft view',
    )
  return { text: printIptablesSave(afterRestore(rs, backend), { backend }), json: toJson(rs) }
}

function nftView(n: NetnsState): Rendered {
  const rs = n.nftables
  if (rs === undefined || rs.tables.length === 0)
    throw nothing(
      n,
      'nftables ruleset',
      'kube-proxy runs in iptables mode here: show the iptables view, or set mode in the KubeProxyConfiguration',
    )
  const of = (f: string) => rs.tables.filter((t) => t.family === f)
  const others = rs.tables.filter((t) => t.family !== 'ip' && t.family !== 'ip6')
  return { text: printNftRuleset(rs), json: toJson({ ipv4: of('ip'), ipv6: of('ip6'), others }) }
}

const VIEWS: Readonly<Record<ShowView, ViewFn>> = {
  iptables: iptablesView,
  nft: nftView,
  routes: (_n, w, v6) => {
    const r = routeRecords(w, v6 ? 6 : undefined)
    return { text: printIpRouteText(r), json: printIpRouteJson(r) }
  },
  addr: (n, w) => {
    const l = addrListing(w)
    const ctx = contextFor(n, w.all)
    return { text: printIpAddrText(l, ctx), json: printIpAddrJson(l, ctx) }
  },
  link: (n, w) => {
    const l = linkRecords(w)
    const ctx = contextFor(n, w.all)
    const view = { details: true, mode: 'link' } as const
    return { text: printIpLinkText(l, ctx, view), json: printIpLinkJson(l, ctx, view) }
  },
  neigh: (_n, w) => {
    const r = neighRecords(w, { proxy: false })
    return { text: printIpNeighText(r), json: printIpNeighJson(r) }
  },
  rules: (_n, w, v6) => {
    const r = ruleRecords(w, v6 ? 6 : 4)
    return { text: printIpRuleText(r), json: printIpRuleJson(r) }
  },
  ipsets: (n) => ({ text: printIpsetSave(n.ipsets), json: toJson(n.ipsets) }),
  sysctl: (n) => ({ text: printModelSysctls(n.sysctls), json: toJson(n.sysctls) }),
  // The table the model holds; after a trace: show-conntrack.ts.
  conntrack: (n) => ({ text: printConntrackList(n.conntrack), json: toJson(n.conntrack) }),
  fdb: (_n, w) => {
    const r = fdbRecords(w)
    return { text: printBridgeFdbText(r), json: printBridgeFdbJson(r) }
  },
  // `ipvsadm -Ln`; the JSON is the model (services, real servers, connections).
  ipvs: (n) => {
    if (n.ipvs === undefined)
      throw nothing(
        n,
        'IPVS services',
        'kube-proxy runs IPVS only with mode: ipvs; kube-router with --run-service-proxy',
      )
    return { text: printIpvsList(n.ipvs), json: toJson(n.ipvs) }
  },
}

function nodeNetns(cluster: Cluster, state: AssembledCluster, name: string | undefined): string {
  const known = cluster.nodes.map((n) => n.metadata.name)
  if (name === undefined && known.length === 1) return netnsName.node(known[0] ?? '')
  if (name === undefined || !known.includes(name)) {
    const what =
      name === undefined ? 'the cluster has several nodes' : `no node named ${name} in the input`
    throw new KpathError('KPATH_INVALID_ARGUMENT', what, {
      hint: `nodes in the input: ${known.join(', ') || '(none)'}; pick one with --node`,
    })
  }
  const netns = netnsName.node(name)
  if (!state.namespaces.some((n) => n.name === netns))
    throw new KpathError('KPATH_INVALID_ARGUMENT', `node ${name} was not assembled`)
  return netns
}

/** The namespace `--node` or `--pod` names. */
export function pick(o: ShowOptions, cluster: Cluster, state: AssembledCluster): NetnsState {
  if (o.node !== undefined && o.pod !== undefined)
    throw new KpathError('KPATH_INVALID_ARGUMENT', 'give --node or --pod, not both')
  let netns: string
  if (o.pod === undefined) netns = nodeNetns(cluster, state, o.node)
  else {
    const ref = o.pod.startsWith('pod/') ? o.pod : `pod/${o.pod}`
    netns = resolveRef({ cluster, state }, ref).netns ?? ''
  }
  const n = state.namespaces.find((x) => x.name === netns)
  if (n === undefined) throw new KpathError('KPATH_INVALID_ARGUMENT', `no namespace ${netns}`)
  return n
}

export function show(o: ShowOptions): ShowResult {
  const cluster = loadCluster(o.inputs)
  const state = assembleCluster(cluster)
  const n = pick(o, cluster, state)
  const r = VIEWS[o.view](n, worldOf(n, state.namespaces), o.ipv6 === true, o.backend ?? 'legacy')
  const warnings = [
    ...cluster.warnings.map((w) => w.message),
    ...state.unsupported.map((u) => u.message),
  ]
  return { ...r, warnings }
}
