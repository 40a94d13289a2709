/**
 * @module core/explain/detectors/etp-local
 * externalTrafficPolicy: Local on a node without a local endpoint: kube-proxy keeps the
 * client's address by never leaving the node, so a NodePort or LoadBalancer packet reaching a
 * node with no ready endpoint of the Service is dropped there (`SVC has no local endpoints`,
 * filter KUBE-EXTERNAL-SERVICES, DROP).
 */
import { parseSetEdit } from '../../whatif/index.js'
import { evidence, lastHop, lastRule, requestedService, ruleComment, serviceKey } from '../facts.js'
import type { Detector } from '../types.js'

export const etpLocalNoEndpoint: Detector = (ctx) => {
  const o = ctx.failure.outcome
  if (ctx.failure.kind !== 'request' || o.kind !== 'dropped' || !o.reason.startsWith('DROP'))
    return undefined
  const r = ctx.report
  const svc = requestedService(r)
  if (svc === undefined || svc.spec.externalTrafficPolicy !== 'Local') return undefined
  const role = r.state.namespaces.find((n) => n.name === o.netns)?.role
  const { hop, index } = lastHop(ctx)
  const rule = lastRule(r, hop)
  const comment = ruleComment(rule)
  if (role?.kind !== 'node' || !comment?.endsWith('has no local endpoints')) return undefined
  const key = serviceKey(svc)
  const where = r.cluster.endpointSlices
    .filter(
      (s) =>
        s.metadata.labels?.['kubernetes.io/service-name'] === svc.metadata.name &&
        (s.metadata.namespace ?? 'default') === (svc.metadata.namespace ?? 'default'),
    )
    .flatMap((s) => s.endpoints.flatMap((e) => e.nodeName ?? []))
  const others = [...new Set(where)].filter((x) => x !== role.node)
  const hint =
    others.length > 0 ? `; its endpoints run on ${others.map((x) => `node ${x}`).join(', ')}` : ''
  const sentence = `Service ${key} has externalTrafficPolicy=Local and no endpoint on node ${role.node}: kube-proxy drops traffic to port ${r.packet.dport} there ("${comment}")${hint}`
  return {
    cause: 'etp-local-no-endpoint',
    sentence,
    evidence: evidence(ctx, index, rule ?? `${o.where}: ${o.reason}`),
    fixes: [
      {
        title: `externalTrafficPolicy=Cluster on Service ${key} (any node forwards, the client's address is masqueraded)`,
        edits: [
          parseSetEdit(
            `svc/${svc.metadata.namespace ?? 'default'}/${svc.metadata.name}:spec.externalTrafficPolicy=Cluster`,
          ),
        ],
      },
    ],
  }
}
