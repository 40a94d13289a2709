/**
 * @module core/kube/proxy/iptables/service-chains
 * A service port's own nat chains before endpoint dispatch (kube-proxy-spec.md §2.5 items 6–8):
 * the ClusterIP masquerade rule that opens the internal policy chain, the KUBE-EXT "external
 * destinations" chain, and the KUBE-FW loadBalancerSourceRanges chain.
 */

import { cidrContains } from '../../../net/ip.js'
import { parseCIDRSloppy, parseIPSloppy } from '../ip-text.js'
import { iptablesIfLocal, iptablesIfNotLocal } from '../local-detector.js'
import type { ServicePortPlan } from '../plan.js'
import { usesFirewallChain } from './capture.js'
import { KUBE_MARK_MASQ, type ServiceChains } from './names.js'
import type { IptablesOptions } from './options.js'
import { addChain, addRule, quoted, type RestorePayload } from './payload.js'

/**
 * Off-cluster traffic to the ClusterIP is masqueraded: a static route for the service range
 * may send it to any node, which may forward it to another node. masqueradeAll marks all of it.
 */
export function writeInternalMasquerade(
  p: RestorePayload,
  plan: ServicePortPlan,
  ch: ServiceChains,
  o: IptablesOptions,
): void {
  if (!plan.hasInternalEndpoints) return
  const svc = plan.svc
  const chain = plan.internalLocal ? ch.local : ch.cluster
  const args = [
    '-m',
    'comment',
    '--comment',
    quoted(`${svc.spn} cluster IP`),
    '-m',
    svc.protocol,
    '-p',
    svc.protocol,
    '-d',
    svc.clusterIP,
    '--dport',
    String(svc.port),
  ]
  if (o.masqueradeAll) addRule(p.nat, chain, args, '-j', KUBE_MARK_MASQ)
  else if (o.detector.kind !== 'none')
    addRule(p.nat, chain, args, iptablesIfNotLocal(o.detector), '-j', KUBE_MARK_MASQ)
}

function comment(text: string): string[] {
  return ['-m', 'comment', '--comment', quoted(text)]
}

/**
 * KUBE-EXT: with Cluster ETP, masquerade everything (it may leave the node). With Local ETP,
 * keep the client address, except that pod and node traffic is short-circuited to all
 * endpoints (as if it had gone out to the load balancer and come back), node traffic
 * masqueraded because its source is a node address.
 */
export function writeExternalChain(
  p: RestorePayload,
  plan: ServicePortPlan,
  ch: ServiceChains,
  o: IptablesOptions,
): void {
  if (!plan.usesExternalChain) return
  const spn = plan.svc.spn
  addChain(p.nat, ch.external)
  if (!plan.externalLocal) {
    addRule(
      p.nat,
      ch.external,
      comment(`masquerade traffic for ${spn} external destinations`),
      '-j',
      KUBE_MARK_MASQ,
    )
  } else {
    if (o.detector.kind !== 'none')
      addRule(
        p.nat,
        ch.external,
        comment(`pod traffic for ${spn} external destinations`),
        iptablesIfLocal(o.detector),
        '-j',
        ch.cluster,
      )
    const local = ['-m', 'addrtype', '--src-type', 'LOCAL']
    addRule(
      p.nat,
      ch.external,
      comment(`masquerade LOCAL traffic for ${spn} external destinations`),
      local,
      '-j',
      KUBE_MARK_MASQ,
    )
    addRule(
      p.nat,
      ch.external,
      comment(`route LOCAL traffic for ${spn} external destinations`),
      local,
      '-j',
      ch.cluster,
    )
  }
  // Without local endpoints under Local ETP the packet falls through to the filter DROP.
  if (plan.hasExternalEndpoints)
    addRule(p.nat, ch.external, '-j', plan.externalLocal ? ch.local : ch.cluster)
}

function nodeInRange(ranges: readonly string[], nodeIP: string): boolean {
  const ip = parseIPSloppy(nodeIP)
  return (
    ip !== undefined &&
    ranges.some((r) => {
      const c = parseCIDRSloppy(r)
      return c !== undefined && cidrContains(c, ip)
    })
  )
}

/**
 * KUBE-FW: admitted sources go on to KUBE-EXT; the rest leave un-DNATed and meet the
 * KUBE-PROXY-FIREWALL DROP. When a range holds the node IP, the LB IPs are admitted as
 * sources too: a node reaching a VIP that is local to it loops back with the VIP as source.
 */
export function writeFirewallChain(
  p: RestorePayload,
  plan: ServicePortPlan,
  ch: ServiceChains,
  o: IptablesOptions,
): void {
  if (!usesFirewallChain(plan)) return
  const svc = plan.svc
  addChain(p.nat, ch.firewall)
  const head = comment(`${svc.spn} loadbalancer IP`)
  for (const range of svc.sourceRanges)
    addRule(p.nat, ch.firewall, head, '-s', range, '-j', ch.external)
  if (nodeInRange(svc.sourceRanges, o.nodeIP))
    for (const ip of svc.loadBalancerVIPs)
      addRule(p.nat, ch.firewall, head, '-s', ip, '-j', ch.external)
  addRule(
    p.nat,
    ch.firewall,
    comment(`other traffic to ${svc.spn} will be dropped by KUBE-PROXY-FIREWALL`),
  )
}
