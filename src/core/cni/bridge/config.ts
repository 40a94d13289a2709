/**
 * @module core/cni/bridge/config
 * The bridge plugin's network configuration (containernetworking/plugins v1.9
 * plugins/main/bridge `NetConf`) with host-local IPAM, as kpath reads it: from a Topology's
 * `cniConfig` (a network config or a config list), from flannel's delegate, or kpath's default.
 * Fields kpath does not model are reported through `ctx.unsupported`, never dropped silently.
 */
import * as z from 'zod'
import { type ConfigPath, type ConfigSource, validateConfig } from '../../cluster/config-source.js'
import { hinted } from '../../kube/load/fields.js'
import type { CniContext } from '../types.js'

const cidr4 = z
  .string()
  .regex(/^\d{1,3}(\.\d{1,3}){3}\/\d{1,2}$/, hinted('is not an IPv4 CIDR', 'e.g. 10.244.0.0/16'))

const ipamRoute = z.looseObject({ dst: cidr4, gw: z.string().optional() })

/** host-local: one range (the node's podCIDR unless a subnet is written), and routes. */
const ipamSchema = z.looseObject({
  type: z.literal('host-local', hinted('is not an IPAM kpath models', 'use "host-local"')),
  subnet: z.string().optional(),
  ranges: z
    .array(z.array(z.looseObject({ subnet: z.string(), gateway: z.string().optional() })))
    .optional(),
  routes: z.array(ipamRoute).optional(),
  gateway: z.string().optional(),
})

export const bridgeSchema = z.looseObject({
  type: z.literal('bridge').optional(),
  name: z.string().optional(),
  bridge: z
    .string()
    .max(15, hinted('is longer than 15 characters', 'Linux interface names have at most 15'))
    .optional(),
  isGateway: z.boolean().optional(),
  isDefaultGateway: z.boolean().optional(),
  forceAddress: z.boolean().optional(),
  ipMasq: z.boolean().optional(),
  mtu: z.number().int().nonnegative().optional(),
  hairpinMode: z.boolean().optional(),
  promiscMode: z.boolean().optional(),
  ipam: ipamSchema.optional(),
})

export interface IpamRoute {
  readonly dst: string
  readonly gw?: string
}

export interface BridgeConf {
  /** The network name: CNI chain names and comments hash it. */
  readonly name: string
  readonly bridge: string
  /** isDefaultGateway implies isGateway (cmdAdd). */
  readonly isGateway: boolean
  readonly isDefaultGateway: boolean
  readonly ipMasq: boolean
  /** 0: not set, the kernel's 1500. */
  readonly mtu: number
  readonly hairpinMode: boolean
  /** The IPAM subnet, or `podCIDR` for the node's pod CIDR. */
  readonly subnet: string
  readonly gateway?: string
  readonly routes: readonly IpamRoute[]
}

/** kpath's bridge network when the input has none: what a plain bridge + host-local CNI gives. */
export const DEFAULT_BRIDGE: BridgeConf = {
  name: 'cbr0',
  bridge: 'cni0',
  isGateway: true,
  isDefaultGateway: true,
  ipMasq: true,
  mtu: 0,
  hairpinMode: true,
  subnet: 'podCIDR',
  routes: [],
}

/** Fields of NetConf the model reads or that change nothing kpath shows. */
const MODELLED = new Set([
  'type',
  'name',
  'cniVersion',
  'bridge',
  'isGateway',
  'isDefaultGateway',
  'forceAddress',
  'ipMasq',
  'mtu',
  'hairpinMode',
  'ipam',
  'dns',
  'capabilities',
  'runtimeConfig',
  'args',
  'promiscMode',
])

/** Read a bridge NetConf (already a JS value) into {@link BridgeConf}, reporting what is not modelled. */
export function readBridgeConf(
  value: unknown,
  src: ConfigSource,
  ctx: CniContext,
  base: ConfigPath = [],
): BridgeConf {
  const c = validateConfig(bridgeSchema, value, {
    label: src.label,
    at: (p) => src.at([...base, ...p]),
  })
  for (const key of Object.keys(c))
    if (!MODELLED.has(key))
      ctx.unsupported(`${src.label}: bridge field "${key}" is not modelled`, src.at([...base, key]))
  if (c.promiscMode === true)
    ctx.unsupported(
      `${src.label}: promiscMode (the bridge device in promiscuous mode) is not modelled`,
      src.at([...base, 'promiscMode']),
    )
  const ipam = c.ipam
  if (ipam === undefined)
    ctx.unsupported(
      `${src.label}: a bridge without ipam (layer 2 only) is not modelled; kpath gives pods host-local addresses from the node's podCIDR`,
      src.at(base),
    )
  const range = ipam?.ranges?.[0]?.[0]
  if ((ipam?.ranges?.length ?? 0) > 1 || (ipam?.ranges?.[0]?.length ?? 0) > 1)
    ctx.unsupported(
      `${src.label}: more than one host-local range is not modelled (the first is used)`,
      src.at([...base, 'ipam', 'ranges']),
    )
  const gateway = range?.gateway ?? ipam?.gateway
  const isDefaultGateway = c.isDefaultGateway ?? false
  return {
    name: c.name ?? DEFAULT_BRIDGE.name,
    bridge: c.bridge ?? 'cni0',
    isGateway: (c.isGateway ?? false) || isDefaultGateway,
    isDefaultGateway,
    ipMasq: c.ipMasq ?? false,
    mtu: c.mtu ?? 0,
    hairpinMode: c.hairpinMode ?? false,
    subnet: subnetOf(range?.subnet ?? ipam?.subnet),
    ...(gateway === undefined ? {} : { gateway }),
    routes: (ipam?.routes ?? []).map((r) => ({
      dst: r.dst,
      ...(r.gw === undefined ? {} : { gw: r.gw }),
    })),
  }
}

/** kubenet's host-local convention `usePodCidr`, like an absent subnet, means the node's podCIDR. */
function subnetOf(text: string | undefined): string {
  return text === undefined || text === 'usePodCidr' ? 'podCIDR' : text
}
