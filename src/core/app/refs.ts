/**
 * @module core/app/refs
 * The `--from` / `--to` / `--pod` references of `kpath trace` and `kpath show`, resolved against
 * an assembled cluster: `pod/NS/NAME`, `pod/NAME` (namespace `default`), `node/NAME`,
 * `svc/NS/NAME[:PORT]` (the ClusterIP; PORT is a port name or number, default the first port),
 * `external/NAME` (a Topology external host) and a bare IPv4 address. An address no namespace
 * owns stands for a host outside the cluster, reached through the external segment.
 */
import type { AssembledCluster } from '../cluster/index.js'
import { KpathError } from '../errors.js'
import type { Cluster, Service, ServicePort } from '../kube/model.js'
import { netnsName } from '../model/cluster-state.js'
import type { NetnsState } from '../model/netns.js'
import { parseIPv4 } from '../net/ip.js'

/** A resolved reference: where a socket lives (if anywhere modelled) and its address. */
export interface Endpoint {
  /** How the user named it, for messages. */
  readonly label: string
  /** The namespace whose socket sends or receives; absent for an address outside the cluster. */
  readonly netns?: string
  readonly addr: string
  /** A Service port: its number and protocol. */
  readonly port?: number
  readonly proto?: 'tcp' | 'udp' | 'sctp'
  /** A pod's first container port, the default destination port for it. */
  readonly containerPort?: number
}

export interface RefWorld {
  readonly cluster: Cluster
  readonly state: AssembledCluster
}

/** At most this many known names in a hint: a big cluster has tens of thousands of pods. */
const HINT_NAMES = 12

/**
 * `known` is computed only for the error: listing 30,000 pods on every successful lookup was
 * most of a repeated trace's time on a large cluster.
 */
function badRef(ref: string, what: string, knownOf: () => readonly string[]): KpathError {
  const known = knownOf()
  const shown = known.slice(0, HINT_NAMES).join(', ')
  const more = known.length > HINT_NAMES ? ` … and ${known.length - HINT_NAMES} more` : ''
  const list = known.length > 0 ? `${shown}${more}` : '(none)'
  return new KpathError('KPATH_INVALID_ARGUMENT', `${ref}: ${what}`, {
    hint: `known: ${list}`,
  })
}

function byRole(w: RefWorld, kind: string): NetnsState[] {
  return w.state.namespaces.filter((n) => n.role?.kind === kind)
}

/** The first global IPv4 address of a namespace, eth0's first (the NIC a socket uses). */
function mainAddress(n: NetnsState): string | undefined {
  const v4 = n.addresses.filter((a) => a.family === 4 && a.scope === 'global')
  return (v4.find((a) => a.iface === 'eth0') ?? v4[0])?.local
}

function withAddress(label: string, n: NetnsState, extra: Partial<Endpoint> = {}): Endpoint {
  const addr = mainAddress(n)
  if (addr === undefined)
    throw new KpathError('KPATH_INVALID_ARGUMENT', `${label}: ${n.name} has no IPv4 address`)
  return { label, netns: n.name, addr, ...extra }
}

function podRef(w: RefWorld, ref: string, ns: string, name: string): Endpoint {
  const pod = w.cluster.pods.find(
    (p) => (p.metadata.namespace ?? 'default') === ns && p.metadata.name === name,
  )
  const known = () =>
    w.cluster.pods.map((p) => `pod/${p.metadata.namespace ?? 'default'}/${p.metadata.name}`)
  if (pod === undefined) throw badRef(ref, `no pod ${ns}/${name}`, known)
  const port = pod.spec.containers.flatMap((c) => c.ports ?? [])[0]?.containerPort
  const extra = port === undefined ? {} : { containerPort: port }
  // A hostNetwork pod has no namespace of its own: its sockets are the node's.
  const netns = pod.spec.hostNetwork
    ? netnsName.node(pod.spec.nodeName ?? '')
    : netnsName.pod(ns, name)
  const n = w.state.namespaces.find((x) => x.name === netns)
  if (n === undefined) throw badRef(ref, `pod ${ns}/${name} has no sandbox (not scheduled?)`, known)
  return withAddress(ref, n, extra)
}

function nodeRef(w: RefWorld, ref: string, name: string): Endpoint {
  const n = w.state.namespaces.find((x) => x.name === netnsName.node(name))
  const known = () =>
    byRole(w, 'node').map((x) => `node/${x.role?.kind === 'node' ? x.role.node : ''}`)
  if (n === undefined) throw badRef(ref, `no node ${name}`, known)
  const node = w.cluster.nodes.find((x) => x.metadata.name === name)
  const ip = node?.status.addresses.find(
    (a) => a.type === 'InternalIP' && parseIPv4(a.address) !== undefined,
  )
  return ip === undefined ? withAddress(ref, n) : { label: ref, netns: n.name, addr: ip.address }
}

