/**
 * @module core/app/show
 * `kpath show FILE... --node NAME VIEW`: the kernel state kpath builds for a node, printed as
 * the real tool prints it. Views so far: `iptables` (iptables-save, or ip6tables-save) and `nft`
 * (nft list ruleset). The mode comes from the KubeProxyConfiguration (default iptables).
 */
import { KpathError } from '../errors.js'
import { type LoadInput, loadCluster } from '../kube/load/index.js'
import type { Cluster } from '../kube/model.js'
import { type KubeProxyRender, proxyNodeContext, renderKubeProxy } from '../kube/proxy/index.js'
import { printIptablesSave } from '../netfilter/iptables-save/index.js'

export type ShowView = 'iptables' | 'nft'

export interface ShowOptions {
  readonly inputs: readonly LoadInput[]
  readonly view: ShowView
  /** The node whose state to show; optional when the cluster has one node. */
  readonly node?: string
  /** iptables view: ip6tables-save instead of iptables-save. */
  readonly ipv6?: boolean
}

export interface ShowResult {
  readonly text: string
  /** The same content for machines (rulesets and tables as data). */
  readonly json: unknown
  readonly warnings: readonly string[]
}

function nodeOf(cluster: Cluster, name: string | undefined): string | undefined {
  if (name === undefined) return undefined
  if (!cluster.nodes.some((n) => n.metadata.name === name)) {
    const known = cluster.nodes.map((n) => n.metadata.name).join(', ') || '(none)'
    throw new KpathError('KPATH_INVALID_ARGUMENT', `no node named ${name} in the input`, {
      hint: `nodes in the input: ${known}`,
    })
  }
  return name
}

function wrongMode(view: ShowView, mode: string): KpathError {
  const other = view === 'iptables' ? 'nft' : 'iptables'
  return new KpathError(
    'KPATH_INVALID_ARGUMENT',
    `kube-proxy runs in ${mode} mode here, so there is no ${view} view of its rules`,
    {
      hint: `show the ${other} view, or set mode in the KubeProxyConfiguration`,
    },
  )
}

function iptablesView(r: KubeProxyRender, ipv6: boolean): ShowResult {
  const fam = ipv6 ? r.iptables?.ipv6 : r.iptables?.ipv4
  if (!r.iptables) throw wrongMode('iptables', r.mode)
  if (!fam) {
    throw new KpathError(
      'KPATH_INVALID_ARGUMENT',
      `kube-proxy runs no ${ipv6 ? 'IPv6' : 'IPv4'} proxier on this node`,
    )
  }
  return { text: printIptablesSave(fam.ruleset), json: fam.ruleset, warnings: r.warnings }
}

function nftView(r: KubeProxyRender): ShowResult {
  if (!r.nftables) throw wrongMode('nft', r.mode)
  const tables = [r.nftables.ipv4, r.nftables.ipv6].filter((t) => t !== undefined)
  const detail = r.nftablesDetail
  return {
    text: tables.join(''),
    json: { ipv4: detail?.ipv4?.model, ipv6: detail?.ipv6?.model },
    warnings: r.warnings,
  }
}

export function show(o: ShowOptions): ShowResult {
  const cluster = loadCluster(o.inputs)
  const nodeName = nodeOf(cluster, o.node)
  const ctx = proxyNodeContext(cluster, nodeName === undefined ? {} : { nodeName })
  const render = renderKubeProxy(cluster, ctx)
  const loaded = cluster.warnings.map((w) => w.message)
  const result = o.view === 'iptables' ? iptablesView(render, o.ipv6 === true) : nftView(render)
  return { ...result, warnings: [...loaded, ...result.warnings] }
}

/** JSON text with bigint counters as strings. */
export function toJson(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v), 2)
}
