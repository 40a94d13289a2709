/**
 * @module core/cni/kube-router/ipvs-services
 * The IPVS virtual services kube-router's service proxy programs on a node
 * (pkg/controllers/proxy `syncIpvsServices`, read at v1.6.0 and v2.11.0), in its three passes:
 *
 * 1. every service port's ClusterIP (`setupClusterIPServices`);
 * 2. each NodePort on the node IP (`setupNodePortServices`; `--nodeport-bindon-all-ip` is
 *    reported, not modelled);
 * 3. the external IPs and LoadBalancer IPs, sorted (`setupExternalIPServices`, unless the
 *    `kube-router.io/service.skiplbips` annotation is set).
 *
 * Real servers are the ready endpoints, weight 1, masquerade. A Service is *local* with
 * `externalTrafficPolicy: Local` or the `kube-router.io/service.local` annotation: it then uses
 * only this node's endpoints when it has any (ClusterIP), and its NodePort and external services
 * are skipped without a local endpoint. The scheduler comes from `kube-router.io/service.scheduler`
 * (rr, lc, dh, sh, mh; anything else is rr), the `flag-1..3` of
 * `kube-router.io/service.schedflags` only with mh; ClientIP affinity makes the service
 * persistent. With `kube-router.io/service.dsr: tunnel` an external IP becomes a firewall-mark
 * service (FNV-1a of `ip-protocol-port`, 14 bits) whose real servers are reached through IPIP
 * (`-i`). kube-router walks Go maps: services are listed in input order here, endpoints in
 * slice order (kube-router shuffles them).
 */
import type {
  IpvsDestination,
  IpvsProtocol,
  IpvsSchedFlag,
  IpvsScheduler,
  IpvsService,
} from '../../ipvs/model.js'
import type { EndpointSlice, Service, ServicePort } from '../../kube/model.js'
import { parseIPv4 } from '../../net/ip.js'
import { proxiedByKubeRouter } from './service-proxy.js'

interface Endpoint {
  readonly ip: string
  readonly port: number
  readonly isLocal: boolean
}

interface PortInfo {
  readonly svc: Service
  readonly port: ServicePort
  readonly protocol: IpvsProtocol
  readonly scheduler: IpvsScheduler
  readonly flags: readonly IpvsSchedFlag[]
  readonly persistence?: { readonly timeout: number }
  readonly local: boolean
  readonly dsrTunnel: boolean
  readonly endpoints: readonly Endpoint[]
}

const ANNOTATION = {
  scheduler: 'kube-router.io/service.scheduler',
  flags: 'kube-router.io/service.schedflags',
  local: 'kube-router.io/service.local',
  dsr: 'kube-router.io/service.dsr',
  skipLb: 'kube-router.io/service.skiplbips',
} as const

const SCHEDULERS: readonly IpvsScheduler[] = ['rr', 'lc', 'dh', 'sh', 'mh']

/** mh's flags by kube-router's names (IP_VS_SVC_F_SCHED1..3; ipvsadm calls 1 and 2 mh-fallback, mh-port). */
const MH_FLAGS: Readonly<Record<string, IpvsSchedFlag>> = {
  'flag-1': 'mh-fallback',
  'flag-2': 'mh-port',
  'flag-3': 'flag-3',
}

function schedFlags(scheduler: IpvsScheduler, text: string | undefined): IpvsSchedFlag[] {
  if (scheduler !== 'mh' || text === undefined) return []
  const out: IpvsSchedFlag[] = []
  for (const word of text.split(',')) {
    const flag = MH_FLAGS[word.trim()]
    if (flag !== undefined && !out.includes(flag)) out.push(flag)
  }
  return out
}

/** Ready endpoints of the service port, from the Service's EndpointSlices (IPv4). */
function endpointsOf(
  svc: Service,
  port: ServicePort,
  slices: readonly EndpointSlice[],
  node: string,
): Endpoint[] {
  const ns = svc.metadata.namespace ?? 'default'
  const out: Endpoint[] = []
  for (const s of slices) {
    if ((s.metadata.namespace ?? 'default') !== ns) continue
    if (s.metadata.labels?.['kubernetes.io/service-name'] !== svc.metadata.name) continue
    if (s.addressType !== 'IPv4') continue
    const sp = (s.ports ?? []).find(
      (p) => (p.name ?? '') === (port.name ?? '') && (p.protocol ?? 'TCP') === port.protocol,
    )
    if (sp?.port === undefined) continue
    for (const e of s.endpoints)
      if (e.conditions?.ready !== false)
        for (const ip of e.addresses) out.push({ ip, port: sp.port, isLocal: e.nodeName === node })
  }
  return out
}

