/**
 * @module core/explain/detectors/mtu
 * A packet too big for a tunnel: the sender's device carries more than the tunnel device on
 * the way (VXLAN takes 50 bytes of the underlay's MTU, IPIP 20, flannel's UDP 28), so a packet
 * with DF set that left the pod is refused there (ip_forward → ICMP fragmentation needed, RFC
 * 1191). Where ICMP does not come back, TCP connections hang after the handshake.
 *
 * Fix proposed: flannel's cni-conf.json without a delegate `mtu`, so pods get FLANNEL_MTU.
 */
import { parseObjectTarget } from '../../whatif/index.js'
import type { WhatIfEdit } from '../../whatif/types.js'
import { evidence, lastHop, netnsOf, whoIs } from '../facts.js'
import type { Detector, ExplainContext, FixCandidate } from '../types.js'

const TUNNELS: Readonly<Record<string, string>> = {
  vxlan: 'VXLAN',
  ipip: 'IPIP',
  tun: "flanneld's UDP",
}

function isMap(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

/** kube-flannel-cfg's cni-conf.json with the delegate's `mtu` removed. */
function flannelFix(ctx: ExplainContext): FixCandidate | undefined {
  const cm = ctx.report.cluster.extensions.find(
    (e) => e.kind === 'ConfigMap' && e.metadata.name === 'kube-flannel-cfg',
  )
  const data = cm === undefined ? undefined : (cm.object as { data?: Record<string, unknown> }).data
  const text = data?.['cni-conf.json']
  if (cm === undefined || typeof text !== 'string') return undefined
  let conf: unknown
  try {
    conf = JSON.parse(text)
  } catch {
    return undefined
  }
  const plugins = isMap(conf) && Array.isArray(conf.plugins) ? conf.plugins : [conf]
  const flannel = plugins.find((p) => isMap(p) && p.type === 'flannel')
  if (!isMap(flannel) || !isMap(flannel.delegate) || flannel.delegate.mtu === undefined)
    return undefined
  delete flannel.delegate.mtu
  const ref = `cm/${cm.metadata.namespace ?? 'default'}/${cm.metadata.name}`
  const target = parseObjectTarget(ref)
  if (target === undefined) return undefined
  const value = JSON.stringify(conf)
  const edit: WhatIfEdit = {
    kind: 'field',
    target,
    path: ['data', 'cni-conf.json'],
    value,
    source: { option: '--set', text: `${ref}:data["cni-conf.json"]=…` },
  }
  return {
    title: `drop the delegate's "mtu" from ${ref}'s cni-conf.json, so pods get flannel's MTU`,
    edits: [edit],
  }
}

export const mtuEncapsulation: Detector = (ctx) => {
  const o = ctx.failure.outcome
  const m =
    o.kind === 'dropped'
      ? /^fragmentation needed: (\d+) bytes > mtu (\d+) of (\S+)$/.exec(o.reason)
      : null
  if (o.kind !== 'dropped' || m === null) return undefined
  const r = ctx.report
  const [, size = '', mtu = '', dev = ''] = m
  const link = netnsOf(r, o.netns)?.links.find((l) => l.name === dev)
  const first = ctx.failure.hops[0]
  const senderDev =
    first?.outIface === undefined
      ? undefined
      : netnsOf(r, first.netns)?.links.find((l) => l.name === first.outIface)
  const tunnel = link === undefined ? undefined : TUNNELS[link.kind]
  if (
    tunnel === undefined ||
    senderDev === undefined ||
    first === undefined ||
    first.netns === o.netns ||
    senderDev.mtu <= Number(mtu)
  )
    return undefined
  const sentence = `a ${size}-byte packet with DF set does not fit the MTU ${mtu} of ${dev} on ${whoIs(r, o.netns)} (${tunnel} encapsulation takes its overhead from the underlay's MTU); ${whoIs(r, first.netns)}'s ${senderDev.name} has MTU ${senderDev.mtu}, more than the tunnel carries`
  const { index } = lastHop(ctx)
  const fix = flannelFix(ctx)
  return {
    cause: 'mtu-encapsulation',
    sentence,
    evidence: evidence(ctx, index, `${o.where}: ${o.reason}`),
    fixes: fix === undefined ? [] : [fix],
  }
}
