/**
 * @module core/kube/controllers/endpointslices
 * The EndpointSlice controller (k8s.io/endpointslice reconciler) for Services with a selector,
 * when the input gives no EndpointSlice for them (given slices win):
 *
 * - Pods in the Service's namespace whose labels carry every selector pair, that are not
 *   Succeeded or Failed and have an IP. Terminating pods (deletionTimestamp) stay in.
 * - Conditions: serving = the pod's Ready condition is True; terminating = deletionTimestamp is
 *   set; ready = serving and not terminating, or always true with publishNotReadyAddresses.
 * - Ports: each Service port with a numeric targetPort, or the container port of that name and
 *   protocol; a pod lacking a named port just leaves that port out (its endpoint lands in a
 *   slice with the other port set).
 * - One set of slices per address type (the Service's ipFamilies) and per port set, at most
 *   100 endpoints each (--max-endpoints-per-slice default). An address type with no endpoints
 *   gets one empty placeholder slice, as the controller keeps.
 * - Names `<service>-<5 chars>`; labels: the Service's own, plus kubernetes.io/service-name,
 *   endpointslice.kubernetes.io/managed-by and, for a headless Service, service.kubernetes.io/headless.
 * - Endpoints carry nodeName, zone (the node's topology.kubernetes.io/zone), targetRef, and
 *   hostname when the pod's subdomain names the Service.
 *
 * An empty selector is treated as no selector (kpath does not select every pod in the
 * namespace). A selector that matches no pod is a warning.
 */
import type {
  Endpoint,
  EndpointPort,
  EndpointSlice,
  Node,
  Pod,
  Service,
  ServicePort,
} from '../model.js'
import { freshName } from './names.js'
import { canonicalJson } from './pod-template-hash.js'
import { familyOf } from './ranges.js'
import { indexPods, matchPods, type PodIndex, selectPods } from './selectors.js'
import { type ClusterDraft, type ControllerOptions, originOf, type Warning } from './types.js'

export const MAX_ENDPOINTS_PER_SLICE = 100
export const CONTROLLER_NAME = 'endpointslice-controller.k8s.io'

type AddressType = 'IPv4' | 'IPv6'

interface Ctx {
  readonly draft: ClusterDraft
  readonly seed: string
  /** Slice names per namespace, given and made so far. */
  readonly names: Map<string, Set<string>>
  readonly nodes: ReadonlyMap<string, Node>
}

export function runEndpointSlices(draft: ClusterDraft, options: ControllerOptions): ClusterDraft {
  const names = new Map<string, Set<string>>()
  for (const s of draft.endpointSlices) namesIn(names, s.metadata.namespace).add(s.metadata.name)
  const ctx: Ctx = {
    draft,
    seed: options.seed,
    names,
    nodes: new Map(draft.nodes.map((n) => [n.metadata.name, n])),
  }
  const given = servicesWithSlices(draft.endpointSlices)
  const index = indexPods(draft.pods)
  const made: EndpointSlice[] = []
  const warnings: Warning[] = []
  for (const svc of draft.services) {
    if (!managed(svc, given)) continue
    const pods = selectPods(index, svc)
    if (pods.length === 0) warnings.push(noMatch(draft, index, svc))
    for (const type of addressTypes(svc)) made.push(...slicesFor(ctx, svc, pods, type))
  }
  return {
    ...draft,
    endpointSlices: [...draft.endpointSlices, ...made],
    warnings: [...draft.warnings, ...warnings],
  }
}

/** `namespace/service` of every Service some given slice belongs to. */
export function servicesWithSlices(slices: readonly EndpointSlice[]): Set<string> {
  const out = new Set<string>()
  for (const s of slices) {
    const svc = s.metadata.labels?.['kubernetes.io/service-name']
    if (svc !== undefined) out.add(`${s.metadata.namespace ?? 'default'}/${svc}`)
  }
  return out
}

/** Services this controller fills: a selector, not ExternalName, and no given slice. */
function managed(svc: Service, given: ReadonlySet<string>): boolean {
  if (svc.spec.type === 'ExternalName') return false
  if (Object.keys(svc.spec.selector ?? {}).length === 0) return false
  return !given.has(`${svc.metadata.namespace ?? 'default'}/${svc.metadata.name}`)
}

function addressTypes(svc: Service): AddressType[] {
  const families = svc.spec.ipFamilies ?? []
  if (families.length > 0) return [...new Set(families)]
  const ip = svc.spec.clusterIP
  return ip !== undefined && familyOf(ip) === 6 ? ['IPv6'] : ['IPv4']
}

function slicesFor(
  ctx: Ctx,
  svc: Service,
  pods: readonly Pod[],
  type: AddressType,
): EndpointSlice[] {
  const groups = new Map<string, { ports: EndpointPort[]; endpoints: Endpoint[] }>()
  for (const pod of pods) {
    const ep = podEndpoint(ctx, svc, pod, type)
    if (ep === undefined) continue
    const ports = endpointPorts(svc, pod)
    const key = canonicalJson(ports)
    const group = groups.get(key) ?? { ports, endpoints: [] }
    group.endpoints.push(ep)
    groups.set(key, group)
  }
  if (groups.size === 0) return [newSlice(ctx, svc, type, [], [], 0)]
  const out: EndpointSlice[] = []
  for (const { ports, endpoints } of groups.values())
    for (let i = 0; i < endpoints.length; i += MAX_ENDPOINTS_PER_SLICE)
      out.push(
        newSlice(
          ctx,
          svc,
          type,
          ports,
          endpoints.slice(i, i + MAX_ENDPOINTS_PER_SLICE),
          out.length,
        ),
      )
  return out
}

