/**
 * @module test/conformance/kube-proxy-modes
 * One conformance cluster rendered in BOTH kube-proxy modes, and what each mode does to a flow.
 *
 * The nftables twin of an iptables case keeps every setting the two modes share and maps the
 * iptables-only ones:
 *
 * - `mode: iptables` → `nftables`; `iptables.masqueradeAll` / `masqueradeBit` →
 *   `nftables.masqueradeAll` / `masqueradeBit` (the same meaning in both proxiers).
 * - `iptables.localhostNodePorts` has no nftables counterpart: nftables mode never serves
 *   NodePorts on loopback (kube-proxy-spec.md §3.2). It is dropped; what it changes is the
 *   `localhost NodePort` difference category.
 * - `nodePortAddresses: []` means every address in iptables mode, but in nftables mode
 *   kube-proxy replaces an empty list by `primary` (cmd/kube-proxy/app/server_linux.go,
 *   v1.33). To keep "every address" the twin spells it `0.0.0.0/0`, `::/0`, which nftables
 *   mode reads as match-all (pkg/proxy/util/nodeport_addresses.go). Other lists are kept.
 * - clusterCIDR, detectLocalMode, conntrack settings, the node (name, IPs, interfaces, mark
 *   text, family): unchanged, from the same cluster.yaml and node.json.
 * - ServiceCIDRs: iptables mode never reads them; the twin gets the ones kube-proxy's
 *   nftables unit tests give their fake proxier (the nftables folders' node.json), so that the
 *   "unallocated ClusterIP" drop exists as it does on a node.
 *
 * Both modes are traced in the same environment (node.json's localAddresses and interfaces).
 */
import { existsSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import type { Cluster, IPFamily } from '../../src/core/kube/model.js'
import { renderKubeProxy } from '../../src/core/kube/proxy/index.js'
import type { Packet } from '../../src/core/model/packet.js'
import {
  createRuntime,
  type NetfilterRuntime,
  type TraceOutcome,
  traceLine,
  tracePacket,
} from '../../src/core/netfilter/engine/index.js'
import { parseNftRuleset } from '../../src/core/netfilter/nft/index.js'
import { KUBE_PROXY_CONFORMANCE } from '../support/shared.js'
import type { Flow } from './kube-proxy-cases.js'
import { fakeContext, loadClusterFile, type NodeJson, readText } from './kube-proxy-render-cases.js'
import {
  type FlowAddress,
  flowPacket,
  markedIptables,
  markedNft,
  nodeEnv,
} from './kube-proxy-trace.js'

const CASES = join(KUBE_PROXY_CONFORMANCE, 'cases')
const MATCH_ALL = ['0.0.0.0/0', '::/0']

/** An iptables conformance case and its nftables twin, both rendered and ready to trace. */
export interface TwinCase {
  readonly slug: string
  readonly cluster: Cluster
  readonly nftCluster: Cluster
  readonly node: NodeJson
  readonly flows: readonly Flow[]
  /** Flows kube-proxy's nftables test asserts with the same expectation (index.json). */
  readonly alsoNft: ReadonlySet<string>
  /** ServiceCIDRs the nftables twin knows. */
  readonly serviceCIDRs: readonly string[]
  readonly iptables: NetfilterRuntime
  readonly nftables: NetfilterRuntime
  /** What either render would have logged (invalid IPs, colliding destinations). */
  readonly warnings: readonly string[]
}

/** The ServiceCIDRs kube-proxy's nftables fake proxier uses for `family` (nftables folders). */
export function nftServiceCIDRs(family: IPFamily): string[] {
  for (const slug of readdirSync(CASES).sort()) {
    const dir = join(CASES, slug)
    if (!existsSync(join(dir, 'nft-list.txt'))) continue
    const f = (JSON.parse(readText(dir, 'node.json')) as NodeJson).fakeProxier
    if (f.ipFamily === family && f.serviceCIDRs) return [...f.serviceCIDRs]
  }
  throw new Error(`no nftables case gives ServiceCIDRs for ${family}`)
}

/** The same cluster in nftables mode, iptables-only settings mapped as the header says. */
export function nftablesTwin(cluster: Cluster): Cluster {
  const kp = cluster.kubeProxy
  return {
    ...cluster,
    kubeProxy: {
      ...kp,
      mode: 'nftables',
      nodePortAddresses: kp.nodePortAddresses.length > 0 ? kp.nodePortAddresses : MATCH_ALL,
      nftables: {
        masqueradeAll: kp.iptables.masqueradeAll,
        masqueradeBit: kp.iptables.masqueradeBit,
      },
    },
  }
}

function alsoAssertedByNft(slug: string): Set<string> {
  const index = JSON.parse(readText(CASES, 'index.json')) as {
    folder: string
    flowsAlsoAssertedByNftablesTest?: string[]
  }[]
  const entry = index.find((e) => e.folder === `cases/${slug}`)
  return new Set(entry?.flowsAlsoAssertedByNftablesTest ?? [])
}

/** Render `cluster` in both modes on the case's node; `slug` names it in errors. */
export function twinRuntimes(
  slug: string,
  cluster: Cluster,
  node: NodeJson,
  serviceCIDRs: readonly string[],
): Pick<TwinCase, 'nftCluster' | 'iptables' | 'nftables' | 'warnings'> {
  const family = node.fakeProxier.ipFamily
  const key = family === 'IPv4' ? 'ipv4' : 'ipv6'
  const ipt = renderKubeProxy(cluster, fakeContext(cluster, node))
  const nftCluster = nftablesTwin(cluster)
  const nft = renderKubeProxy(nftCluster, fakeContext(nftCluster, node, { serviceCIDRs }))
  // The node view (what iptables-save would list), and the listing read back by the nft parser.
  const ruleset = ipt.iptables?.[key]?.ruleset
  const listing = nft.nftables?.[key]
  if (!ruleset || listing === undefined)
    throw new Error(`${slug}: a mode rendered nothing for ${family}`)
  const empty = { family: family === 'IPv4' ? (4 as const) : (6 as const), tables: [] }
  return {
    nftCluster,
    iptables: createRuntime({ ruleset }),
    nftables: createRuntime({
      ruleset: empty,
      nft: parseNftRuleset(listing, { file: `${slug} (nftables twin)` }),
    }),
    warnings: [...ipt.warnings, ...nft.warnings],
  }
}

/** Every iptables case folder with its nftables twin. */
export function twinCases(): TwinCase[] {
  return readdirSync(CASES)
    .filter((slug) => existsSync(join(CASES, slug, 'iptables-save.txt')))
    .sort()
    .map((slug) => {
      const dir = join(CASES, slug)
      const cluster = loadClusterFile(dir)
      const node = JSON.parse(readText(dir, 'node.json')) as NodeJson
      const serviceCIDRs = nftServiceCIDRs(node.fakeProxier.ipFamily)
      return {
        slug,
        cluster,
        node,
        flows: JSON.parse(readText(dir, 'flows.json')) as Flow[],
        alsoNft: alsoAssertedByNft(slug),
        serviceCIDRs,
        ...twinRuntimes(slug, cluster, node, serviceCIDRs),
      }
    })
}

/** What one mode did to a flow, over every explored branch. */
export interface ModeView {
  readonly outcomes: readonly TraceOutcome[]
  /** DNAT destinations (`ip:port`), sorted. */
  readonly endpoints: readonly string[]
  /** Probability of each DNAT destination (`-` for none). */
  readonly weights: ReadonlyMap<string, number>
  /** Some branch went through the mark chain (kube-proxy's tracers' "masquerade"). */
  readonly marked: boolean
  /** One line per distinct branch: destination, disposition, verdict, reply, real MASQUERADE. */
  readonly branches: readonly string[]
  readonly verdicts: readonly string[]
}

export type Mode = 'iptables' | 'nftables'

/**
 * REJECT's answer as the wire sees it. The two engines name the same reply differently
 * (`icmp-port-unreachable` in iptables-save, `icmp port-unreachable` in nft), so compare packets.
 */
function reply(p: Packet | undefined): string {
  if (!p) return 'no-reply'
  const icmp = p.icmpType === undefined ? '' : ` type ${p.icmpType} code ${p.icmpCode ?? 0}`
  const tcp = p.tcpFlags ? ` ${p.tcpFlags.join(',')}` : ''
  return `reply ${p.src} > ${p.dst} proto ${p.proto}${icmp}${tcp}`
}

export function traceMode(
  rt: NetfilterRuntime,
  node: NodeJson,
  f: FlowAddress,
  mode: Mode,
  /** net.ipv4.conf.all.route_localnet on the node (kube-proxy-trace.ts nodeEnv). */
  routeLocalnet: boolean,
): ModeView {
  const { packet, start } = flowPacket(node, f)
  const outcomes = tracePacket(rt, nodeEnv(node, routeLocalnet), packet, start)
  const marked = mode === 'iptables' ? markedIptables : markedNft
  const weights = new Map<string, number>()
  for (const o of outcomes) {
    const k = o.result.dnat ?? '-'
    weights.set(k, (weights.get(k) ?? 0) + o.probability)
  }
  const branch = (o: TraceOutcome) =>
    [
      o.result.dnat ?? '-',
      o.result.disposition,
      o.result.verdict,
      reply(o.result.response),
      o.result.masquerade ? 'masquerade' : 'no-masquerade',
    ].join(' ')
  const sorted = (xs: Iterable<string>) => [...new Set(xs)].sort()
  return {
    outcomes,
    endpoints: sorted(outcomes.flatMap((o) => (o.result.dnat ? [o.result.dnat] : []))),
    weights,
    marked: outcomes.some(marked),
    branches: sorted(outcomes.map(branch)),
    verdicts: sorted(outcomes.map((o) => o.result.verdict)),
  }
}

/** Both modes did the same thing: destinations and their odds, marks, branches, verdicts. */
export function sameView(a: ModeView, b: ModeView): boolean {
  const same = (x: readonly string[], y: readonly string[]) => x.join('\n') === y.join('\n')
  if (!same(a.endpoints, b.endpoints) || !same(a.branches, b.branches)) return false
  if (a.marked !== b.marked || !same(a.verdicts, b.verdicts)) return false
  // iptables stores 1/k as round(2^31/k) (libxt_statistic), nft's numgen is exact: 1e-6 apart.
  for (const [k, p] of a.weights) if (Math.abs((b.weights.get(k) ?? 0) - p) > 1e-6) return false
  return a.weights.size === b.weights.size
}

/** Both traces, branch by branch, for a failure message. */
export function printViews(f: FlowAddress, a: ModeView, b: ModeView): string {
  const one = (title: string, v: ModeView) =>
    [
      `== ${title}: marked=${v.marked}`,
      ...v.outcomes.flatMap((o, i) => [
        `-- branch ${i} p=${o.probability} ${o.result.dnat ?? '-'} ${o.result.disposition} ${o.result.verdict} ${reply(o.result.response)}`,
        ...o.result.events.map((e) => `   ${traceLine(e)}`),
      ]),
    ].join('\n')
  const head = `${f.name}: ${f.sourceIP} -> ${f.destIP}:${f.destPort}/${f.protocol}`
  return [head, one('iptables', a), one('nftables', b)].join('\n')
}
