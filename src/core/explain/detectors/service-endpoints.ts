/**
 * @module core/explain/detectors/service-endpoints
 * A Service without endpoints. kube-proxy renders it as a REJECT (`SVC has no endpoints`,
 * icmp-port-unreachable) in KUBE-SERVICES / KUBE-EXTERNAL-SERVICES of the filter table, so the
 * client gets "connection refused" at once. Two detectors: the Service's selector matches no
 * pod at all (a label typo, the pods in another namespace), and the selected pods are not
 * endpoints (not Ready, no address, or a selectorless Service without Endpoints).
 */
import { indexPods, matchPods } from '../../kube/controllers/selectors.js'
import type { Pod, Service } from '../../kube/model.js'
import { parseSetEdit } from '../../whatif/index.js'
import {
  evidence,
  lastHop,
  lastRule,
  requestedService,
  ruleComment,
  serviceKey,
  whoIs,
} from '../facts.js'
import type { Detector, ExplainContext, FixCandidate } from '../types.js'

interface Rejected {
  readonly svc: Service
  readonly index: number
  /** The REJECT rule, as iptables-save prints it. */
  readonly line: string
  /** Its comment: `NS/NAME:PORT has no endpoints`. */
  readonly comment: string
}

function rejected(ctx: ExplainContext): Rejected | undefined {
  const o = ctx.failure.outcome
  if (ctx.failure.kind !== 'request' || o.kind !== 'dropped' || !o.reason.startsWith('REJECT'))
    return undefined
  const svc = requestedService(ctx.report)
  const { hop, index } = lastHop(ctx)
  const line = lastRule(ctx.report, hop)
  const comment = ruleComment(line)
  if (svc === undefined || line === undefined || !comment?.endsWith('has no endpoints'))
    return undefined
  return { svc, index, line, comment }
}

const selectorText = (svc: Service) =>
  Object.entries(svc.spec.selector ?? {})
    .map(([k, v]) => `${k}=${v}`)
    .join(',')

/** Pods of the Service's namespace that carry one of its selector's keys: a likely intended value. */
function relabel(svc: Service, pods: readonly Pod[]): FixCandidate[] {
  const ns = svc.metadata.namespace ?? 'default'
  const ref = `svc/${ns}/${svc.metadata.name}`
  return Object.entries(svc.spec.selector ?? {}).flatMap(([k, v]) => {
    const values = new Set(
      pods
        .filter((p) => (p.metadata.namespace ?? 'default') === ns)
        .flatMap((p) => p.metadata.labels?.[k] ?? []),
    )
    values.delete(v)
    return [...values].slice(0, 3).map((x) => ({
      title: `select ${k}=${x}, the label pods of ${ns} carry`,
      edits: [parseSetEdit(`${ref}:spec.selector["${k}"]=${x}`)],
    }))
  })
}

export const selectorMatchesNoPods: Detector = (ctx) => {
  const hit = rejected(ctx)
  const pods = ctx.report.cluster.pods
  if (hit === undefined || hit.svc.spec.selector === undefined) return undefined
  if (matchPods(indexPods(pods), hit.svc).length > 0) return undefined
  const key = serviceKey(hit.svc)
  const sentence = `Service ${key} has no endpoints: its selector ${selectorText(hit.svc)} matches no pod in namespace ${hit.svc.metadata.namespace ?? 'default'}, so kube-proxy rejects connections to it on ${whoIs(ctx.report, ctx.failure.outcome.netns)} ("${hit.comment}")`
  return {
    cause: 'selector-matches-no-pods',
    sentence,
    evidence: evidence(ctx, hit.index, hit.line),
    fixes: relabel(hit.svc, pods),
  }
}

export const serviceNoEndpoints: Detector = (ctx) => {
  const hit = rejected(ctx)
  if (hit === undefined) return undefined
  const key = serviceKey(hit.svc)
  const matched =
    hit.svc.spec.selector === undefined
      ? []
      : matchPods(indexPods(ctx.report.cluster.pods), hit.svc)
  const why =
    hit.svc.spec.selector === undefined
      ? 'it has no selector and no Endpoints name an address for it'
      : `the pods its selector matches (${matched.map((p) => p.metadata.name).join(', ')}) are not ready endpoints (not Running and Ready, or without an address)`
  const sentence = `Service ${key} has no endpoints: ${why}, so kube-proxy rejects connections to it on ${whoIs(ctx.report, ctx.failure.outcome.netns)}`
  return {
    cause: 'service-no-endpoints',
    sentence,
    evidence: evidence(ctx, hit.index, hit.line),
    fixes: [],
  }
}