function podEndpoint(ctx: Ctx, svc: Service, pod: Pod, type: AddressType): Endpoint | undefined {
  const want = type === 'IPv4' ? 4 : 6
  const addresses = (pod.status?.podIPs ?? [])
    .map((p) => p.ip)
    .filter((ip) => familyOf(ip) === want)
  if (addresses.length === 0) return undefined
  const serving = (pod.status?.conditions ?? []).some(
    (c) => c.type === 'Ready' && c.status === 'True',
  )
  const terminating = pod.metadata.deletionTimestamp !== undefined
  const ready = svc.spec.publishNotReadyAddresses === true || (serving && !terminating)
  const nodeName = pod.spec.nodeName
  const zone =
    nodeName === undefined
      ? undefined
      : ctx.nodes.get(nodeName)?.metadata.labels?.['topology.kubernetes.io/zone']
  const hostname =
    pod.spec.hostname !== undefined &&
    pod.spec.hostname !== '' &&
    pod.spec.subdomain === svc.metadata.name
      ? pod.spec.hostname
      : undefined
  return {
    addresses,
    conditions: { ready, serving, terminating },
    ...(hostname === undefined ? {} : { hostname }),
    ...(nodeName === undefined ? {} : { nodeName }),
    ...(zone === undefined || zone === '' ? {} : { zone }),
    targetRef: {
      kind: 'Pod',
      name: pod.metadata.name,
      namespace: pod.metadata.namespace ?? 'default',
    },
  }
}

/** The Service's ports as this pod serves them (FindPort); an unresolvable name is left out. */
export function endpointPorts(svc: Service, pod: Pod): EndpointPort[] {
  return svc.spec.ports.flatMap((sp) => {
    const port = findPort(pod, sp)
    if (port === undefined) return []
    return [
      {
        name: sp.name ?? '',
        port,
        protocol: sp.protocol,
        ...(sp.appProtocol === undefined ? {} : { appProtocol: sp.appProtocol }),
      },
    ]
  })
}

export function findPort(pod: Pod, sp: ServicePort): number | undefined {
  if (typeof sp.targetPort === 'number') return sp.targetPort
  for (const c of pod.spec.containers)
    for (const p of c.ports ?? [])
      if (p.name === sp.targetPort && p.protocol === sp.protocol) return p.containerPort
  return undefined
}

function newSlice(
  ctx: Ctx,
  svc: Service,
  addressType: AddressType,
  ports: EndpointPort[],
  endpoints: Endpoint[],
  index: number,
): EndpointSlice {
  const ns = svc.metadata.namespace ?? 'default'
  const taken = namesIn(ctx.names, ns)
  const base = `${svc.metadata.name}-`
  const name = freshName(base, taken, ctx.seed, ns, 'EndpointSlice', addressType, index)
  taken.add(name)
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: {
      name,
      namespace: ns,
      generateName: `${svc.metadata.name}-`,
      labels: sliceLabels(svc),
      ownerReferences: [{ kind: 'Service', name: svc.metadata.name }],
    },
    addressType,
    endpoints,
    ports,
  }
}

function namesIn(names: Map<string, Set<string>>, ns: string | undefined): Set<string> {
  const key = ns ?? 'default'
  let set = names.get(key)
  if (set === undefined) {
    set = new Set()
    names.set(key, set)
  }
  return set
}

const RESERVED = [
  'kubernetes.io/service-name',
  'endpointslice.kubernetes.io/managed-by',
  'service.kubernetes.io/headless',
]

function sliceLabels(svc: Service): Record<string, string> {
  const labels: Record<string, string> = {}
  for (const [k, v] of Object.entries(svc.metadata.labels ?? {}))
    if (!RESERVED.includes(k)) labels[k] = v
  if (svc.spec.clusterIP === 'None' || svc.spec.clusterIP === '')
    labels['service.kubernetes.io/headless'] = ''
  labels['kubernetes.io/service-name'] = svc.metadata.name
  labels['endpointslice.kubernetes.io/managed-by'] = CONTROLLER_NAME
  return labels
}

function noMatch(draft: ClusterDraft, index: PodIndex, svc: Service): Warning {
  const name = `${svc.metadata.namespace}/${svc.metadata.name}`
  const matched = matchPods(index, svc).length > 0
  const why = matched
    ? 'selects pods, but none is running with an IP'
    : `selector ${JSON.stringify(svc.spec.selector)} matches no pod`
  const location = originOf(draft, 'Service', svc.metadata)
  return {
    message: `Service ${name}: ${why}; it has no endpoints`,
    ...(location === undefined ? {} : { location }),
  }
}
