/**
 * @module core/kube/proxy/ipvs/sync
 * The per-service-port loop of `syncProxyRules` (pkg/proxy/ipvs/proxier.go, v1.33): for each
 * port, in kube-proxy's order, the ipset entries (hairpin, ClusterIP, external IPs, LB IPs,
 * source ranges, NodePorts, health-check port), the virtual services (ClusterIP, each external
 * IP, each LB IP, the NodePort on every node address) with their real servers
 * (`syncEndpoint`), and the addresses bound to kube-ipvs0.
 */
import type { IpvsDestination, IpvsProtocol, IpvsService } from '../../../ipvs/model.js'
import { cidrContains } from '../../../net/ip.js'
import { parseCIDRSloppy, parseIPSloppy } from '../ip-text.js'
import type { ServicePortPlan } from '../plan.js'
import type { EndpointInfo } from '../types.js'
import type { SetKey } from './names.js'
import type { IpvsOptions } from './options.js'

/** An LB IP:port the node itself may not reach (source ranges exclude the node IP). */
export interface NoNodeAccess {
  readonly ip: string
  readonly protocol: IpvsProtocol
  readonly port: number
}

export interface SyncResult {
  readonly services: IpvsService[]
  /** Addresses bound to kube-ipvs0, each once, in binding order (= KUBE-IPVS-IPS). */
  readonly bound: string[]
  /** Members per set (ipset `add` spelling), each once, in insertion order. */
  readonly entries: Map<SetKey, Set<string>>
  readonly noNodeAccess: NoNodeAccess[]
}

function add(r: SyncResult, key: SetKey, entry: string): void {
  let set = r.entries.get(key)
  if (set === undefined) {
    set = new Set()
    r.entries.set(key, set)
  }
  set.add(entry)
}

/** ipset's `ip,proto:port` (IPv6 addresses are written bare, as kube-proxy's Entry.String). */
function ipPort(ip: string, protocol: IpvsProtocol, port: number): string {
  return `${ip},${protocol}:${port}`
}

/**
 * `syncEndpoint`'s choice: local endpoints when the policy is Local and some exist, else the
 * cluster endpoints (kubernetes#97081: pods on a node without local endpoints still get
 * service). Weight 1 each; terminating TCP endpoints left out are kept draining at weight 0.
 */
function destinations(
  plan: ServicePortPlan,
  onlyLocal: boolean,
  o: IpvsOptions,
): IpvsDestination[] {
  const { cluster, local } = plan.endpoints
  const chosen: readonly EndpointInfo[] = onlyLocal && local.length > 0 ? local : cluster
  const out: IpvsDestination[] = chosen.map((ep) => ({
    address: ep.ip,
    port: ep.port,
    weight: 1,
    forward: 'masq',
  }))
  if (!o.drainTerminating || plan.svc.protocol !== 'tcp') return out
  const keys = new Set(chosen.map((ep) => ep.key))
  for (const ep of plan.svc.endpoints)
    if (ep.terminating && !keys.has(ep.key))
      out.push({ address: ep.ip, port: ep.port, weight: 0, forward: 'masq' })
  return out
}

function virtualService(
  plan: ServicePortPlan,
  address: string,
  port: number,
  onlyLocal: boolean,
  o: IpvsOptions,
): IpvsService {
  const svc = plan.svc
  return {
    key: {
      kind: 'addr',
      protocol: svc.protocol,
      family: svc.family === 'IPv4' ? 4 : 6,
      address,
      port,
    },
    scheduler: o.scheduler,
    // mh needs the source-hash flag (`FlagSourceHash`), which ipvsadm shows as mh-port.
    ...(o.scheduler === 'mh' ? { schedFlags: ['mh-port' as const] } : {}),
    ...(svc.stickySeconds === undefined ? {} : { persistence: { timeout: svc.stickySeconds } }),
    destinations: destinations(plan, onlyLocal, o),
  }
}

function bind(r: SyncResult, seen: Set<string>, ip: string): void {
  if (seen.has(ip)) return
  seen.add(ip)
  r.bound.push(ip)
}

