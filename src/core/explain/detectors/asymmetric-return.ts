/**
 * @module core/explain/detectors/asymmetric-return
 * An asymmetric return path: a namespace DNATed the request (kube-proxy's Service rules) but
 * did not SNAT it, so the server answers the client's own address by its own routes, and the
 * reply never crosses the namespace whose conntrack entry would undo the DNAT. The client gets
 * a segment from the backend's address, which no socket of it expects: TCP answers with a RST
 * (tcp_v4_rcv finds no socket), UDP and ICMP are dropped. Seed 000's shape, and any route
 * that sends Service addresses to one node.
 *
 * Fixes: tell kube-proxy the pod network (clusterCIDR), so it masquerades Service traffic from
 * outside it; masqueradeAll; or a MASQUERADE rule for the DNATed connections on that node.
 */
import { PROTO } from '../../model/packet.js'
import { parseRuleEdit, parseSetEdit } from '../../whatif/index.js'
import {
  evidence,
  hostOf,
  inputHas,
  lastHop,
  natLines,
  podNetwork,
  requestedService,
  targetOf,
  whoIs,
} from '../facts.js'
import type { Detector, ExplainContext, FixCandidate } from '../types.js'

function kubeProxyFixes(ctx: ExplainContext): FixCandidate[] {
  const kp = ctx.report.cluster.kubeProxy
  if (!inputHas(ctx, 'KubeProxyConfiguration') || requestedService(ctx.report) === undefined)
    return []
  const net = podNetwork(ctx)
  const cidr =
    net === undefined || (kp.clusterCIDR ?? '') !== ''
      ? []
      : [
          {
            title: `kube-proxy masquerades Service traffic from outside the pod network (clusterCIDR ${net})`,
            edits: [parseSetEdit(`kube-proxy:clusterCIDR=${net}`)],
          },
        ]
  const all = {
    title: 'kube-proxy masquerades all Service traffic (masqueradeAll)',
    edits: [
      parseSetEdit(
        `kube-proxy:${kp.mode === 'nftables' ? 'nftables' : 'iptables'}.masqueradeAll=true`,
      ),
    ],
  }
  return [...cidr, all]
}

function what(ctx: ExplainContext): string {
  const p = ctx.report.packet
  if (p.proto === PROTO.tcp) return 'a SYN-ACK from an address it never called and resets it'
  return 'an answer from an address it never called and drops it'
}

export const asymmetricReturn: Detector = (ctx) => {
  const r = ctx.report
  const o = ctx.failure.outcome
  if (ctx.failure.kind !== 'reply' || o.kind !== 'refused' || o.netns !== r.netns) return undefined
  const b = r.trace.branches[ctx.failure.branch]
  const dnat = natLines(b?.hops ?? [], 'DNAT').at(-1)
  const { hop, index } = lastHop(ctx)
  if (dnat === undefined || hop === undefined || hop.packet.src === r.packet.dst) return undefined
  if (ctx.failure.hops.some((h) => h.netns === dnat.netns)) return undefined
  const t = targetOf(r, dnat.netns)
  const backend = hostOf(dnat.to)
  const out = ctx.failure.hops.find(
    (h) => h.outIface !== undefined && h.netns !== ctx.failure.hops[0]?.netns,
  )
  const via = out === undefined ? '' : ` by ${whoIs(r, out.netns)} (${out.outIface})`
  const sentence = `the reply from ${backend} goes straight to ${r.packet.src}${via}, bypassing ${whoIs(r, dnat.netns)} where the DNAT of ${dnat.from} to ${dnat.to} is tracked; the client sees ${what(ctx)}`
  const masq =
    t === undefined
      ? []
      : [
          {
            title: `${whoIs(r, dnat.netns)} masquerades the connections it DNATs for ${r.packet.src}`,
            edits: [
              parseRuleEdit(
                `${t.ref}:-t nat -A POSTROUTING -s ${r.packet.src}/32 -m conntrack --ctstate DNAT -j MASQUERADE`,
              ),
            ],
          },
        ]
  const line = `reply ${hop.packet.src} > ${hop.packet.dst} refused by ${whoIs(r, o.netns)}`
  return {
    cause: 'asymmetric-return',
    sentence,
    evidence: evidence(ctx, index, line),
    fixes: [...kubeProxyFixes(ctx), ...masq],
  }
}
