/**
 * @module core/cni/underlay/config
 * Pods on the underlay: a CNI network whose addresses are the nodes' own subnet, so pods sit
 * next to the nodes on the physical network and use its router, not the node, as gateway.
 * Two shapes, read from a CNI network configuration or configuration list (the Topology's
 * `spec.cniConfig`):
 *
 * - **bridge** (seed 000): the containernetworking `bridge` plugin on a host bridge (`mybr0`)
 *   that enslaves the node's NIC and holds the node IP; `isGateway` is off (the bridge does not
 *   route for the pods), and host-local hands out addresses of the underlay subnet with the
 *   underlay router as `gateway` and a default route through it;
 * - **macvlan**: the `macvlan` plugin on the node's NIC (`master`, default the NIC), mode
 *   `bridge` by default, with the same IPAM.
 *
 * What makes a bridge network an underlay one is its IPAM subnet: it holds the nodes' own
 * addresses. {@link isUnderlayConfig} says so for the CNI selection.
 */

import * as z from 'zod'
import { type ConfigSource, validateConfig } from '../../cluster/config-source.js'
import { broadcast4, contains4, hostAt, type Prefix4, parsePrefix4 } from '../../cluster/ipv4.js'
import { KpathError } from '../../errors.js'
import { hinted } from '../../kube/load/fields.js'
import type { Cluster } from '../../kube/model.js'
import { parseIPv4 } from '../../net/ip.js'
import { bridgeSchema as bridgePluginSchema } from '../bridge/config.js'
import type { CniContext } from '../types.js'

export type MacvlanMode = 'bridge' | 'private' | 'vepa' | 'passthru'

export interface UnderlayNetwork {
  readonly mode: 'bridge' | 'macvlan'
  /** The network name (`name` of the config). */
  readonly name: string
  /** bridge: the host bridge holding the node's NIC (seed 000: `mybr0`). */
  readonly bridge: string
  /** macvlan: the parent NIC; undefined means the node's underlay NIC. */
  readonly master: string | undefined
  readonly macvlanMode: MacvlanMode
  /** The underlay subnet host-local allocates from. */
  readonly subnet: Prefix4
  /** The underlay router the pods use. */
  readonly gateway: string
  /** IPAM routes; `0.0.0.0/0` becomes the pod's default route. */
  readonly routes: readonly { readonly dst: string; readonly gw?: string }[]
  /** 0: not set (the kernel's 1500 for a veth, the parent's MTU for a macvlan). */
  readonly mtu: number
  readonly hairpinMode: boolean
}

const ipamSchema = z.looseObject({
  type: z.literal('host-local', hinted('is not an IPAM kpath models', 'use "host-local"')),
  subnet: z.string().optional(),
  gateway: z.string().optional(),
  rangeStart: z.string().optional(),
  rangeEnd: z.string().optional(),
  ranges: z
    .array(
      z.array(
        z.looseObject({
          subnet: z.string(),
          gateway: z.string().optional(),
          rangeStart: z.string().optional(),
          rangeEnd: z.string().optional(),
        }),
      ),
    )
    .optional(),
  routes: z.array(z.looseObject({ dst: z.string(), gw: z.string().optional() })).optional(),
})

/** The bridge plugin's own options (cni/bridge), with this network's host-local IPAM required. */
const bridgeSchema = bridgePluginSchema.extend({ type: z.literal('bridge'), ipam: ipamSchema })

const macvlanSchema = z.looseObject({
  type: z.literal('macvlan'),
  name: z.string().optional(),
  master: z.string().optional(),
  mode: z
    .enum(
      ['bridge', 'private', 'vepa', 'passthru'],
      hinted('is not a macvlan mode', 'use bridge, private, vepa or passthru'),
    )
    .optional(),
  mtu: z.number().int().nonnegative().optional(),
  ipam: ipamSchema,
})

type Ipam = z.output<typeof ipamSchema>

const KNOWN = new Set([
  'type',
  'name',
  'cniVersion',
  'bridge',
  'isGateway',
  'isDefaultGateway',
  'ipMasq',
  'mtu',
  'hairpinMode',
  'ipam',
  'master',
  'mode',
  'dns',
  'capabilities',
  'runtimeConfig',
  'args',
])

/** The plugin of a config or config list that wires pods: the first bridge or macvlan. */
export function mainPlugin(
  config: Readonly<Record<string, unknown>>,
): { value: Record<string, unknown>; path: (string | number)[] } | undefined {
  const list = config.plugins
  const candidates = Array.isArray(list)
    ? list.map((p, i) => ({ value: p, path: ['plugins', i] }))
    : [{ value: config, path: [] }]
  for (const c of candidates) {
    const type =
      typeof c.value === 'object' && c.value !== null
        ? (c.value as Record<string, unknown>).type
        : undefined
    if (type === 'bridge' || type === 'macvlan')
      return c as { value: Record<string, unknown>; path: (string | number)[] }
  }
  return undefined
}

