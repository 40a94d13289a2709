/**
 * @module core/kube/controllers/node-ports
 * The API server's NodePort allocator (service-node-port-range, default 30000-32767) for new
 * Services (see service-alloc.ts):
 *
 * - every port of a NodePort Service, and of a LoadBalancer Service unless
 *   allocateLoadBalancerNodePorts is false, gets a nodePort;
 * - a LoadBalancer Service with externalTrafficPolicy Local gets a healthCheckNodePort;
 * - two ports with the same port number (TCP and UDP of 53) share one nodePort, as the API
 *   server reuses a requested port for the same service port.
 *
 * The API server picks at random (in the upper band of the range first); kpath takes the lowest
 * free port, so results are deterministic. Ports given anywhere in the input are never reused.
 */
import { KpathError } from '../../errors.js'
import type { Service, ServicePort } from '../model.js'
import { isNewService } from './service-alloc.js'
import { type ClusterDraft, originOf } from './types.js'

export const NODE_PORT_RANGE = { first: 30000, last: 32767 } as const

export function allocateNodePorts(draft: ClusterDraft): ClusterDraft {
  const used = new Set<number>()
  for (const s of draft.services) {
    for (const p of s.spec.ports) if (p.nodePort !== undefined) used.add(p.nodePort)
    if (s.spec.healthCheckNodePort !== undefined) used.add(s.spec.healthCheckNodePort)
  }
  const next = (s: Service): number => {
    for (let p = NODE_PORT_RANGE.first; p <= NODE_PORT_RANGE.last; p++)
      if (!used.has(p)) {
        used.add(p)
        return p
      }
    throw new KpathError(
      'KPATH_INVALID_ARGUMENT',
      `no free NodePort in ${NODE_PORT_RANGE.first}-${NODE_PORT_RANGE.last} for Service ${s.metadata.namespace}/${s.metadata.name}`,
      {
        ...locationOf(draft, s),
        hint: 'the API server refuses the Service; set nodePort explicitly or remove Services',
      },
    )
  }
  const services = draft.services.map((s) => (isNewService(s) ? withNodePorts(s, next) : s))
  return { ...draft, services }
}

function withNodePorts(s: Service, next: (s: Service) => number): Service {
  const wantsPorts =
    s.spec.type === 'NodePort' ||
    (s.spec.type === 'LoadBalancer' && s.spec.allocateLoadBalancerNodePorts !== false)
  const ports = wantsPorts ? sharePorts(s.spec.ports, () => next(s)) : s.spec.ports
  const wantsHealth =
    s.spec.type === 'LoadBalancer' &&
    s.spec.externalTrafficPolicy === 'Local' &&
    s.spec.healthCheckNodePort === undefined
  return {
    ...s,
    spec: { ...s.spec, ports, ...(wantsHealth ? { healthCheckNodePort: next(s) } : {}) },
  }
}

function sharePorts(ports: readonly ServicePort[], next: () => number): ServicePort[] {
  const byPort = new Map<number, number>()
  for (const p of ports) if (p.nodePort !== undefined) byPort.set(p.port, p.nodePort)
  return ports.map((p) => {
    if (p.nodePort !== undefined) return p
    const nodePort = byPort.get(p.port) ?? next()
    byPort.set(p.port, nodePort)
    return { ...p, nodePort }
  })
}

function locationOf(draft: ClusterDraft, s: Service) {
  const location = originOf(draft, 'Service', s.metadata, ['spec', 'ports'])
  return location === undefined ? {} : { location }
}