/** The loop over every service port. */
export function syncServicePorts(plans: readonly ServicePortPlan[], o: IpvsOptions): SyncResult {
  const r: SyncResult = { services: [], bound: [], entries: new Map(), noNodeAccess: [] }
  const boundSeen = new Set<string>()
  const nodeAddrs = new Set(o.nodeAddresses)
  for (const plan of plans) {
    const svc = plan.svc
    const proto = svc.protocol
    // Hairpin: every local endpoint, whatever its readiness (the endpoints map holds them all).
    for (const ep of svc.endpoints)
      if (ep.isLocal) add(r, 'KUBE-LOOP-BACK', `${ipPort(ep.ip, proto, ep.port)},${ep.ip}`)
    add(r, 'KUBE-CLUSTER-IP', ipPort(svc.clusterIP, proto, svc.port))
    r.services.push(virtualService(plan, svc.clusterIP, svc.port, svc.internalPolicyLocal, o))
    bind(r, boundSeen, svc.clusterIP)
    for (const ip of svc.externalIPs) {
      add(
        r,
        svc.externalPolicyLocal ? 'KUBE-EXTERNAL-IP-LOCAL' : 'KUBE-EXTERNAL-IP',
        ipPort(ip, proto, svc.port),
      )
      r.services.push(virtualService(plan, ip, svc.port, svc.externalPolicyLocal, o))
      if (!nodeAddrs.has(ip)) bind(r, boundSeen, ip)
    }
    for (const ip of svc.loadBalancerVIPs) loadBalancer(r, boundSeen, nodeAddrs, plan, ip, o)
    // No node address: kube-proxy skips the NodePort (and its ipset entries) entirely.
    if (svc.nodePort !== 0 && o.nodePortIPs.length > 0) nodePorts(r, plan, o)
    if (svc.healthCheckNodePort !== 0)
      add(r, 'KUBE-HEALTH-CHECK-NODE-PORT', String(svc.healthCheckNodePort))
  }
  return r
}

function containsIP(cidr: string, ip: string): boolean {
  const c = parseCIDRSloppy(cidr)
  const a = parseIPSloppy(ip)
  return c !== undefined && a !== undefined && cidrContains(c, a)
}

function loadBalancer(
  r: SyncResult,
  boundSeen: Set<string>,
  nodeAddrs: ReadonlySet<string>,
  plan: ServicePortPlan,
  ip: string,
  o: IpvsOptions,
): void {
  const svc = plan.svc
  const entry = ipPort(ip, svc.protocol, svc.port)
  add(r, 'KUBE-LOAD-BALANCER', entry)
  if (svc.externalPolicyLocal) add(r, 'KUBE-LOAD-BALANCER-LOCAL', entry)
  if (svc.sourceRanges.length > 0) {
    add(r, 'KUBE-LOAD-BALANCER-FW', entry)
    for (const cidr of svc.sourceRanges)
      add(r, 'KUBE-LOAD-BALANCER-SOURCE-CIDR', `${entry},${cidr}`)
    // A range holding the node IP admits the node, whose packets to its own LB IP carry the
    // LB IP as source (the route to it is local); otherwise the node is shut out.
    if (svc.sourceRanges.some((c) => containsIP(c, o.nodeIP)))
      add(r, 'KUBE-LOAD-BALANCER-SOURCE-IP', `${entry},${ip}`)
    else r.noNodeAccess.push({ ip, protocol: svc.protocol, port: svc.port })
  }
  r.services.push(virtualService(plan, ip, svc.port, svc.externalPolicyLocal, o))
  if (!nodeAddrs.has(ip)) bind(r, boundSeen, ip)
}

const NODE_PORT_SET: Readonly<Record<IpvsProtocol, readonly [SetKey, SetKey]>> = {
  tcp: ['KUBE-NODE-PORT-TCP', 'KUBE-NODE-PORT-LOCAL-TCP'],
  udp: ['KUBE-NODE-PORT-UDP', 'KUBE-NODE-PORT-LOCAL-UDP'],
  sctp: ['KUBE-NODE-PORT-SCTP-HASH', 'KUBE-NODE-PORT-LOCAL-SCTP-HASH'],
}

/** bitmap:port entries for TCP/UDP; SCTP uses hash:ip,port with every node IP. */
function nodePorts(r: SyncResult, plan: ServicePortPlan, o: IpvsOptions): void {
  const svc = plan.svc
  const entries =
    svc.protocol === 'sctp'
      ? o.nodePortIPs.map((ip) => ipPort(ip, 'sctp', svc.nodePort))
      : [String(svc.nodePort)]
  const [all, local] = NODE_PORT_SET[svc.protocol]
  for (const e of entries) add(r, all, e)
  if (svc.externalPolicyLocal) for (const e of entries) add(r, local, e)
  for (const ip of o.nodePortIPs)
    r.services.push(virtualService(plan, ip, svc.nodePort, svc.externalPolicyLocal, o))
}
