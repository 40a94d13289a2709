/**
 * @module core/explain/detectors/missing-route
 * A namespace with no route to the destination (fib_lookup fails: ENETUNREACH, "network
 * unreachable"). When the destination is a Service's ClusterIP, the packet should never have
 * got that far untranslated: kpath names the node that bridged it with
 * net.bridge.bridge-nf-call-iptables=0, so that kube-proxy's rules never saw it (seed 000).
 *
 * Fixes: br_netfilter on that node; a route to the destination's pod CIDR (or the Service
 * range) via a node the namespace reaches directly.
 */
import type { ClusterTraceReport } from '../../app/cluster-trace.js'
import type { NetnsState } from '../../model/netns.js'
import { lookupRoute } from '../../route/index.js'
import { parseRouteEdit, parseSetEdit } from '../../whatif/index.js'
import {
  evidence,
  inPrefix,
  lastHop,
  netnsOf,
  serviceKey,
  serviceRange,
  targetOf,
  whoIs,
} from '../facts.js'
import type { Detector, ExplainContext, FixCandidate } from '../types.js'

const BR_NF = 'net.bridge.bridge-nf-call-iptables'

interface Dest {
  readonly what: string
  /** The prefix a route would cover. */
  readonly prefix: string
  /** Nodes that can take the packet further. */
  readonly nodes: readonly string[]
  readonly service: boolean
}

function destination(r: ClusterTraceReport, dst: string): Dest | undefined {
  const svc = r.cluster.services.find((s) => s.spec.clusterIP === dst)
  const nodes = r.cluster.nodes.map((n) => n.metadata.name)
  if (svc !== undefined) {
    const prefix = serviceRange(r, dst)
    return { what: ` (the ClusterIP of Service ${serviceKey(svc)})`, prefix, nodes, service: true }
  }
  const node = r.cluster.nodes.find((n) => inPrefix(n.spec.podCIDR, dst))
  if (node?.spec.podCIDR === undefined) return undefined
  return {
    what: ` (in node ${node.metadata.name}'s pod CIDR)`,
    prefix: node.spec.podCIDR,
    nodes: [node.metadata.name],
    service: false,
  }
}

/** A node on a link of `n` (no gateway needed), with its address. */
function onLink(
  r: ClusterTraceReport,
  n: NetnsState,
  names: readonly string[],
): { name: string; ip: string } | undefined {
  for (const name of names) {
    const ip = r.cluster.nodes
      .find((x) => x.metadata.name === name)
      ?.status.addresses.find((a) => a.type === 'InternalIP')?.address
    if (ip === undefined || n.addresses.some((a) => a.local === ip)) continue
    const g = lookupRoute(n, { dst: ip, input: false })
    if (g.type === 'unicast' && g.via === undefined && g.error === undefined) return { name, ip }
  }
  return undefined
}

/** The node that bridged the packet without handing it to iptables. */
function unhookedBridge(ctx: ExplainContext): string | undefined {
  const hop = ctx.failure.hops.find(
    (h) =>
      h.kind === 'bridge' &&
      netnsOf(ctx.report, h.netns)?.role?.kind === 'node' &&
      netnsOf(ctx.report, h.netns)?.sysctls[BR_NF] === '0',
  )
  return hop?.netns
}

function fixes(
  ctx: ExplainContext,
  n: NetnsState,
  d: Dest,
  bridged: string | undefined,
): FixCandidate[] {
  const r = ctx.report
  const out: FixCandidate[] = []
  const bt = bridged === undefined ? undefined : targetOf(r, bridged)
  if (bridged !== undefined && bt !== undefined)
    out.push({
      title: `${BR_NF}=1 on ${whoIs(r, bridged)}, so kube-proxy's rules see bridged frames`,
      edits: [parseSetEdit(`${bt.ref}:sysctl.${BR_NF}=1`)],
    })
  const t = targetOf(r, n.name)
  const via = onLink(r, n, d.nodes)
  if (t !== undefined && via !== undefined)
    out.push({
      title: `${whoIs(r, n.name)} routes ${d.prefix} via node ${via.name} (${via.ip})`,
      edits: [parseRouteEdit(`${t.ref}:${d.prefix} via ${via.ip}`)],
    })
  return out
}

export const missingRoute: Detector = (ctx) => {
  const o = ctx.failure.outcome
  if (o.kind !== 'dropped' || !/unreachable$/.test(o.reason) || o.reason === 'forwarding disabled')
    return undefined
  const r = ctx.report
  const { hop, index } = lastHop(ctx)
  const n = netnsOf(r, o.netns)
  if (hop === undefined || n === undefined) return undefined
  const dst = hop.packet.dst
  const d = destination(r, dst)
  const bridged = d?.service === true ? unhookedBridge(ctx) : undefined
  const why =
    bridged === undefined
      ? ''
      : `; the packet left ${whoIs(r, bridged)} untranslated: it was bridged there with ${BR_NF}=0, so kube-proxy's rules never saw it`
  const sentence = `${whoIs(r, o.netns)} has no route to ${dst}${d?.what ?? ''} (${o.reason})${why}`
  return {
    cause: 'missing-route',
    sentence,
    evidence: evidence(ctx, index, `${o.where}: ${o.reason}`),
    fixes: d === undefined ? [] : fixes(ctx, n, d, bridged),
  }
}