function ipamSubnet(
  ipam: Ipam,
  src: ConfigSource,
): { subnet: Prefix4; gateway: string | undefined } {
  const range = ipam.ranges?.[0]?.[0]
  const text = range?.subnet ?? ipam.subnet
  const subnet = text === undefined ? undefined : parsePrefix4(text)
  if (subnet === undefined) {
    const location = src.at(['ipam'])
    throw new KpathError(
      'KPATH_PARSE',
      `${src.label} ipam: needs an IPv4 subnet (${text ?? 'none given'})`,
      {
        ...(location === undefined ? {} : { location }),
        hint: 'give ipam.ranges: [[{subnet: <underlay subnet>, gateway: <underlay router>}]]',
      },
    )
  }
  return { subnet, gateway: range?.gateway ?? ipam.gateway }
}

/**
 * Read an underlay network from a CNI config value, reporting fields it does not model.
 * Throws (KPATH_PARSE, located) on a malformed config.
 */
export function readUnderlayNetwork(
  config: Readonly<Record<string, unknown>>,
  src: ConfigSource,
  ctx: CniContext,
): UnderlayNetwork | undefined {
  const main = mainPlugin(config)
  if (main === undefined) return undefined
  const at = (p: readonly (string | number)[]) => src.at([...main.path, ...p])
  const sub: ConfigSource = { label: src.label, at }
  for (const key of Object.keys(main.value))
    if (!KNOWN.has(key))
      ctx.unsupported(
        `${src.label}: ${String(main.value.type)} field "${key}" is not modelled`,
        at([key]),
      )
  if (main.value.type === 'macvlan')
    return macvlanNetwork(validateConfig(macvlanSchema, main.value, sub), sub, ctx)
  return bridgeNetwork(validateConfig(bridgeSchema, main.value, sub), sub, ctx)
}

function common(ipam: Ipam, src: ConfigSource, ctx: CniContext) {
  const { subnet, gateway } = ipamSubnet(ipam, src)
  if (gateway === undefined || parseIPv4(gateway) === undefined)
    ctx.unsupported(
      `${src.label}: an underlay network without an IPAM gateway is not modelled; kpath assumes the subnet's first address`,
      src.at(['ipam']),
    )
  if ((ipam.ranges?.length ?? 0) > 1 || (ipam.ranges?.[0]?.length ?? 0) > 1)
    ctx.unsupported(
      `${src.label}: more than one host-local range is not modelled (the first is used)`,
      src.at(['ipam', 'ranges']),
    )
  return {
    subnet,
    gateway:
      gateway !== undefined && parseIPv4(gateway) !== undefined ? gateway : hostAt(subnet, 1),
    routes: (ipam.routes ?? []).map((r) => ({
      dst: r.dst,
      ...(r.gw === undefined ? {} : { gw: r.gw }),
    })),
  }
}

function bridgeNetwork(
  c: z.output<typeof bridgeSchema>,
  src: ConfigSource,
  ctx: CniContext,
): UnderlayNetwork {
  if (c.isGateway === true || c.isDefaultGateway === true)
    ctx.unsupported(
      `${src.label}: isGateway on an underlay bridge (the node routing for its pods) is not modelled`,
      src.at(['isGateway']),
    )
  if (c.ipMasq === true)
    ctx.unsupported(
      `${src.label}: ipMasq on an underlay bridge is not modelled`,
      src.at(['ipMasq']),
    )
  return {
    mode: 'bridge',
    name: c.name ?? 'underlay',
    bridge: c.bridge ?? 'cni0',
    master: undefined,
    macvlanMode: 'bridge',
    mtu: c.mtu ?? 0,
    hairpinMode: c.hairpinMode ?? false,
    ...common(c.ipam, src, ctx),
  }
}

function macvlanNetwork(
  c: z.output<typeof macvlanSchema>,
  src: ConfigSource,
  ctx: CniContext,
): UnderlayNetwork {
  return {
    mode: 'macvlan',
    name: c.name ?? 'underlay',
    bridge: '',
    master: c.master,
    macvlanMode: c.mode ?? 'bridge',
    mtu: c.mtu ?? 0,
    hairpinMode: false,
    ...common(c.ipam, src, ctx),
  }
}

/** The broadcast of the underlay subnet (netlink adds it below /31). */
export function underlayBroadcast(n: UnderlayNetwork): string | undefined {
  return broadcast4(n.subnet)
}

/**
 * Is `config` an underlay network for `cluster`: a macvlan network, or a bridge network whose
 * IPAM subnet holds a node's InternalIP? (For the CNI selection.)
 */
export function isUnderlayConfig(
  config: Readonly<Record<string, unknown>>,
  cluster: Cluster,
): boolean {
  const main = mainPlugin(config)
  if (main === undefined) return false
  if (main.value.type === 'macvlan') return true
  const ipam = main.value.ipam as Record<string, unknown> | undefined
  const ranges = ipam?.ranges as { subnet?: unknown }[][] | undefined
  const text = ranges?.[0]?.[0]?.subnet ?? ipam?.subnet
  const subnet = typeof text === 'string' ? parsePrefix4(text) : undefined
  if (subnet === undefined) return false
  return cluster.nodes.some((n) =>
    n.status.addresses.some((a) => {
      const ip = a.type === 'InternalIP' ? parseIPv4(a.address) : undefined
      return ip !== undefined && contains4(subnet, ip)
    }),
  )
}
