/**
 * @module core/cni/kube-router/cni-conf
 * kube-router's CNI configuration: the `cni-conf.json` key of the ConfigMap its DaemonSet
 * mounts (upstream `kube-router-cfg`), which the install-cni init container copies to
 * `/etc/cni/net.d/10-kuberouter.conflist`. Pods are wired by the `bridge` plugin of that list
 * (containernetworking/plugins), so what matters is the bridge plugin's settings:
 *
 * - `bridge`: the bridge the pods' veths join (the plugin's default is `cni0`);
 * - `isGateway` / `isDefaultGateway`: the bridge gets the subnet's gateway address, and with
 *   `isDefaultGateway` pods get `default via` it;
 * - `hairpinMode`: the host veth's bridge port lets frames leave by the port they came in on.
 *   The manifests gained `"hairpinMode": true` in 2024 (seed 001 shows `hairpin off`);
 * - `mtu`: kube-router rewrites it to the node NIC's MTU with `--auto-mtu` (the default).
 *
 * kube-router inserts the node's pod CIDR into the host-local IPAM ranges, so a subnet written
 * in the ConfigMap is not something kpath models, nor are other plugins of the list.
 */
import * as z from 'zod'
import { KpathError } from '../../errors.js'
import { validateExtension } from '../../kube/load/extensions.js'
import type { Cluster, ExtensionObject, Workload } from '../../kube/model.js'

export interface BridgeConf {
  readonly bridge: string
  readonly isGateway: boolean
  readonly isDefaultGateway: boolean
  readonly hairpinMode: boolean
  readonly mtu: number | undefined
}

/** The conflist of kube-router's kubeadm manifests before hairpinMode was added (seed 001). */
export const DEFAULT_BRIDGE_CONF: BridgeConf = {
  bridge: 'kube-bridge',
  isGateway: true,
  isDefaultGateway: true,
  hairpinMode: false,
  mtu: undefined,
}

const KEY = 'cni-conf.json'

const bridgePlugin = z.looseObject({
  type: z.literal('bridge'),
  bridge: z.string().min(1).optional(),
  isGateway: z.boolean().optional(),
  isDefaultGateway: z.boolean().optional(),
  hairpinMode: z.boolean().optional(),
  mtu: z.number().int().positive().optional(),
  ipMasq: z.boolean().optional(),
  promiscMode: z.boolean().optional(),
  vlan: z.number().int().optional(),
  ipam: z.looseObject({ type: z.string() }).optional(),
})

const anyPlugin = z.looseObject({ type: z.string() })
const confList = z.looseObject({ plugins: z.array(anyPlugin).min(1) })

export interface ConfReport {
  readonly conf: BridgeConf
  /** Settings present in the ConfigMap that kpath does not model. */
  readonly unmodelled: readonly string[]
  readonly source: ExtensionObject | undefined
}

/** ConfigMap names the DaemonSet's pod mounts (`volumes[].configMap.name`). */
function mountedConfigMaps(ds: Workload): string[] {
  const volumes = (ds.spec.template.spec as unknown as Readonly<Record<string, unknown>>).volumes
  if (!Array.isArray(volumes)) return []
  const out: string[] = []
  for (const v of volumes) {
    const cm =
      typeof v === 'object' && v !== null ? (v as Record<string, unknown>).configMap : undefined
    const name =
      typeof cm === 'object' && cm !== null ? (cm as Record<string, unknown>).name : undefined
    if (typeof name === 'string') out.push(name)
  }
  return out
}

function findConfigMap(cluster: Cluster, ds: Workload): ExtensionObject | undefined {
  const ns = ds.metadata.namespace ?? 'default'
  const names = [...mountedConfigMaps(ds), 'kube-router-cfg']
  const maps = cluster.extensions.filter(
    (e) =>
      e.apiVersion === 'v1' && e.kind === 'ConfigMap' && (e.metadata.namespace ?? 'default') === ns,
  )
  for (const name of names) {
    const cm = maps.find((m) => m.metadata.name === name && typeof dataOf(m)?.[KEY] === 'string')
    if (cm) return cm
  }
  return undefined
}

