/**
 * @module core/explain/detectors/hairpin
 * Hairpin traffic: a pod reaching its own Service is DNATed back to itself, so the bridge must
 * send the frame out of the port it came in on, which br_forward allows only with hairpin mode
 * on that port (the bridge CNI plugin's `hairpinMode`, kubelet's --hairpin-mode).
 */
import { parseSetEdit } from '../../whatif/index.js'
import { evidence, lastHop, requestedService, serviceKey, whoIs } from '../facts.js'
import type { Detector, ExplainContext, FixCandidate } from '../types.js'

function isMap(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

/** The bridge plugin of the Topology's cniConfig, as a field path to its hairpinMode. */
function hairpinFix(ctx: ExplainContext): FixCandidate | undefined {
  const cni = ctx.report.state.topology.cniConfig
  if (!isMap(cni)) return undefined
  const plugins = Array.isArray(cni.plugins) ? cni.plugins : undefined
  const i = plugins?.findIndex((p) => isMap(p) && p.type === 'bridge') ?? -1
  const path =
    plugins === undefined
      ? cni.type === 'bridge'
        ? 'spec.cniConfig'
        : undefined
      : i >= 0
        ? `spec.cniConfig.plugins[${i}]`
        : undefined
  if (path === undefined) return undefined
  return {
    title: "hairpin mode on the bridge ports (the bridge plugin's hairpinMode)",
    edits: [parseSetEdit(`topology:${path}.hairpinMode=true`)],
  }
}

export const hairpinOff: Detector = (ctx) => {
  const o = ctx.failure.outcome
  const m = o.kind === 'dropped' ? /^hairpin off on (\S+):/.exec(o.reason) : null
  if (o.kind !== 'dropped' || m === null) return undefined
  const r = ctx.report
  const { hop, index } = lastHop(ctx)
  const svc = requestedService(r)
  const who = whoIs(r, r.netns)
  const via = svc === undefined ? `${r.packet.dst}` : `its own Service ${serviceKey(svc)}`
  const sentence = `${who} reaches ${via} and is DNATed back to itself; ${whoIs(r, o.netns)}'s bridge ${o.where} must send the frame back out of ${m[1]}, the port it came in on, and hairpin mode is off on that port`
  const fix = hairpinFix(ctx)
  return {
    cause: 'hairpin-off',
    sentence,
    evidence: evidence(ctx, index, `${hop?.netns ?? o.netns}: ${o.reason}`),
    fixes: fix === undefined ? [] : [fix],
  }
}
