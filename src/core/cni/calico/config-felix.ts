/**
 * @module core/cni/calico/config-felix
 * The Calico objects besides pools that change what the model renders: the `default`
 * FelixConfiguration, the `calico-config` ConfigMap of the manifest install (backend, veth MTU,
 * the CNI config's IPAM), and block affinities (BlockAffinity, IPAMBlock). Fields that would
 * change the data plane but are not modelled become findings.
 */
import * as z from 'zod'
import { validateExtension } from '../../kube/load/extensions.js'
import type { ExtensionObject } from '../../kube/model.js'
import { formatCidr, parseCidr } from '../../net/ip.js'
import type { BlockClaim, FelixConfig, Finding } from './config-types.js'

const felixSpec = z.looseObject({
  vxlanVNI: z.number().int().min(1).max(16777215).optional(),
  vxlanPort: z.number().int().min(1).max(65535).optional(),
  defaultEndpointToHostAction: z.enum(['Drop', 'Return', 'Accept']).optional(),
  chainInsertMode: z.enum(['Insert', 'Append']).optional(),
  ipipEnabled: z.boolean().optional(),
  vxlanEnabled: z.boolean().optional(),
  ipipMTU: z.number().int().min(68).optional(),
  vxlanMTU: z.number().int().min(68).optional(),
  iptablesMarkMask: z.number().int().optional(),
  interfacePrefix: z.string().optional(),
})

/** FelixConfiguration fields with no effect on the state kpath models (logs, metrics, timers). */
const BENIGN_FELIX = new Set([
  'logSeverityScreen',
  'logSeverityFile',
  'logSeveritySys',
  'logFilePath',
  'logPrefix',
  'reportingInterval',
  'reportingTTL',
  'healthEnabled',
  'healthHost',
  'healthPort',
  'prometheusMetricsEnabled',
  'prometheusMetricsPort',
  'prometheusGoMetricsEnabled',
  'prometheusProcessMetricsEnabled',
  'usageReportingEnabled',
  'iptablesRefreshInterval',
  'iptablesPostWriteCheckInterval',
  'iptablesLockTimeout',
  'iptablesLockFilePath',
  'iptablesLockProbeInterval',
  'routeRefreshInterval',
  'ipsetsRefreshInterval',
  'interfaceRefreshInterval',
  'iptablesBackend',
  'mtuIfacePattern',
  'bpfLogLevel',
  'floatingIPs',
  'featureDetectOverride',
])

const MODELLED_FELIX = new Set(Object.keys(felixSpec.shape))

export function readFelixConfiguration(
  ext: ExtensionObject,
  base: FelixConfig,
  findings: Finding[],
): FelixConfig {
  if (ext.metadata.name !== 'default') {
    findings.push({
      message: `FelixConfiguration ${ext.metadata.name} (per-node felix settings) is not modelled`,
      location: ext.location,
    })
    return base
  }
  const spec = validateExtension(z.looseObject({ spec: felixSpec.optional() }), ext).spec ?? {}
  for (const key of Object.keys(spec)) {
    if (MODELLED_FELIX.has(key) || BENIGN_FELIX.has(key)) continue
    findings.push({
      message: `FelixConfiguration spec.${key} is not modelled`,
      location: ext.at(['spec', key]),
    })
  }
  if (spec.iptablesMarkMask !== undefined && spec.iptablesMarkMask !== 0xffff0000) {
    findings.push({
      message: 'a non-default iptablesMarkMask is not modelled (marks follow 0xffff0000)',
      location: ext.at(['spec', 'iptablesMarkMask']),
    })
  }
  if (spec.interfacePrefix !== undefined && spec.interfacePrefix !== 'cali') {
    findings.push({
      message: `interfacePrefix ${spec.interfacePrefix} is not modelled (veths are cali…)`,
      location: ext.at(['spec', 'interfacePrefix']),
    })
  }
  return {
    vxlanVni: spec.vxlanVNI ?? base.vxlanVni,
    vxlanPort: spec.vxlanPort ?? base.vxlanPort,
    endpointToHostAction: spec.defaultEndpointToHostAction
      ? (spec.defaultEndpointToHostAction.toUpperCase() as FelixConfig['endpointToHostAction'])
      : base.endpointToHostAction,
    chainInsertMode: spec.chainInsertMode === 'Append' ? 'append' : base.chainInsertMode,
    ...(spec.ipipEnabled === undefined ? {} : { ipipEnabled: spec.ipipEnabled }),
    ...(spec.vxlanEnabled === undefined ? {} : { vxlanEnabled: spec.vxlanEnabled }),
    ...(spec.ipipMTU === undefined ? {} : { ipipMtu: spec.ipipMTU }),
    ...(spec.vxlanMTU === undefined ? {} : { vxlanMtu: spec.vxlanMTU }),
  }
}

