/**
 * @module core/kube/load/schema-pod
 * v1 Node and v1 Pod, and the pod template the workload kinds embed. Container port protocols
 * default to TCP; a Node's InternalIP and ExternalIP addresses must be IP addresses; podCIDRs
 * must be CIDRs.
 */
import * as z from 'zod'
import {
  cidr,
  hinted,
  ip,
  isIP,
  metadata,
  namespacedMetadata,
  port,
  portName,
  protocol,
  stringMap,
} from './fields.js'

const taint = z.looseObject({
  key: z.string(),
  value: z.string().optional(),
  effect: z.enum(
    ['NoSchedule', 'PreferNoSchedule', 'NoExecute'],
    hinted('is not a taint effect', 'use NoSchedule, PreferNoSchedule or NoExecute'),
  ),
})

const nodeAddress = z
  .looseObject({
    type: z.enum(
      ['InternalIP', 'ExternalIP', 'Hostname', 'InternalDNS', 'ExternalDNS'],
      hinted(
        'is not a node address type',
        'use InternalIP, ExternalIP, Hostname, InternalDNS or ExternalDNS',
      ),
    ),
    address: z.string(),
  })
  .superRefine((a, ctx) => {
    if ((a.type === 'InternalIP' || a.type === 'ExternalIP') && !isIP(a.address))
      ctx.addIssue({
        code: 'custom',
        path: ['address'],
        message: 'is not a valid IP address',
        params: { hint: `an ${a.type} address is an IPv4 or IPv6 address` },
      })
  })

export const nodeSchema = z.looseObject({
  apiVersion: z.literal('v1'),
  kind: z.literal('Node'),
  metadata,
  spec: z
    .looseObject({
      podCIDR: cidr.optional(),
      podCIDRs: z.array(cidr).optional(),
      taints: z.array(taint).optional(),
      unschedulable: z.boolean().optional(),
    })
    .default({}),
  status: z.looseObject({ addresses: z.array(nodeAddress).default([]) }).default({ addresses: [] }),
})

const containerPort = z.looseObject({
  name: portName.optional(),
  containerPort: port,
  protocol: protocol.default('TCP'),
  hostPort: port.optional(),
})

const container = z.looseObject({
  name: z.string(),
  image: z.string().optional(),
  ports: z.array(containerPort).optional(),
})

const toleration = z.looseObject({
  key: z.string().optional(),
  operator: z.enum(['Exists', 'Equal']).optional(),
  value: z.string().optional(),
  effect: z.enum(['NoSchedule', 'PreferNoSchedule', 'NoExecute']).optional(),
})

export const podSpec = z.looseObject({
  nodeName: z.string().optional(),
  hostNetwork: z.boolean().optional(),
  nodeSelector: stringMap.optional(),
  tolerations: z.array(toleration).optional(),
  containers: z
    .array(container)
    .min(
      1,
      hinted('must list at least one container', 'the API server rejects a pod without containers'),
    ),
  subdomain: z.string().optional(),
  hostname: z.string().optional(),
})

const condition = z.looseObject({
  type: z.string(),
  status: z.enum(['True', 'False', 'Unknown']),
})

export const podSchema = z.looseObject({
  apiVersion: z.literal('v1'),
  kind: z.literal('Pod'),
  metadata: namespacedMetadata,
  spec: podSpec,
  status: z
    .looseObject({
      phase: z.enum(['Pending', 'Running', 'Succeeded', 'Failed', 'Unknown']).optional(),
      podIP: ip.optional(),
      podIPs: z.array(z.looseObject({ ip })).optional(),
      hostIP: ip.optional(),
      conditions: z.array(condition).optional(),
    })
    .optional(),
})