function dataOf(cm: ExtensionObject): Readonly<Record<string, unknown>> | undefined {
  const d = cm.object.data
  return typeof d === 'object' && d !== null ? (d as Record<string, unknown>) : undefined
}

function parseJson(cm: ExtensionObject, text: string): unknown {
  try {
    return JSON.parse(text)
  } catch (e) {
    throw new KpathError('KPATH_PARSE', `data.${KEY}: not valid JSON: ${(e as Error).message}`, {
      location: cm.at(['data', KEY]),
      hint: 'the CNI configuration is a JSON conflist (kube-router copies it to 10-kuberouter.conflist)',
    })
  }
}

/** The plugin list of a conflist, or the single plugin of a plain `.conf`. */
function plugins(
  cm: ExtensionObject,
  json: unknown,
): { value: unknown; path: (string | number)[] }[] {
  const base = ['data', KEY]
  if (typeof json === 'object' && json !== null && 'plugins' in json) {
    const list = validateExtension(confList, cm, json, base)
    return list.plugins.map((p, i) => ({ value: p, path: [...base, 'plugins', i] }))
  }
  validateExtension(anyPlugin, cm, json, base)
  return [{ value: json, path: base }]
}

function toConf(p: z.output<typeof bridgePlugin>): BridgeConf {
  const isDefaultGateway = p.isDefaultGateway ?? false
  return {
    bridge: p.bridge ?? 'cni0',
    // The bridge plugin turns isGateway on when isDefaultGateway is set (loadNetConf).
    isGateway: isDefaultGateway || (p.isGateway ?? false),
    isDefaultGateway,
    hairpinMode: p.hairpinMode ?? false,
    mtu: p.mtu,
  }
}

function unmodelledSettings(p: z.output<typeof bridgePlugin>): string[] {
  const out: string[] = []
  if (p.ipMasq) out.push('bridge plugin ipMasq (its CNI-… masquerade chains) is not modelled')
  if (p.promiscMode) out.push('bridge plugin promiscMode is not modelled')
  if (p.vlan !== undefined) out.push('bridge plugin vlan is not modelled')
  if (p.ipam !== undefined && p.ipam.type !== 'host-local')
    out.push(`IPAM plugin ${p.ipam.type} is not modelled (kpath follows host-local)`)
  const ipam = p.ipam as Readonly<Record<string, unknown>> | undefined
  if (ipam !== undefined && (ipam.subnet !== undefined || ipam.ranges !== undefined))
    out.push(
      'an IPAM subnet or ranges in the ConfigMap is not modelled (kube-router adds the pod CIDR)',
    )
  return out
}

/**
 * Read kube-router's bridge plugin settings for a DaemonSet. Without a ConfigMap the upstream
 * kubeadm conflist (hairpin off) is assumed, and said so in `unmodelled`.
 */
export function readBridgeConf(cluster: Cluster, ds: Workload): ConfReport {
  const cm = findConfigMap(cluster, ds)
  if (cm === undefined)
    return {
      conf: DEFAULT_BRIDGE_CONF,
      unmodelled: [
        `no ConfigMap with ${KEY} mounted by kube-router: assuming the upstream conflist (bridge kube-bridge, isDefaultGateway, hairpinMode off)`,
      ],
      source: undefined,
    }
  const list = plugins(cm, parseJson(cm, String(dataOf(cm)?.[KEY])))
  const unmodelled: string[] = []
  let conf: BridgeConf | undefined
  for (const { value, path } of list) {
    const type = (value as { type: string }).type
    if (type !== 'bridge' || conf !== undefined) {
      unmodelled.push(`CNI plugin ${type} in ${cm.metadata.name}/${KEY} is not modelled`)
      continue
    }
    const p = validateExtension(bridgePlugin, cm, value, path)
    conf = toConf(p)
    unmodelled.push(...unmodelledSettings(p))
  }
  if (conf === undefined) {
    unmodelled.push(`${cm.metadata.name}/${KEY} has no bridge plugin: assuming kube-router's`)
    conf = DEFAULT_BRIDGE_CONF
  }
  return { conf, unmodelled, source: cm }
}
