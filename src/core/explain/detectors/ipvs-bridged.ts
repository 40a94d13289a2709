/**
 * @module core/explain/detectors/ipvs-bridged
 * A packet for an IPVS virtual address that a node bridges past itself (seed 000 in IPVS mode):
 * the node holds the Service address (kube-proxy binds every ClusterIP to `kube-ipvs0`), but the
 * frame is addressed to another MAC (the sender's gateway), so the bridge forwards it and the
 * node's IP layer never sees it. IPVS registers no PREROUTING or bridge hook: it takes requests
 * only at LOCAL_IN and LOCAL_OUT (ip_vs_core.c `ip_vs_ops4`), i.e. for packets routed to a
 * local address. br_netfilter does not help: it runs iptables on the bridged frame, not IPVS.
 *
 * The missing step is a route in the sender that hands the packet to the node. Fixes: the
 * sender's route via the node's address on that bridge; the same route for every pod, in the
 * CNI config's `ipam.routes` (the seed's author noted that a route added on the host's bridge
 * is not inherited by pods); or the author's own `<range> dev eth0`, which works only while
 * the node answers ARP for addresses of kube-ipvs0 from other links (arp_ignore 0; kube-proxy's
 * `strictARP` sets 1).
 */
import type { Address, NetnsState } from '../../model/netns.js'
import { parseRouteEdit, parseSetEdit } from '../../whatif/index.js'
import { evidence, netnsOf, serviceRange, targetOf, whoIs } from '../facts.js'
import type { Detector, ExplainContext, FixCandidate } from '../types.js'

const PROTOCOL: Readonly<Record<number, string>> = { 6: 'tcp', 17: 'udp', 132: 'sctp' }

function isMap(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

/** The node's own address that the packet is sent to, and the link holding it. */
function heldBy(n: NetnsState, dst: string): Address | undefined {
  return n.addresses.find((a) => a.local === dst)
}

/** `TCP 10.96.0.1:443`, the virtual service the packet would have met, if the node has one. */
function virtualService(n: NetnsState, dst: string, proto: number, port?: number): string {
  const p = PROTOCOL[proto]
  const s = n.ipvs?.services.find(
    (x) =>
      x.key.kind === 'addr' &&
      x.key.protocol === p &&
      x.key.address === dst &&
      (x.key.port === port || x.key.port === 0),
  )
  return s === undefined || s.key.kind !== 'addr'
    ? ''
    : ` (IPVS virtual service ${s.key.protocol.toUpperCase()} ${s.key.address}:${s.key.port})`
}

/** The bridge plugin's `ipam.routes` with one more route: every pod gets it at creation. */
function cniRoutesFix(ctx: ExplainContext, prefix: string, gw: string): FixCandidate | undefined {
  const cni = ctx.report.state.topology.cniConfig
  if (!isMap(cni) || !Array.isArray(cni.plugins)) return undefined
  const i = cni.plugins.findIndex((p) => isMap(p) && p.type === 'bridge' && isMap(p.ipam))
  const ipam = i < 0 ? undefined : (cni.plugins[i] as Record<string, unknown>).ipam
  if (!isMap(ipam)) return undefined
  const routes = [...(Array.isArray(ipam.routes) ? ipam.routes : []), { dst: prefix, gw }]
  return {
    title: `every pod routes ${prefix} via ${gw} (a route in the bridge plugin's ipam.routes)`,
    edits: [
      parseSetEdit(`topology:spec.cniConfig.plugins[${i}].ipam.routes=${JSON.stringify(routes)}`),
    ],
  }
}

function fixes(ctx: ExplainContext, node: NetnsState, bridge: string, dst: string): FixCandidate[] {
  const r = ctx.report
  const sender = targetOf(r, r.netns)
  const prefix = serviceRange(r, dst)
  const gw = node.addresses.find((a) => a.iface === bridge && a.family === 4 && a.scope !== 'host')
  const dev = ctx.b.hops[0]?.outIface
  const out: FixCandidate[] = []
  if (gw === undefined || sender === undefined) return out
  const who = whoIs(r, r.netns)
  out.push({
    title: `${who} routes ${prefix} via ${whoIs(r, node.name)} (${gw.local})`,
    edits: [parseRouteEdit(`${sender.ref}:${prefix} via ${gw.local}`)],
  })
  const cni = cniRoutesFix(ctx, prefix, gw.local)
  if (cni !== undefined) out.push(cni)
  if (dev !== undefined)
    out.push({
      title: `${who} routes ${prefix} dev ${dev} (the seed's route: the node must answer ARP for ${dst})`,
      edits: [parseRouteEdit(`${sender.ref}:${prefix} dev ${dev}`)],
    })
  return out
}

export const ipvsBridged: Detector = (ctx) => {
  if (ctx.failure.kind !== 'request') return undefined
  const r = ctx.report
  const dst = r.packet.dst
  const index = ctx.failure.hops.findIndex((h) => {
    const n = netnsOf(r, h.netns)
    return (
      h.kind === 'bridge' &&
      n?.role?.kind === 'node' &&
      h.packet.dst === dst &&
      heldBy(n, dst) !== undefined &&
      !h.netfilter.some((l) => l.startsWith('IPVS'))
    )
  })
  const hop = ctx.failure.hops[index]
  const node = hop === undefined ? undefined : netnsOf(r, hop.netns)
  const held = node === undefined ? undefined : heldBy(node, dst)
  if (hop === undefined || node === undefined || held === undefined) return undefined
  const bridge = hop.inIface ?? '?'
  const vs = virtualService(node, dst, r.packet.proto, r.packet.dport)
  const sentence = `${whoIs(r, node.name)} holds ${dst} on ${held.iface}${vs}, but the packet reaches it as a frame for another MAC, which its bridge ${bridge} forwards without routing: IPVS takes only packets routed to a local address (LOCAL_IN), never bridged or forwarded ones, so ${whoIs(r, r.netns)} needs a route that hands ${dst} to the node`
  const line = `${hop.netns}: bridged on ${bridge}${hop.physIn === undefined ? '' : ` from ${hop.physIn}`}${hop.physOut === undefined ? '' : ` to ${hop.physOut}`}, ${dst} untranslated`
  return {
    cause: 'ipvs-bridged',
    sentence,
    evidence: evidence(ctx, index, line),
    fixes: fixes(ctx, node, bridge, dst),
  }
}
