/**
 * @module core/explain/detectors/rp-filter
 * Reverse-path filtering (net.ipv4.conf.*.rp_filter, fib_validate_source): strict mode (1)
 * drops a packet whose source the receiving namespace would route out of another device than
 * the one it came in on; loose mode (2) only wants some route back. Seed 003: flanneld writes
 * the node's SYN (source 10.39.0.17, the eth0 address) into flannel0 on the endpoint's node,
 * whose route back to 10.39.0.17 leaves by eth0.
 *
 * Fixes: loose mode on the dropping namespace; loose mode on every node (the reply may be
 * dropped the same way on the way back); masquerading sources outside the pod network
 * (kube-proxy's clusterCIDR); routing the destination through the device the packet used, so
 * the socket picks that device's address (`curl --interface flannel0`).
 */
import { lookupRoute } from '../../route/index.js'
import { effectiveSysctl } from '../../sysctl/index.js'
import { parseRouteEdit, parseSetEdit, type WhatIfEdit } from '../../whatif/index.js'
import {
  evidence,
  inputHas,
  lastHop,
  netnsOf,
  podNetwork,
  requestedService,
  serviceRange,
  targetOf,
  whoIs,
} from '../facts.js'
import type { Detector, ExplainContext, FixCandidate } from '../types.js'

const loose = (ref: string): WhatIfEdit[] => [
  parseSetEdit(`${ref}:sysctl.net.ipv4.conf.all.rp_filter=2`),
]

function everyNode(ctx: ExplainContext): FixCandidate | undefined {
  const nodes = ctx.report.state.namespaces.filter(
    (n) => n.role?.kind === 'node' && n.sysctls['net.ipv4.conf.all.rp_filter'] === '1',
  )
  const edits = nodes.flatMap((n) => (n.role?.kind === 'node' ? loose(`node/${n.role.node}`) : []))
  return edits.length > 1
    ? { title: 'loose reverse-path filtering (rp_filter=2) on every node', edits }
    : undefined
}

function masquerade(ctx: ExplainContext): FixCandidate | undefined {
  const net = podNetwork(ctx)
  const cidr = ctx.report.cluster.kubeProxy.clusterCIDR
  if (
    net === undefined ||
    (cidr !== undefined && cidr !== '') ||
    !inputHas(ctx, 'KubeProxyConfiguration')
  )
    return undefined
  if (requestedService(ctx.report) === undefined) return undefined
  return {
    title: `kube-proxy masquerades Service traffic from outside the pod network (clusterCIDR ${net})`,
    edits: [parseSetEdit(`kube-proxy:clusterCIDR=${net}`)],
  }
}

/** Route the original destination by the device the packet left by, so its address is chosen. */
function sourceFromDevice(ctx: ExplainContext): FixCandidate | undefined {
  const r = ctx.report
  const send = r.trace.branches[ctx.failure.branch]?.hops[0]
  const sender = netnsOf(r, r.netns)
  const t = targetOf(r, r.netns)
  if (
    ctx.failure.kind !== 'request' ||
    send?.outIface === undefined ||
    sender === undefined ||
    t === undefined
  )
    return undefined
  const first = lookupRoute(sender, { dst: r.packet.dst, input: false })
  if (first.dev === send.outIface) return undefined
  const dst = serviceRange(r, r.packet.dst)
  return {
    title: `${whoIs(r, r.netns)} sends to ${dst} by ${send.outIface}, taking its address as source (like curl --interface ${send.outIface})`,
    edits: [parseRouteEdit(`${t.ref}:${dst} dev ${send.outIface}`)],
  }
}

export const rpFilter: Detector = (ctx) => {
  const o = ctx.failure.outcome
  if (o.kind !== 'dropped' || o.reason !== 'rp_filter') return undefined
  const { hop, index } = lastHop(ctx)
  const n = netnsOf(ctx.report, o.netns)
  const t = targetOf(ctx.report, o.netns)
  if (hop?.inIface === undefined || n === undefined || t === undefined) return undefined
  const src = hop.packet.src
  const mode = effectiveSysctl(n, 'rp_filter', hop.inIface)
  const back = lookupRoute(n, { dst: src, input: false })
  const why =
    back.dev === undefined
      ? `it has no route back to ${src}`
      : `its route back to ${src} leaves by ${back.dev}`
  const who = whoIs(ctx.report, o.netns)
  const sentence = `rp_filter=${mode} on ${who} drops packets from ${src} arriving on ${hop.inIface}, because ${why}`
  const fixes = [
    {
      title: `loose reverse-path filtering (rp_filter=2) on ${whoIs(ctx.report, o.netns)}`,
      edits: loose(t.ref),
    },
    everyNode(ctx),
    masquerade(ctx),
    sourceFromDevice(ctx),
  ].filter((f): f is FixCandidate => f !== undefined)
  return {
    cause: 'rp-filter',
    sentence,
    evidence: evidence(ctx, index, `route: ${hop.packet.dst}: rp_filter`),
    fixes,
  }
}
