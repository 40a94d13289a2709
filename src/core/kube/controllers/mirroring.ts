/**
 * @module core/kube/controllers/mirroring
 * The EndpointSlice mirroring controller: v1 Endpoints → EndpointSlices, for a Service that
 * exists, has no selector (with a selector the EndpointSlice controller owns its slices), and
 * has no EndpointSlice in the input; an Endpoints labelled
 * endpointslice.kubernetes.io/skip-mirror=true is skipped.
 *
 * As the controller does (pkg/controller/endpointslicemirroring): one slice per port set and
 * address type, named `<endpoints>-<5 chars>`; addresses are ready, notReadyAddresses are not
 * (only the `ready` condition is set); at most 1000 addresses per subset are mirrored
 * (--mirroring-max-endpoints-per-subset); the Endpoints' labels are copied, with
 * kubernetes.io/service-name and endpointslice.kubernetes.io/managed-by set.
 */
import type { Endpoint, EndpointPort, EndpointSlice, Service } from '../model.js'
import { servicesWithSlices } from './endpointslices.js'
import { freshName } from './names.js'
import { canonicalJson } from './pod-template-hash.js'
import { familyOf } from './ranges.js'
import {
  type ClusterDraft,
  type ControllerOptions,
  type Endpoints,
  originOf,
  type Warning,
} from './types.js'

export const MIRRORING_CONTROLLER = 'endpointslicemirroring-controller.k8s.io'
export const MAX_MIRRORED_PER_SUBSET = 1000

type Address = Endpoints['subsets'][number]['addresses'][number]

export function runMirroring(draft: ClusterDraft, options: ControllerOptions): ClusterDraft {
  const given = servicesWithSlices(draft.endpointSlices)
  const taken = new Set(
    draft.endpointSlices.map((s) => `${s.metadata.namespace}/${s.metadata.name}`),
  )
  const made: EndpointSlice[] = []
  const warnings: Warning[] = []
  for (const ep of draft.endpoints) {
    const key = `${ep.metadata.namespace}/${ep.metadata.name}`
    const svc = draft.services.find(
      (s) => s.metadata.namespace === ep.metadata.namespace && s.metadata.name === ep.metadata.name,
    )
    if (svc === undefined) {
      warnings.push(orphan(draft, ep))
      continue
    }
    if (!mirrored(svc, ep) || given.has(key)) continue
    made.push(...mirror(ep, taken, options.seed, warnings, draft))
  }
  return {
    ...draft,
    endpointSlices: [...draft.endpointSlices, ...made],
    warnings: [...draft.warnings, ...warnings],
  }
}

function mirrored(svc: Service, ep: Endpoints): boolean {
  if (Object.keys(svc.spec.selector ?? {}).length > 0) return false
  return ep.metadata.labels?.['endpointslice.kubernetes.io/skip-mirror'] !== 'true'
}

interface Group {
  readonly type: 'IPv4' | 'IPv6'
  readonly ports: EndpointPort[]
  readonly endpoints: Endpoint[]
}

function mirror(
  ep: Endpoints,
  taken: Set<string>,
  seed: string,
  warnings: Warning[],
  draft: ClusterDraft,
): EndpointSlice[] {
  const groups = new Map<string, Group>()
  for (const subset of ep.subsets) {
    const ports: EndpointPort[] = subset.ports.map((p) => ({ ...p, name: p.name ?? '' }))
    const all = [
      ...subset.addresses.map((a) => [a, true] as const),
      ...subset.notReadyAddresses.map((a) => [a, false] as const),
    ]
    if (all.length > MAX_MIRRORED_PER_SUBSET) warnings.push(truncated(draft, ep, all.length))
    for (const [address, ready] of all.slice(0, MAX_MIRRORED_PER_SUBSET)) {
      const type = familyOf(address.ip) === 6 ? 'IPv6' : 'IPv4'
      const key = `${type}/${canonicalJson(ports)}`
      const group = groups.get(key) ?? { type, ports, endpoints: [] }
      group.endpoints.push(toEndpoint(address, ready))
      groups.set(key, group)
    }
  }
  return [...groups.values()].map((g, i) => slice(ep, g, taken, seed, i))
}

function toEndpoint(a: Address, ready: boolean): Endpoint {
  return {
    addresses: [a.ip],
    conditions: { ready },
    ...(a.hostname === undefined || a.hostname === '' ? {} : { hostname: a.hostname }),
    ...(a.nodeName === undefined ? {} : { nodeName: a.nodeName }),
    ...(a.targetRef === undefined ? {} : { targetRef: a.targetRef }),
  }
}

function slice(
  ep: Endpoints,
  g: Group,
  taken: Set<string>,
  seed: string,
  i: number,
): EndpointSlice {
  const ns = ep.metadata.namespace
  const inNs = new Set(
    [...taken].filter((n) => n.startsWith(`${ns}/`)).map((n) => n.slice(ns.length + 1)),
  )
  const name = freshName(`${ep.metadata.name}-`, inNs, seed, ns, 'mirror', g.type, i)
  taken.add(`${ns}/${name}`)
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: {
      name,
      namespace: ns,
      generateName: `${ep.metadata.name}-`,
      labels: {
        ...ep.metadata.labels,
        'kubernetes.io/service-name': ep.metadata.name,
        'endpointslice.kubernetes.io/managed-by': MIRRORING_CONTROLLER,
      },
      ownerReferences: [{ kind: 'Endpoints', name: ep.metadata.name }],
    },
    addressType: g.type,
    endpoints: g.endpoints,
    ports: g.ports,
  }
}

function orphan(draft: ClusterDraft, ep: Endpoints): Warning {
  const location = originOf(draft, 'Endpoints', ep.metadata)
  return {
    message: `Endpoints ${ep.metadata.namespace}/${ep.metadata.name} has no Service of that name: not mirrored to EndpointSlices`,
    ...(location === undefined ? {} : { location }),
  }
}

function truncated(draft: ClusterDraft, ep: Endpoints, count: number): Warning {
  const location = originOf(draft, 'Endpoints', ep.metadata)
  return {
    message: `Endpoints ${ep.metadata.namespace}/${ep.metadata.name}: a subset has ${count} addresses; only the first ${MAX_MIRRORED_PER_SUBSET} are mirrored`,
    ...(location === undefined ? {} : { location }),
  }
}
