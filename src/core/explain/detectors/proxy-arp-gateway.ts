/**
 * @module core/explain/detectors/proxy-arp-gateway
 * Calico's pod gateway 169.254.1.1: the pod's default route points at an address nobody
 * holds, and the node answers the pod's ARP for it through proxy_arp on the cali* veth. The
 * kernel answers a proxy ARP only when it routes the asked address out of another device
 * (arp_process → arp_fwd_proxy), so a node with no route covering 169.254.1.1 (no default
 * route) leaves the pod's neighbour entry INCOMPLETE (kernel-lab §3).
 *
 * Fixes: a route covering the gateway on the node (`169.254.1.1 dev NIC` works alone), or a
 * default route via a router on the node's segment.
 */
import type { ClusterTraceReport } from '../../app/cluster-trace.js'
import type { NetnsState } from '../../model/netns.js'
import { lookupRoute } from '../../route/index.js'
import { parseRouteEdit } from '../../whatif/index.js'
import { evidence, lastHop, netnsOf, targetOf, whoIs } from '../facts.js'
import type { Detector, FixCandidate } from '../types.js'

/** A router address on a link of the node: a default gateway it could have. */
function gatewayFor(r: ClusterTraceReport, node: NetnsState): string | undefined {
  const routers = r.state.namespaces.filter((n) => n.role?.kind === 'router')
  for (const a of routers.flatMap((n) =>
    n.addresses.filter((x) => x.family === 4 && x.scope === 'global'),
  )) {
    const g = lookupRoute(node, { dst: a.local, input: false })
    if (g.type === 'unicast' && g.via === undefined && g.error === undefined) return a.local
  }
  return undefined
}

export const proxyArpGateway: Detector = (ctx) => {
  const o = ctx.failure.outcome
  const m =
    o.kind === 'dropped'
      ? /^ARP for (169\.254\.\d+\.\d+) on dev (\S+) unanswered$/.exec(o.reason)
      : null
  if (o.kind !== 'dropped' || m === null) return undefined
  const r = ctx.report
  const [, gw = '', dev = ''] = m
  const pod = netnsOf(r, o.netns)
  const peer = pod?.links.find((l) => l.name === dev)?.peer
  const node = peer === undefined ? undefined : netnsOf(r, peer.netns)
  const t = node === undefined ? undefined : targetOf(r, node.name)
  if (peer === undefined || node === undefined || t === undefined) return undefined
  const covered = lookupRoute(node, { dst: gw, input: false })
  if (covered.error === undefined && covered.dev !== peer.name) return undefined
  const nic = node.links.find(
    (l) =>
      l.kind === 'ether' || (l.kind === 'veth' && l.master === undefined && l.name.startsWith('e')),
  )
  const fixes: FixCandidate[] = []
  if (nic !== undefined)
    fixes.push({
      title: `${whoIs(r, node.name)} routes ${gw} by ${nic.name}`,
      edits: [parseRouteEdit(`${t.ref}:${gw} dev ${nic.name}`)],
    })
  const g = gatewayFor(r, node)
  if (g !== undefined)
    fixes.push({
      title: `${whoIs(r, node.name)} gets a default route via ${g}`,
      edits: [parseRouteEdit(`${t.ref}:default via ${g}`)],
    })
  const sentence = `${whoIs(r, node.name)} does not answer ${whoIs(r, o.netns)}'s ARP for its gateway ${gw}: proxy_arp on ${peer.name} answers only for an address the node routes out of another device, and ${whoIs(r, node.name)} has no route covering ${gw} (no default route)`
  const { index } = lastHop(ctx)
  return {
    cause: 'proxy-arp-gateway',
    sentence,
    evidence: evidence(ctx, index, `${o.where}: ${o.reason}`),
    fixes,
  }
}