function externalRef(w: RefWorld, ref: string, name: string): Endpoint {
  const n = w.state.namespaces.find((x) => x.name === netnsName.external(name))
  const known = () =>
    byRole(w, 'external').map((x) => `external/${x.role?.kind === 'external' ? x.role.name : ''}`)
  if (n === undefined) throw badRef(ref, `no external host ${name}`, known)
  return withAddress(ref, n)
}

function servicePort(svc: Service, ref: string, want: string | undefined): ServicePort {
  const ports = svc.spec.ports
  const known = () => ports.map((p) => `${p.name ?? ''}${p.name ? '/' : ''}${p.port}`)
  const port =
    want === undefined ? ports[0] : ports.find((p) => p.name === want || String(p.port) === want)
  if (port === undefined) throw badRef(ref, `no port ${want ?? ''} on the Service`, known)
  return port
}

function serviceRef(w: RefWorld, ref: string, ns: string, rest: string): Endpoint {
  const [name = '', want] = rest.split(':')
  const svc = w.cluster.services.find(
    (s) => (s.metadata.namespace ?? 'default') === ns && s.metadata.name === name,
  )
  const known = () =>
    w.cluster.services.map((s) => `svc/${s.metadata.namespace ?? 'default'}/${s.metadata.name}`)
  if (svc === undefined) throw badRef(ref, `no Service ${ns}/${name}`, known)
  const ip = svc.spec.clusterIP
  if (ip === undefined || ip === 'None' || parseIPv4(ip) === undefined)
    throw badRef(ref, `Service ${ns}/${name} has no IPv4 ClusterIP (${ip ?? 'none'})`, known)
  const p = servicePort(svc, ref, want)
  const proto = p.protocol.toLowerCase() as 'tcp' | 'udp' | 'sctp'
  return { label: ref, addr: ip, port: p.port, proto }
}

/** The namespace (not a segment's bridge) owning an IPv4 address. */
function owner(w: RefWorld, ip: string): NetnsState | undefined {
  return w.state.namespaces.find((n) =>
    n.addresses.some((a) => a.family === 4 && a.scope !== 'host' && a.local === ip),
  )
}

function ipRef(w: RefWorld, ref: string): Endpoint {
  const n = owner(w, ref)
  return n === undefined ? { label: ref, addr: ref } : { label: ref, netns: n.name, addr: ref }
}

const FORMS =
  'pod/NS/NAME, pod/NAME, node/NAME, svc/NS/NAME[:PORT], external/NAME or an IPv4 address'

/**
 * @example
 * resolveRef(w, 'svc/default/web:http') // → { label, addr: '10.96.0.10', port: 80, proto: 'tcp' }
 * resolveRef(w, 'pod/web-1')            // → { label, netns: 'pod-default-web-1', addr: '10.244.0.2' }
 * @throws KpathError KPATH_INVALID_ARGUMENT naming what exists when the reference is unknown
 */
export function resolveRef(w: RefWorld, ref: string): Endpoint {
  const parts = ref.split('/')
  const [kind, a, b] = parts
  if (kind === 'pod' && parts.length === 2 && a) return podRef(w, ref, 'default', a)
  if (kind === 'pod' && parts.length === 3 && a && b) return podRef(w, ref, a, b)
  if (kind === 'node' && parts.length === 2 && a) return nodeRef(w, ref, a)
  if (kind === 'external' && parts.length === 2 && a) return externalRef(w, ref, a)
  if ((kind === 'svc' || kind === 'service') && parts.length === 3 && a && b)
    return serviceRef(w, ref, a, b)
  if (parts.length === 1 && parseIPv4(ref) !== undefined) return ipRef(w, ref)
  throw new KpathError('KPATH_INVALID_ARGUMENT', `cannot read the reference ${ref}`, {
    hint: `use ${FORMS}`,
  })
}

/**
 * Where a packet from `e` starts: its namespace, or, for an address outside the cluster, the
 * first external host (the address is then a client behind it, sending with that source).
 */
export function senderNetns(w: RefWorld, e: Endpoint): string {
  if (e.netns !== undefined) return e.netns
  const ext = byRole(w, 'external')[0]
  if (ext === undefined)
    throw new KpathError(
      'KPATH_INVALID_ARGUMENT',
      `${e.label} is outside the cluster and the topology has no external host to send from`,
      { hint: 'add an external host to the Topology, or start from a pod or node' },
    )
  return ext.name
}
