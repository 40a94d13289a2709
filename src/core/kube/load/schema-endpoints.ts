/**
 * @module core/kube/load/schema-endpoints
 * discovery.k8s.io/v1 EndpointSlice and v1 Endpoints. An endpoint address must be of the
 * slice's addressType (the API server rejects an IPv6 address in an IPv4 slice); port protocols
 * default to TCP. kubectl prints an empty slice with `endpoints: null`, read here as `[]`.
 */
import * as z from 'zod'
import { parseAddr } from '../../net/ip.js'
import type { EndpointSlice } from '../model.js'
import { hinted, ip, namespacedMetadata, port, protocol } from './fields.js'

const targetRef = z.looseObject({
  kind: z.string(),
  name: z.string(),
  namespace: z.string().optional(),
})

const endpoint = z.looseObject({
  addresses: z
    .array(z.string())
    .min(
      1,
      hinted('must hold at least one address', 'an endpoint lists its address under addresses'),
    ),
  conditions: z
    .looseObject({
      ready: z.boolean().optional(),
      serving: z.boolean().optional(),
      terminating: z.boolean().optional(),
    })
    .optional(),
  hostname: z.string().optional(),
  nodeName: z.string().optional(),
  zone: z.string().optional(),
  targetRef: targetRef.optional(),
  hints: z
    .looseObject({
      forZones: z.array(z.looseObject({ name: z.string() })).optional(),
      forNodes: z.array(z.looseObject({ name: z.string() })).optional(),
    })
    .optional(),
})

const endpointPort = z.looseObject({
  name: z.string().optional(),
  protocol: protocol.default('TCP'),
  port: port.optional(),
  appProtocol: z.string().optional(),
})

export const endpointSliceSchema = z
  .looseObject({
    apiVersion: z.literal('discovery.k8s.io/v1'),
    kind: z.literal('EndpointSlice'),
    metadata: namespacedMetadata,
    addressType: z.enum(
      ['IPv4', 'IPv6', 'FQDN'],
      hinted('is not an address type', 'use IPv4, IPv6 or FQDN'),
    ),
    endpoints: z.array(endpoint).default([]),
    ports: z.array(endpointPort).optional(),
  })
  .superRefine((slice, ctx) => {
    if (slice.addressType === 'FQDN') return
    const family = slice.addressType === 'IPv4' ? 4 : 6
    slice.endpoints.forEach((ep, i) => {
      ep.addresses.forEach((a, j) => {
        if (parseAddr(a)?.family === family) return
        ctx.addIssue({
          code: 'custom',
          path: ['endpoints', i, 'addresses', j],
          message: `is not a valid ${slice.addressType} address`,
          params: {
            hint: `an ${slice.addressType} slice holds only ${slice.addressType} addresses`,
          },
        })
      })
    })
  })

export function toEndpointSlice(s: z.output<typeof endpointSliceSchema>): EndpointSlice {
  return s
}

const endpointAddress = z.looseObject({
  ip,
  hostname: z.string().optional(),
  nodeName: z.string().optional(),
  targetRef: targetRef.optional(),
})

const endpointsPort = z.looseObject({
  name: z.string().optional(),
  port,
  protocol: protocol.default('TCP'),
  appProtocol: z.string().optional(),
})

export const endpointsSchema = z.looseObject({
  apiVersion: z.literal('v1'),
  kind: z.literal('Endpoints'),
  metadata: namespacedMetadata,
  subsets: z
    .array(
      z.looseObject({
        addresses: z.array(endpointAddress).default([]),
        notReadyAddresses: z.array(endpointAddress).default([]),
        ports: z.array(endpointsPort).default([]),
      }),
    )
    .default([]),
})

/** A v1 Endpoints object, as the EndpointSlice mirroring controller reads it. */
export type Endpoints = z.output<typeof endpointsSchema>
