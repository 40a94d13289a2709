/**
 * @module core/cluster/topology/schema
 * The `kpath.dev/v1alpha1` Topology kind: what Kubernetes has no object for (the underlay
 * network, its routers and external hosts, node NIC names and sysctls, and the CNI when the
 * input does not show it). docs/TOPOLOGY.md documents every field with examples. Validation
 * errors are located in the user's YAML through the loader's `validateExtension`.
 */
import * as z from 'zod'
import { hinted, isCidr, isIP } from '../../kube/load/fields.js'
import { isValidIfName } from '../names.js'

const ipv4 = z
  .string()
  .refine(
    (s) => isIP(s) && !s.includes(':'),
    hinted('is not an IPv4 address', 'the underlay is IPv4: write a dotted quad such as 10.39.0.1'),
  )

/** `a.b.c.d` or `a.b.c.d/len`: an interface address, the prefix defaulting to its segment's. */
const ifaceAddress = z.string().refine(
  (s) => {
    const [ip, len, extra] = s.split('/')
    return (
      ip !== undefined &&
      isIP(ip) &&
      !ip.includes(':') &&
      extra === undefined &&
      (len === undefined || isCidr(s))
    )
  },
  hinted('is not an IPv4 address or address/prefix', 'e.g. 10.39.0.1 or 10.39.0.1/24'),
)

const cidr4 = z
  .string()
  .refine(
    (s) => isCidr(s) && !s.includes(':'),
    hinted('is not an IPv4 CIDR', 'write network/prefix-length, e.g. 10.39.0.0/24'),
  )

const name = z
  .string()
  .regex(
    /^[a-z0-9]([a-z0-9-]{0,30}[a-z0-9])?$/,
    hinted('is not a valid name', 'lower-case letters, digits and inner hyphens, at most 32'),
  )

const ifName = z
  .string()
  .refine(
    isValidIfName,
    hinted('is not a Linux interface name', 'at most 15 characters, no spaces, "/" or ":"'),
  )

const mtu = z
  .number()
  .int()
  .refine(
    (n) => n >= 68 && n <= 65535,
    hinted('is out of range 68-65535', 'an IPv4 MTU, e.g. 1500'),
  )

const route = z.strictObject({
  dst: z.union([z.literal('default'), cidr4]),
  via: ipv4.optional(),
  dev: ifName.optional(),
  src: ipv4.optional(),
  metric: z.number().int().nonnegative().optional(),
  onlink: z.boolean().optional(),
})

/** `net.…` sysctl names with string or number values, as `sysctl -w` takes them. */
const sysctls = z.record(
  z
    .string()
    .regex(
      /^net\.[A-Za-z0-9_.-]+$/,
      hinted(
        'is not a net.* sysctl name',
        'write the dotted name, e.g. net.ipv4.conf.all.rp_filter',
      ),
    ),
  z.union([z.string(), z.number()]).transform(String),
)

const segment = z.strictObject({ name, cidr: cidr4, mtu: mtu.optional() })

const routerInterface = z.strictObject({
  segment: name,
  address: ifaceAddress,
  name: ifName.optional(),
})

const router = z.strictObject({
  name,
  interfaces: z.array(routerInterface).min(1),
  forwarding: z.boolean().optional(),
  routes: z.array(route).optional(),
  sysctls: sysctls.optional(),
})

const external = z.strictObject({
  name,
  segment: name,
  address: ifaceAddress,
  gateway: ipv4.optional(),
  routes: z.array(route).optional(),
  sysctls: sysctls.optional(),
})

const nodeOverride = z.strictObject({
  name: z.string().min(1),
  segment: name.optional(),
  iface: ifName.optional(),
  mac: z
    .string()
    .regex(
      /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/,
      hinted('is not a MAC address', 'e.g. 52:54:00:12:34:56 (lower case)'),
    )
    .optional(),
  mtu: mtu.optional(),
  /** The default route's gateway; `none` for no default route. */
  gateway: z.union([z.literal('none'), ipv4]).optional(),
  routes: z.array(route).optional(),
  sysctls: sysctls.optional(),
})

export const CNI_NAMES = ['bridge', 'flannel', 'calico', 'kube-router', 'underlay'] as const
export type CniName = (typeof CNI_NAMES)[number]

export const topologySpecSchema = z.strictObject({
  cni: z
    .enum(CNI_NAMES, hinted('is not a CNI kpath models', `use one of ${CNI_NAMES.join(', ')}`))
    .optional(),
  /** A CNI network configuration or configuration list (JSON as YAML), e.g. the bridge plugin's. */
  cniConfig: z.record(z.string(), z.unknown()).optional(),
  segments: z.array(segment).optional(),
  routers: z.array(router).optional(),
  externals: z.array(external).optional(),
  nodes: z.array(nodeOverride).optional(),
})

export type TopologySpec = z.output<typeof topologySpecSchema>
export type TopologyRoute = z.output<typeof route>
export type TopologyNode = z.output<typeof nodeOverride>
export type TopologyRouter = z.output<typeof router>
export type TopologyExternal = z.output<typeof external>
export type TopologySegment = z.output<typeof segment>
