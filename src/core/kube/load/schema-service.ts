/**
 * @module core/kube/load/schema-service
 * v1 Service: the fields kube-proxy and the controllers read, validated as the API server
 * validates them, then defaulted as it defaults them (pkg/apis/core/v1/defaults.go):
 * type ClusterIP, protocol TCP, targetPort = port (also when 0), sessionAffinity None (ClientIP
 * gets a 10800 s timeout), internalTrafficPolicy Cluster, externalTrafficPolicy Cluster for
 * NodePort and LoadBalancer, allocateLoadBalancerNodePorts true for LoadBalancer.
 */
import * as z from 'zod'
import type { Service, ServicePort, ServiceSpec } from '../model.js'
import {
  count,
  dnsLabel,
  hinted,
  ip,
  namespacedMetadata,
  port,
  protocol,
  stringMap,
  targetPort,
  trimmedCidr,
} from './fields.js'

const servicePort = z.looseObject({
  name: dnsLabel.optional(),
  protocol: protocol.default('TCP'),
  port,
  targetPort: targetPort.optional(),
  nodePort: port.optional(),
  appProtocol: z.string().optional(),
})

const policy = z.enum(
  ['Cluster', 'Local'],
  hinted('is not a traffic policy', 'use Cluster or Local'),
)

const clusterIP = z.union(
  [z.literal('None'), z.literal(''), ip],
  hinted('is not a valid cluster IP', 'an IP address, or None for a headless Service'),
)

const specSchema = z.looseObject({
  type: z
    .enum(
      ['ClusterIP', 'NodePort', 'LoadBalancer', 'ExternalName'],
      hinted('is not a Service type', 'use ClusterIP, NodePort, LoadBalancer or ExternalName'),
    )
    .default('ClusterIP'),
  clusterIP: clusterIP.optional(),
  clusterIPs: z.array(clusterIP).optional(),
  ipFamilies: z.array(z.enum(['IPv4', 'IPv6'])).optional(),
  ipFamilyPolicy: z.enum(['SingleStack', 'PreferDualStack', 'RequireDualStack']).optional(),
  ports: z.array(servicePort).default([]),
  selector: stringMap.optional(),
  externalIPs: z.array(ip).optional(),
  externalTrafficPolicy: policy.optional(),
  internalTrafficPolicy: policy.optional(),
  sessionAffinity: z.enum(['None', 'ClientIP']).optional(),
  sessionAffinityConfig: z
    .looseObject({
      clientIP: z
        .looseObject({
          timeoutSeconds: count
            .refine(
              (n) => n >= 1 && n <= 86400,
              hinted('is out of range 1-86400', 'timeoutSeconds is from 1 to 86400 (one day)'),
            )
            .optional(),
        })
        .optional(),
    })
    .optional(),
  loadBalancerIP: z.union([z.literal(''), ip]).optional(),
  loadBalancerSourceRanges: z.array(trimmedCidr).optional(),
  healthCheckNodePort: port.optional(),
  allocateLoadBalancerNodePorts: z.boolean().optional(),
  externalName: z.string().optional(),
  publishNotReadyAddresses: z.boolean().optional(),
  trafficDistribution: z.string().optional(),
})

const ingress = z.looseObject({
  ip: ip.optional(),
  hostname: z.string().optional(),
  ipMode: z.enum(['VIP', 'Proxy']).optional(),
})

export const serviceSchema = z.looseObject({
  apiVersion: z.literal('v1'),
  kind: z.literal('Service'),
  metadata: namespacedMetadata,
  spec: specSchema.default({ type: 'ClusterIP', ports: [] }),
  status: z
    .looseObject({
      loadBalancer: z.looseObject({ ingress: z.array(ingress).optional() }).optional(),
    })
    .optional(),
})

type SpecInput = z.output<typeof specSchema>

/** The API server's defaults for a validated Service. */
export function defaultService(s: z.output<typeof serviceSchema>): Service {
  return { ...s, spec: defaultSpec(s.spec) }
}

function defaultSpec(spec: SpecInput): ServiceSpec {
  const external = spec.type === 'NodePort' || spec.type === 'LoadBalancer'
  const out: ServiceSpec = {
    ...spec,
    ports: spec.ports.map(defaultPort),
    sessionAffinity: spec.sessionAffinity ?? 'None',
  }
  return {
    ...out,
    ...(spec.type === 'ExternalName'
      ? {}
      : { internalTrafficPolicy: spec.internalTrafficPolicy ?? 'Cluster' }),
    ...(external ? { externalTrafficPolicy: spec.externalTrafficPolicy ?? 'Cluster' } : {}),
    ...(spec.type === 'LoadBalancer'
      ? { allocateLoadBalancerNodePorts: spec.allocateLoadBalancerNodePorts ?? true }
      : {}),
    ...(out.sessionAffinity === 'ClientIP' ? { sessionAffinityConfig: affinity(spec) } : {}),
  }
}

function defaultPort(p: z.output<typeof servicePort>): ServicePort {
  const t = p.targetPort
  return { ...p, targetPort: t === undefined || t === 0 ? p.port : t }
}

/** ClientIP affinity times out after 10800 s (3 h) unless set. */
function affinity(spec: SpecInput): ServiceSpec['sessionAffinityConfig'] {
  const given = spec.sessionAffinityConfig
  return {
    ...given,
    clientIP: { ...given?.clientIP, timeoutSeconds: given?.clientIP?.timeoutSeconds ?? 10800 },
  }
}
