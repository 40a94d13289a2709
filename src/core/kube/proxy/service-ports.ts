/**
 * @module core/kube/proxy/service-ports
 * Services and EndpointSlices → per-service-port facts, for one IP family: kube-proxy's change
 * trackers (pkg/proxy `serviceport.go` newBaseServiceInfo, `endpointslicecache.go`) reduced to
 * a pure function of the objects. Nothing here writes rules.
 *
 * Order: Services in input order, ports in spec order. kube-proxy walks a Go map (random order);
 * a stable order makes the output reproducible and does not change what any packet meets.
 */
import type { EndpointSlice, IPFamily, Protocol, Service, ServicePort } from '../model.js'
import { endpointsByPort } from './endpoints.js'
import { canonicalIP, familyOf, familyOfText, formatGoCIDR, parseCIDRSloppy } from './ip-text.js'
import type { EndpointInfo, L4Protocol, ServicePortInfo } from './types.js'

/** Findings kube-proxy would log (and skip), collected instead of printed. */
export type Warn = (message: string) => void

const L4: Readonly<Record<Protocol, L4Protocol>> = { TCP: 'tcp', UDP: 'udp', SCTP: 'sctp' }

/** API default of `sessionAffinityConfig.clientIP.timeoutSeconds`. */
const DEFAULT_STICKY_SECONDS = 10800

/** `GetClusterIPByFamily`: `clusterIPs` by `ipFamilies`, else the single `clusterIP`. */
function clusterIPFor(svc: Service, family: IPFamily): string | undefined {
  const spec = svc.spec
  if (spec.type === 'ExternalName') return undefined
  if (spec.clusterIP === undefined || spec.clusterIP === '' || spec.clusterIP === 'None')
    return undefined
  if (spec.ipFamilies && spec.ipFamilies.length > 0 && spec.clusterIPs) {
    const i = spec.ipFamilies.indexOf(family)
    const ip = i < 0 ? undefined : spec.clusterIPs[i]
    return ip === undefined ? undefined : canonicalIP(ip)
  }
  const ip = canonicalIP(spec.clusterIP)
  return ip !== undefined && familyOfText(ip) === family ? ip : undefined
}

/** Valid addresses of `family` from `list`; invalid ones are reported, not silently dropped. */
function ipsOfFamily(
  list: readonly string[],
  family: IPFamily,
  what: string,
  warn: Warn,
): string[] {
  const out: string[] = []
  for (const text of list) {
    const ip = canonicalIP(text)
    if (ip === undefined)
      warn(`${what} ${JSON.stringify(text)} is not an IP address; kube-proxy ignores it`)
    else if (familyOfText(ip) === family) out.push(ip)
  }
  return out
}

/** loadBalancerSourceRanges: trimmed (kube-proxy trims spaces), parsed, of this family. */
function rangesOfFamily(svc: Service, family: IPFamily, warn: Warn): string[] {
  const out: string[] = []
  for (const raw of svc.spec.loadBalancerSourceRanges ?? []) {
    const c = parseCIDRSloppy(raw.trim())
    if (!c)
      warn(`loadBalancerSourceRange ${JSON.stringify(raw)} is not a CIDR; kube-proxy ignores it`)
    else if (familyOf(c) === family) out.push(formatGoCIDR(c))
  }
  return out
}

/** Ingress IPs kube-proxy captures: `ipMode: Proxy` load balancers are left alone. */
function lbVIPs(svc: Service, family: IPFamily, warn: Warn): string[] {
  const ingress = svc.status?.loadBalancer?.ingress ?? []
  const ips = ingress.filter((i) => i.ip && i.ipMode !== 'Proxy').map((i) => i.ip ?? '')
  return ipsOfFamily(ips, family, 'load-balancer ingress IP', warn)
}

/** `apiservice.ExternalPolicyLocal`: Local ETP only counts where external traffic exists. */
function externalPolicyLocal(svc: Service): boolean {
  const s = svc.spec
  const external =
    s.type === 'LoadBalancer' || s.type === 'NodePort' || (s.externalIPs?.length ?? 0) > 0
  return external && s.externalTrafficPolicy === 'Local'
}

/** `apiservice.NeedsHealthCheck`: LoadBalancer with Local ETP; otherwise the field is ignored. */
function healthCheckNodePort(svc: Service): number {
  const needs = svc.spec.type === 'LoadBalancer' && svc.spec.externalTrafficPolicy === 'Local'
  return needs ? (svc.spec.healthCheckNodePort ?? 0) : 0
}

function stickySeconds(svc: Service): number | undefined {
  if (svc.spec.sessionAffinity !== 'ClientIP') return undefined
  return svc.spec.sessionAffinityConfig?.clientIP?.timeoutSeconds ?? DEFAULT_STICKY_SECONDS
}

interface Shared {
  readonly svc: Service
  readonly namespace: string
  readonly family: IPFamily
  readonly clusterIP: string
  readonly externalIPs: readonly string[]
  readonly loadBalancerVIPs: readonly string[]
  readonly sourceRanges: readonly string[]
}

function portInfo(
  sh: Shared,
  port: ServicePort,
  endpoints: readonly EndpointInfo[],
): ServicePortInfo {
  const portName = port.name ?? ''
  const spn = `${sh.namespace}/${sh.svc.metadata.name}${portName === '' ? '' : `:${portName}`}`
  return {
    namespace: sh.namespace,
    name: sh.svc.metadata.name,
    portName,
    spn,
    protocol: L4[port.protocol],
    family: sh.family,
    clusterIP: sh.clusterIP,
    port: port.port,
    nodePort: port.nodePort ?? 0,
    externalIPs: sh.externalIPs,
    loadBalancerVIPs: sh.loadBalancerVIPs,
    sourceRanges: sh.sourceRanges,
    externalPolicyLocal: externalPolicyLocal(sh.svc),
    internalPolicyLocal: sh.svc.spec.internalTrafficPolicy === 'Local',
    stickySeconds: stickySeconds(sh.svc),
    healthCheckNodePort: healthCheckNodePort(sh.svc),
    endpoints,
  }
}

export interface ServicePortInput {
  readonly services: readonly Service[]
  readonly endpointSlices: readonly EndpointSlice[]
  readonly family: IPFamily
  /** This node's name: endpoints whose `nodeName` equals it are local. */
  readonly nodeName: string
  /** Read `hints.forNodes` (feature gate PreferSameTrafficDistribution). */
  readonly nodeHints: boolean
}

/** Every proxied service port of one family, with its endpoints. */
export function servicePorts(input: ServicePortInput, warn: Warn): ServicePortInfo[] {
  const byPort = endpointsByPort(input, warn)
  const out: ServicePortInfo[] = []
  for (const svc of input.services) {
    const clusterIP = clusterIPFor(svc, input.family)
    if (clusterIP === undefined) continue
    const namespace = svc.metadata.namespace ?? 'default'
    const sh: Shared = {
      svc,
      namespace,
      family: input.family,
      clusterIP,
      externalIPs: ipsOfFamily(svc.spec.externalIPs ?? [], input.family, 'externalIP', warn),
      loadBalancerVIPs: lbVIPs(svc, input.family, warn),
      sourceRanges: rangesOfFamily(svc, input.family, warn),
    }
    for (const port of svc.spec.ports) {
      const key = `${namespace}/${svc.metadata.name}|${port.name ?? ''}|${port.protocol}`
      out.push(portInfo(sh, port, byPort.get(key) ?? []))
    }
  }
  return out
}
