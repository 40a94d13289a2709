/**
 * @module core/kube/proxy/iptables/capture
 * How a service port's destinations are captured (kube-proxy-spec.md §2.5 items 1–5): nat rules
 * in KUBE-SERVICES / KUBE-NODEPORTS that steer ClusterIP, external IP, load-balancer IP and
 * NodePort traffic into the service's chains, and filter rules that REJECT or DROP the same
 * destinations when there are no endpoints to steer to.
 */
import { NFACCT_LOCALHOST_NODEPORTS } from '../context.js'
import type { ServicePortPlan } from '../plan.js'
import {
  KUBE_EXTERNAL_SERVICES,
  KUBE_NODEPORTS,
  KUBE_PROXY_FIREWALL,
  KUBE_SERVICES,
  type ServiceChains,
} from './names.js'
import type { IptablesOptions } from './options.js'
import { addRule, quoted, type RestorePayload } from './payload.js'

/** `-m P -p P -d IP --dport PORT`: kube-proxy's destination match, in its argument order. */
function dest(plan: ServicePortPlan, ip: string): string[] {
  const p = plan.svc.protocol
  return ['-m', p, '-p', p, '-d', ip, '--dport', String(plan.svc.port)]
}

function comment(text: string): string[] {
  return ['-m', 'comment', '--comment', quoted(text)]
}

/** Traffic to the ClusterIP: into the internal policy chain, or refused. */
function captureClusterIP(p: RestorePayload, plan: ServicePortPlan, ch: ServiceChains): void {
  const svc = plan.svc
  if (plan.hasInternalEndpoints) {
    const target = plan.internalLocal ? ch.local : ch.cluster
    addRule(
      p.nat,
      KUBE_SERVICES,
      comment(`${svc.spn} cluster IP`),
      dest(plan, svc.clusterIP),
      '-j',
      target,
    )
  } else if (plan.internalFilter) {
    const f = plan.internalFilter
    addRule(p.filter, KUBE_SERVICES, comment(f.comment), dest(plan, svc.clusterIP), '-j', f.verdict)
  }
}

function captureExternalIPs(p: RestorePayload, plan: ServicePortPlan, ch: ServiceChains): void {
  for (const ip of plan.svc.externalIPs) {
    if (plan.hasEndpoints)
      addRule(
        p.nat,
        KUBE_SERVICES,
        comment(`${plan.svc.spn} external IP`),
        dest(plan, ip),
        '-j',
        ch.external,
      )
    const f = plan.externalFilter
    if (f)
      addRule(p.filter, KUBE_EXTERNAL_SERVICES, comment(f.comment), dest(plan, ip), '-j', f.verdict)
  }
}

/** Uses a KUBE-FW chain: iptables wants endpoints, LB IPs and source ranges. */
export function usesFirewallChain(plan: ServicePortPlan): boolean {
  return (
    plan.hasEndpoints && plan.svc.loadBalancerVIPs.length > 0 && plan.svc.sourceRanges.length > 0
  )
}

function captureLoadBalancer(p: RestorePayload, plan: ServicePortPlan, ch: ServiceChains): void {
  const svc = plan.svc
  const fw = usesFirewallChain(plan)
  for (const ip of svc.loadBalancerVIPs) {
    if (plan.hasEndpoints)
      addRule(
        p.nat,
        KUBE_SERVICES,
        comment(`${svc.spn} loadbalancer IP`),
        dest(plan, ip),
        '-j',
        fw ? ch.firewall : ch.external,
      )
    // Traffic the KUBE-FW chain did not DNAT reaches filter still aimed at the LB IP.
    if (fw)
      addRule(
        p.filter,
        KUBE_PROXY_FIREWALL,
        comment(`${svc.spn} traffic not accepted by ${ch.firewall}`),
        dest(plan, ip),
        '-j',
        'DROP',
      )
  }
  const f = plan.externalFilter
  if (f)
    for (const ip of svc.loadBalancerVIPs)
      addRule(p.filter, KUBE_EXTERNAL_SERVICES, comment(f.comment), dest(plan, ip), '-j', f.verdict)
}

/** NodePorts bypass loadBalancerSourceRanges ("for better or for worse", says kube-proxy). */
function captureNodePort(
  p: RestorePayload,
  plan: ServicePortPlan,
  ch: ServiceChains,
  o: IptablesOptions,
): void {
  const svc = plan.svc
  if (svc.nodePort === 0) return
  const proto = ['-m', svc.protocol, '-p', svc.protocol]
  const spn = ['-m', 'comment', '--comment', svc.spn]
  if (plan.hasEndpoints) {
    if (o.localhostNodePorts && o.family === 'IPv4' && o.nfacct.has(NFACCT_LOCALHOST_NODEPORTS))
      addRule(
        p.nat,
        KUBE_NODEPORTS,
        spn,
        proto,
        '-d',
        '127.0.0.0/8',
        '--dport',
        String(svc.nodePort),
        '-m',
        'nfacct',
        '--nfacct-name',
        NFACCT_LOCALHOST_NODEPORTS,
        '-j',
        ch.external,
      )
    addRule(p.nat, KUBE_NODEPORTS, spn, proto, '--dport', String(svc.nodePort), '-j', ch.external)
  }
  const f = plan.externalFilter
  if (f)
    addRule(
      p.filter,
      KUBE_EXTERNAL_SERVICES,
      comment(f.comment),
      '-m',
      'addrtype',
      '--dst-type',
      'LOCAL',
      proto,
      '--dport',
      String(svc.nodePort),
      '-j',
      f.verdict,
    )
}

/** The health-check port is accepted even without endpoints (it answers 503 then). */
function captureHealthCheck(p: RestorePayload, plan: ServicePortPlan): void {
  const port = plan.svc.healthCheckNodePort
  if (port === 0) return
  addRule(
    p.filter,
    KUBE_NODEPORTS,
    comment(`${plan.svc.spn} health check node port`),
    '-m',
    'tcp',
    '-p',
    'tcp',
    '--dport',
    String(port),
    '-j',
    'ACCEPT',
  )
}

/** All capture rules of one service port, in kube-proxy's emission order. */
export function writeCaptureRules(
  p: RestorePayload,
  plan: ServicePortPlan,
  ch: ServiceChains,
  o: IptablesOptions,
): void {
  captureClusterIP(p, plan, ch)
  captureExternalIPs(p, plan, ch)
  captureLoadBalancer(p, plan, ch)
  captureNodePort(p, plan, ch, o)
  captureHealthCheck(p, plan)
}
