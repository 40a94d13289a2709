/**
 * @module core/cni/flannel/netconf
 * flannel's `net-conf.json` (pkg/subnet/config.go `ParseConfig`, v0.28) from the
 * `kube-flannel-cfg` ConfigMap. Go's JSON decoder matches field names case-insensitively and
 * ignores unknown fields, so `network` is `Network`; EnableIPv4 defaults to true; an absent
 * Backend means `udp`. Backends kpath models: `host-gw`, `vxlan` (VNI 1, port 0 = the
 * kernel's 8472, DirectRouting, Learning, MTU) and `udp` (port 8285). With
 * `--kube-subnet-mgr` the node's podCIDR is the lease, so SubnetLen/SubnetMin/SubnetMax have no
 * effect (flannel ignores them too).
 */
import * as z from 'zod'
import { type ConfigSource, parseJsonConfig, validateConfig } from '../../cluster/config-source.js'
import { type Prefix4, parsePrefix4 } from '../../cluster/ipv4.js'
import { unsupported } from '../../errors.js'
import { hinted } from '../../kube/load/fields.js'
import type { CniContext } from '../types.js'

export type Backend =
  | { readonly type: 'host-gw' }
  | {
      readonly type: 'vxlan'
      readonly vni: number
      /** 0: not set; the kernel then uses 8472. */
      readonly port: number
      readonly learning: boolean
      readonly directRouting: boolean
      /** 0: the external interface's MTU. */
      readonly mtu: number
    }
  | { readonly type: 'udp'; readonly port: number }

export interface NetConf {
  readonly network: Prefix4
  readonly backend: Backend
  /** EnableNFTables: flanneld writes nftables instead of iptables (not modelled, reported). */
  readonly nftables: boolean
}

const TOP = [
  'Network',
  'Networks',
  'EnableIPv4',
  'EnableIPv6',
  'EnableNFTables',
  'IPv6Network',
  'IPv6Networks',
  'SubnetLen',
  'SubnetMin',
  'SubnetMax',
  'IPv6SubnetLen',
  'IPv6SubnetMin',
  'IPv6SubnetMax',
  'Backend',
]
const VXLAN = ['Type', 'VNI', 'Port', 'MTU', 'GBP', 'Learning', 'DirectRouting', 'MacPrefix']
const UDP = ['Type', 'Port']
const HOST_GW = ['Type']

const netConfSchema = z.looseObject({
  Network: z.string(hinted('is required', 'flannel needs "Network": "10.244.0.0/16"')),
  EnableIPv4: z.boolean().optional(),
  EnableIPv6: z.boolean().optional(),
  EnableNFTables: z.boolean().optional(),
  Backend: z.looseObject({ Type: z.string().optional() }).optional(),
})

const vxlanSchema = z.looseObject({
  VNI: z.number().int().min(0).max(16777215).optional(),
  Port: z.number().int().min(0).max(65535).optional(),
  MTU: z.number().int().min(0).optional(),
  GBP: z.boolean().optional(),
  Learning: z.boolean().optional(),
  DirectRouting: z.boolean().optional(),
  MacPrefix: z.unknown().optional(),
})

const udpSchema = z.looseObject({ Port: z.number().int().min(1).max(65535).optional() })

/** kube-flannel.yml's net-conf.json, with the cluster's pod network in place of 10.244.0.0/16. */
export function defaultNetConf(network: Prefix4): NetConf {
  return {
    network,
    backend: { type: 'vxlan', vni: 1, port: 0, learning: false, directRouting: false, mtu: 0 },
    nftables: false,
  }
}

/** Parse net-conf.json text; what flannel would ignore or kpath cannot model is reported. */
export function readNetConf(text: string, src: ConfigSource, ctx: CniContext): NetConf {
  const raw = canonicalKeys(parseJsonConfig(text, src), TOP, src, ctx)
  const c = validateConfig(netConfSchema, raw, src)
  const network = parsePrefix4(c.Network)
  if (network === undefined)
    throw unsupported(
      `${src.label} Network: "${c.Network}" is not an IPv4 network`,
      src.at(['Network']),
      'e.g. "Network": "10.244.0.0/16"',
    )
  for (const field of ['Networks', 'IPv6Networks'])
    if (raw[field] !== undefined)
      ctx.unsupported(
        `${src.label}: ${field} (several networks) is not modelled; Network is used`,
        src.at([field]),
      )
  if (c.EnableIPv4 === false)
    throw unsupported(
      `${src.label}: EnableIPv4 false (IPv6-only flannel) is not modelled`,
      src.at([]),
    )
  if (c.EnableIPv6 === true)
    ctx.unsupported(
      `${src.label}: EnableIPv6 (flannel-v6.1, IPv6 leases) is not modelled; IPv4 only`,
      src.at([]),
    )
  if (c.EnableNFTables === true)
    ctx.unsupported(
      `${src.label}: EnableNFTables (flannel's nftables masquerade and forward rules) is not modelled; no flannel rules are rendered`,
      src.at([]),
    )
  return { network, backend: readBackend(c.Backend, src, ctx), nftables: c.EnableNFTables === true }
}

function readBackend(
  raw: Record<string, unknown> | undefined,
  src: ConfigSource,
  ctx: CniContext,
): Backend {
  const sub: ConfigSource = { label: `${src.label} Backend`, at: (p) => src.at(['Backend', ...p]) }
  const typeOf = (v: Record<string, unknown> | undefined) => {
    const t =
      v === undefined ? undefined : Object.entries(v).find(([k]) => k.toLowerCase() === 'type')?.[1]
    return t === undefined ? 'udp' : String(t)
  }
  const type = typeOf(raw)
  if (type === 'host-gw') {
    canonicalKeys(raw, HOST_GW, sub, ctx)
    return { type }
  }
  if (type === 'udp') {
    const c = validateConfig(udpSchema, canonicalKeys(raw ?? {}, UDP, sub, ctx), sub)
    return { type, port: c.Port ?? 8285 }
  }
  if (type === 'vxlan') {
    const c = validateConfig(vxlanSchema, canonicalKeys(raw, VXLAN, sub, ctx), sub)
    if (c.MacPrefix !== undefined)
      ctx.unsupported(`${sub.label}: MacPrefix is not modelled`, sub.at(['MacPrefix']))
    if (c.GBP === true)
      ctx.unsupported(`${sub.label}: GBP (group policy extension) is not modelled`, sub.at(['GBP']))
    return {
      type,
      vni: c.VNI ?? 1,
      port: c.Port ?? 0,
      learning: c.Learning ?? false,
      directRouting: c.DirectRouting ?? false,
      mtu: c.MTU ?? 0,
    }
  }
  throw unsupported(
    `${sub.label}: type "${type}" is not modelled`,
    sub.at(['Type']),
    'kpath models the host-gw, vxlan and udp backends',
  )
}

/**
 * Go's decoder: a key matches a field case-insensitively; other keys are ignored, which kpath
 * reports so that a misspelt field (`Netwrok`) is not lost silently.
 */
function canonicalKeys(
  v: unknown,
  fields: readonly string[],
  src: ConfigSource,
  ctx: CniContext,
): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v))
    return validateConfig(z.record(z.string(), z.unknown()), v, src)
  const out: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(v)) {
    const field = fields.find((f) => f.toLowerCase() === key.toLowerCase())
    if (field === undefined)
      ctx.unsupported(`${src.label}: flannel ignores the unknown field "${key}"`, src.at([key]))
    else out[field] = value
  }
  return out
}