function portInfos(
  services: readonly Service[],
  slices: readonly EndpointSlice[],
  node: string,
): PortInfo[] {
  const out: PortInfo[] = []
  for (const svc of services) {
    if (!proxiedByKubeRouter(svc)) continue
    const ip = svc.spec.clusterIP
    if (ip === undefined || parseIPv4(ip) === undefined) continue
    const a = svc.metadata.annotations ?? {}
    const scheduler = SCHEDULERS.find((s) => s === a[ANNOTATION.scheduler]) ?? 'rr'
    const timeout = svc.spec.sessionAffinityConfig?.clientIP?.timeoutSeconds ?? 10800
    for (const port of svc.spec.ports ?? [])
      out.push({
        svc,
        port,
        protocol: port.protocol === 'UDP' ? 'udp' : port.protocol === 'SCTP' ? 'sctp' : 'tcp',
        scheduler,
        flags: schedFlags(scheduler, a[ANNOTATION.flags]),
        ...(svc.spec.sessionAffinity === 'ClientIP' ? { persistence: { timeout } } : {}),
        local: a[ANNOTATION.local] !== undefined || svc.spec.externalTrafficPolicy === 'Local',
        dsrTunnel: a[ANNOTATION.dsr] === 'tunnel',
        endpoints: endpointsOf(svc, port, slices, node),
      })
  }
  return out
}

function dest(e: Endpoint, forward: IpvsDestination['forward']): IpvsDestination {
  return { address: e.ip, port: e.port, weight: 1, forward }
}

function addrService(
  p: PortInfo,
  address: string,
  port: number,
  d: IpvsDestination[],
): IpvsService {
  return {
    key: { kind: 'addr', protocol: p.protocol, family: 4, address, port },
    scheduler: p.scheduler,
    ...(p.flags.length > 0 ? { schedFlags: p.flags } : {}),
    ...(p.persistence === undefined ? {} : { persistence: p.persistence }),
    destinations: d,
  }
}

/** FNV-1a, 32 bits. */
function fnv1a(text: string): number {
  let h = 0x811c9dc5
  for (const byte of new TextEncoder().encode(text)) {
    h ^= byte
    h = Math.imul(h, 0x01000193) >>> 0
  }
  return h
}

/** `generateUniqueFWMark`: a 14-bit mark, re-hashed with `-N` on collision. */
function fwMark(used: Map<number, string>, ip: string, protocol: string, port: number): number {
  const key = `${ip}-${protocol}-${port}`
  for (let i = 0; ; i++) {
    const mark = fnv1a(i === 0 ? key : `${key}-${i}`) & 0x3fff
    const owner = used.get(mark)
    if (owner === undefined || owner === key) {
      used.set(mark, key)
      return mark
    }
  }
}

export interface KubeRouterIpvs {
  readonly services: IpvsService[]
  /** External IPs bound to kube-dummy-if (non-DSR ones). */
  readonly externalIPs: string[]
  /** DSR external IPs (firewall-mark services): what kpath leaves out around them is reported. */
  readonly dsr: string[]
}

/** The IPVS services kube-router programs on `node` (node IP `nodeIP`). */
export function kubeRouterIpvs(
  services: readonly Service[],
  slices: readonly EndpointSlice[],
  node: string,
  nodeIP: string | undefined,
): KubeRouterIpvs {
  const ports = portInfos(services, slices, node)
  const out: KubeRouterIpvs = { services: [], externalIPs: [], dsr: [] }
  const hasLocal = (p: PortInfo) => p.endpoints.some((e) => e.isLocal)
  const pick = (p: PortInfo) => (p.local ? p.endpoints.filter((e) => e.isLocal) : p.endpoints)
  for (const p of ports) {
    const eps = p.local && hasLocal(p) ? pick(p) : p.endpoints
    const vip = p.svc.spec.clusterIP ?? ''
    out.services.push(
      addrService(
        p,
        vip,
        p.port.port,
        eps.map((e) => dest(e, 'masq')),
      ),
    )
  }
  for (const p of ports) {
    const nodePort = p.port.nodePort ?? 0
    if (nodePort === 0 || nodeIP === undefined || (p.local && !hasLocal(p))) continue
    out.services.push(
      addrService(
        p,
        nodeIP,
        nodePort,
        pick(p).map((e) => dest(e, 'masq')),
      ),
    )
  }
  const marks = new Map<number, string>()
  for (const p of ports) externalServices(p, out, marks, hasLocal(p), pick(p))
  return out
}

function externalServices(
  p: PortInfo,
  out: KubeRouterIpvs,
  marks: Map<number, string>,
  hasLocal: boolean,
  eps: readonly Endpoint[],
): void {
  const a = p.svc.metadata.annotations ?? {}
  const lb =
    a[ANNOTATION.skipLb] === undefined
      ? (p.svc.status?.loadBalancer?.ingress ?? []).flatMap((i) => (i.ip ? [i.ip] : []))
      : []
  const ips = [...new Set([...(p.svc.spec.externalIPs ?? []), ...lb])].sort()
  if (ips.length === 0 || (p.local && !hasLocal)) return
  for (const ip of ips) {
    if (p.dsrTunnel) {
      const mark = fwMark(marks, ip, p.protocol, p.port.port)
      out.services.push({
        key: { kind: 'fwmark', family: 4, mark },
        scheduler: p.scheduler,
        ...(p.flags.length > 0 ? { schedFlags: p.flags } : {}),
        ...(p.persistence === undefined ? {} : { persistence: p.persistence }),
        destinations: eps.map((e) => ({ ...dest(e, 'tunnel'), tunnel: { type: 'ipip' } })),
      })
      if (!out.dsr.includes(ip)) out.dsr.push(ip)
      continue
    }
    out.services.push(
      addrService(
        p,
        ip,
        p.port.port,
        eps.map((e) => dest(e, 'masq')),
      ),
    )
    if (!out.externalIPs.includes(ip)) out.externalIPs.push(ip)
  }
}
