/**
 * @module core/explain/detectors/ip-forward
 * Forwarding switched off (net.ipv4.ip_forward=0, or the receiving device's
 * net.ipv4.conf.IFACE.forwarding=0): ip_route_input_slow answers a packet for another host
 * with "forwarding disabled" and it is dropped (seed 001: node2's kube-bridge sees the echo,
 * enp1s0 never does).
 */

import { sysctlIface } from '../../sysctl/format.js'
import { linkValue } from '../../sysctl/index.js'
import { parseSetEdit } from '../../whatif/index.js'
import { evidence, lastHop, netnsOf, targetOf, whoIs } from '../facts.js'
import type { Detector } from '../types.js'

export const ipForwardOff: Detector = (ctx) => {
  const o = ctx.failure.outcome
  if (o.kind !== 'dropped' || o.reason !== 'forwarding disabled') return undefined
  const { hop, index } = lastHop(ctx)
  const n = netnsOf(ctx.report, o.netns)
  const t = targetOf(ctx.report, o.netns)
  if (hop?.inIface === undefined || n === undefined || t === undefined) return undefined
  const global = n.sysctls['net.ipv4.ip_forward'] === '0'
  const knob = global
    ? 'net.ipv4.ip_forward'
    : `net.ipv4.conf.${sysctlIface(hop.inIface)}.forwarding`
  const who = whoIs(ctx.report, o.netns)
  const p = hop.packet
  const sentence = `${knob}=0 on ${who}: it does not forward the packet from ${p.src} to ${p.dst} that arrived on ${hop.inIface}${linkValue(n, 'forwarding', hop.inIface) === 0 && !global ? ' (forwarding is off on that device)' : ''}`
  return {
    cause: 'ip-forward-off',
    sentence,
    evidence: evidence(ctx, index, `route: ${p.dst}: forwarding disabled`),
    fixes: [
      { title: `turn forwarding on on ${who}`, edits: [parseSetEdit(`${t.ref}:sysctl.${knob}=1`)] },
    ],
  }
}
