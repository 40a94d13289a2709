/**
 * @module core/explain/detectors/ipvs-reply-bypassed
 * The reply of an IPVS connection that never meets the IPVS of the node that scheduled it: the
 * request was not masqueraded, so the real server answers the client's own address, and the
 * answer goes past the node (or across it only as a bridged frame that no netfilter hook sees,
 * bridge-nf-call-iptables=0). IPVS gives a reply its virtual address back in its FORWARD and
 * LOCAL_IN/LOCAL_OUT hooks (ip_vs_core.c `ip_vs_out_hook` → `handle_response`); a reply that
 * reaches none of them arrives from the real server's address, which the client's socket never
 * called: TCP answers with a RST, UDP and ICMP are dropped.
 *
 * Fixes: netfilter for bridged frames on that node (br_netfilter runs the IPv4 FORWARD hooks,
 * IPVS's among them, for bridged frames); kube-proxy masquerading the client's traffic
 * (`clusterCIDR` set to the pod network the client is outside of, or `masqueradeAll`).
 */
import { parseSetEdit } from '../../whatif/index.js'
import {
  evidence,
  inPrefix,
  inputHas,
  lastHop,
  netnsOf,
  podNetwork,
  targetOf,
  whoIs,
} from '../facts.js'
import type { Detector, ExplainContext, FixCandidate } from '../types.js'

const BR_NF = 'net.bridge.bridge-nf-call-iptables'
const IPVS_DNAT = /^nat\([A-Z]+\): IPVS DNAT (\S+) -> (\S+)$/

/** The node that scheduled the connection, and the real server it chose. */
function scheduled(ctx: ExplainContext): { netns: string; to: string } | undefined {
  for (const h of ctx.b.hops)
    for (const l of h.netfilter) {
      const m = IPVS_DNAT.exec(l)
      if (m !== null) return { netns: h.netns, to: m[2] ?? '' }
    }
  return undefined
}

function fixes(ctx: ExplainContext, node: string, unhooked: boolean): FixCandidate[] {
  const r = ctx.report
  const out: FixCandidate[] = []
  const t = targetOf(r, node)
  if (unhooked && t !== undefined)
    out.push({
      title: `${BR_NF}=1 on ${whoIs(r, node)}, so IPVS's FORWARD hook sees the bridged reply`,
      edits: [parseSetEdit(`${t.ref}:sysctl.${BR_NF}=1`)],
    })
  if (!inputHas(ctx, 'KubeProxyConfiguration')) return out
  const net = podNetwork(ctx)
  const kp = r.cluster.kubeProxy
  if (net !== undefined && net !== kp.clusterCIDR && !inPrefix(net, r.packet.src))
    out.push({
      title: `kube-proxy masquerades Service traffic from outside the pod network (clusterCIDR ${net})`,
      edits: [parseSetEdit(`kube-proxy:clusterCIDR=${net}`)],
    })
  out.push({
    title: 'kube-proxy masquerades all Service traffic (masqueradeAll)',
    edits: [parseSetEdit('kube-proxy:iptables.masqueradeAll=true')],
  })
  return out
}

export const ipvsReplyBypassed: Detector = (ctx) => {
  const r = ctx.report
  const o = ctx.failure.outcome
  if (ctx.failure.kind !== 'reply' || o.kind !== 'refused' || o.netns !== r.netns) return undefined
  const s = scheduled(ctx)
  const { hop, index } = lastHop(ctx)
  if (s === undefined || hop === undefined || hop.packet.src === r.packet.dst) return undefined
  const at = ctx.failure.hops.filter((h) => h.netns === s.netns)
  if (at.some((h) => h.netfilter.some((l) => l.includes('IPVS')))) return undefined
  const bridged = at.find((h) => h.kind === 'bridge')
  const unhooked = bridged !== undefined && netnsOf(r, s.netns)?.sysctls[BR_NF] === '0'
  if (at.length > 0 && !unhooked) return undefined
  const node = whoIs(r, s.netns)
  const past = unhooked
    ? `crosses ${node} only as a frame bridged on ${bridged?.inIface ?? '?'} with ${BR_NF}=0, so the IPVS there never sees it`
    : `bypasses ${node}, whose IPVS scheduled the connection`
  const sentence = `the request to ${r.packet.dst} was scheduled by IPVS on ${node} to ${s.to} without masquerade, so the reply from ${s.to} goes straight to ${r.packet.src} and ${past}: it arrives from ${hop.packet.src}, an address the client never called, and ${r.packet.proto === 6 ? 'the client resets it' : 'the client drops it'}`
  const line = `reply ${hop.packet.src} > ${hop.packet.dst} refused by ${whoIs(r, o.netns)}`
  return {
    cause: 'ipvs-reply-bypassed',
    sentence,
    evidence: evidence(ctx, index, line),
    fixes: fixes(ctx, s.netns, unhooked),
  }
}