export interface CalicoConfigMap {
  readonly backend?: 'bird' | 'vxlan' | 'none'
  readonly vethMtu?: number
  readonly cniPools?: readonly string[]
}

const configMap = z.looseObject({
  data: z
    .looseObject({
      calico_backend: z.enum(['bird', 'vxlan', 'none']).optional(),
      veth_mtu: z.string().regex(/^\d+$/).optional(),
      cni_network_config: z.string().optional(),
    })
    .optional(),
})

const cniPlugin = z.looseObject({
  type: z.string(),
  ipam: z.looseObject({ type: z.string(), ipv4_pools: z.array(z.string()).optional() }).optional(),
})

/** The manifest's `calico-config` ConfigMap (kube-system). */
export function readCalicoConfigMap(ext: ExtensionObject, findings: Finding[]): CalicoConfigMap {
  const data = validateExtension(configMap, ext).data ?? {}
  const mtu = data.veth_mtu === undefined ? 0 : Number(data.veth_mtu)
  const out: CalicoConfigMap = {
    ...(data.calico_backend === undefined ? {} : { backend: data.calico_backend }),
    ...(mtu > 0 ? { vethMtu: mtu } : {}),
  }
  if (data.cni_network_config === undefined) return out
  const pools = cniPools(ext, data.cni_network_config, findings)
  return pools === undefined ? out : { ...out, cniPools: pools }
}

/** The calico plugin's IPAM in the CNI conflist template (placeholders made valid JSON). */
function cniPools(ext: ExtensionObject, template: string, findings: Finding[]) {
  const at = ext.at(['data', 'cni_network_config'])
  let conf: unknown
  try {
    conf = JSON.parse(template.replace(/__CNI_MTU__/g, '0'))
  } catch {
    findings.push({
      message: 'cni_network_config is not JSON; its IPAM settings are not read',
      location: at,
    })
    return undefined
  }
  const list = (conf as { plugins?: unknown }).plugins
  const plugins = Array.isArray(list) ? list : [conf]
  let pools: readonly string[] | undefined
  for (const p of plugins) {
    const parsed = cniPlugin.safeParse(p)
    if (!parsed.success) continue
    if (parsed.data.type !== 'calico') {
      findings.push({
        message: `CNI plugin ${parsed.data.type} in the chain is not modelled`,
        location: at,
      })
      continue
    }
    const ipam = parsed.data.ipam
    if (ipam !== undefined && ipam.type !== 'calico-ipam') {
      findings.push({
        message: `IPAM ${ipam.type} is not modelled (pods use calico-ipam blocks)`,
        location: at,
      })
    }
    pools = ipam?.ipv4_pools
  }
  return pools
}

const affinity = z.looseObject({
  spec: z.looseObject({
    node: z.string().optional(),
    affinity: z.string().optional(),
    cidr: z.string(),
    state: z.string().optional(),
    deleted: z.union([z.boolean(), z.string()]).optional(),
  }),
})

/** A BlockAffinity, or an IPAMBlock's `affinity: host:<node>`; undefined if not confirmed. */
export function readBlockClaim(ext: ExtensionObject, findings: Finding[]): BlockClaim | undefined {
  const spec = validateExtension(affinity, ext).spec
  const node = spec.node ?? spec.affinity?.replace(/^host:/, '')
  const parsed = parseCidr(spec.cidr)
  if (ext.kind === 'IPAMBlock') {
    findings.push({
      message: 'IPAMBlock allocations are not read; pod addresses come from the pods',
      location: ext.location,
    })
  }
  const deleted = spec.deleted === true || spec.deleted === 'true'
  if (node === undefined || parsed === undefined || parsed.family !== 4 || deleted) return undefined
  if (spec.state !== undefined && spec.state !== 'confirmed') return undefined
  return { node, cidr: formatCidr(parsed), location: ext.location }
}
