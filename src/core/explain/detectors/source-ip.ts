/**
 * @module core/explain/detectors/source-ip
 * The client's address lost on the way: a NodePort (or LoadBalancer) Service with
 * externalTrafficPolicy=Cluster is masqueraded by the node that received it (KUBE-MARK-MASQ,
 * then MASQUERADE in KUBE-POSTROUTING), so that the reply comes back through it; the server
 * sees the node's address. externalTrafficPolicy=Local keeps the address and serves only from
 * nodes with a local endpoint.
 */
import { parseSetEdit } from '../../whatif/index.js'
import { evidence, hostOf, natLines, requestedService, serviceKey, whoIs } from '../facts.js'
import type { Detector, FixCandidate } from '../types.js'

export const sourceIpMasqueraded: Detector = (ctx) => {
  if (ctx.failure.kind !== 'source' || ctx.failure.outcome.kind !== 'delivered') return undefined
  const r = ctx.report
  const seen = ctx.failure.outcome.serverSaw.src
  const snat = natLines(ctx.failure.hops, 'SNAT').find((l) => hostOf(l.from) === r.packet.src)
  if (snat === undefined) return undefined
  const svc = requestedService(r)
  const etp = svc?.spec.externalTrafficPolicy
  const external = svc !== undefined && r.packet.dst !== svc.spec.clusterIP && etp === 'Cluster'
  const what =
    svc === undefined
      ? 'the connection'
      : `Service ${serviceKey(svc)}'s ${external ? 'NodePort traffic' : 'traffic'}`
  const policy = external ? ' (externalTrafficPolicy=Cluster)' : ''
  const sentence = `${what} is masqueraded on ${whoIs(r, snat.netns)}${policy}: the server sees ${seen} instead of the client's ${r.packet.src}`
  const fixes: FixCandidate[] =
    svc !== undefined && external
      ? [
          {
            title: `externalTrafficPolicy=Local on Service ${serviceKey(svc)} (only nodes with an endpoint serve it)`,
            edits: [
              parseSetEdit(
                `svc/${svc.metadata.namespace ?? 'default'}/${svc.metadata.name}:spec.externalTrafficPolicy=Local`,
              ),
            ],
          },
        ]
      : []
  const line = ctx.failure.hops[snat.hop]?.netfilter.find((l) => l.includes('SNAT')) ?? 'SNAT'
  return {
    cause: 'source-ip-masqueraded',
    sentence,
    evidence: evidence(ctx, snat.hop, line),
    fixes,
  }
}
