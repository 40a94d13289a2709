/**
 * @module core/cni
 * The CNI plugin models kpath knows, and which one a cluster uses: the Topology's `spec.cni`
 * if given, else the one whose configuration the input holds (flannel's `kube-flannel-cfg`
 * ConfigMap, a Calico IPPool or Installation, a kube-router DaemonSet), else `bridge` (or
 * `underlay` for a Topology cniConfig that puts pods on the nodes' subnet). Configs
 * of two different CNIs in one input are ambiguous (Canal is Calico + flannel): kpath asks
 * for `spec.cni` instead of guessing.
 *
 * @example
 * const { name, reason } = detectCni(cluster) // { name: 'flannel', reason: 'ConfigMap kube-flannel/kube-flannel-cfg' }
 * const plugin = cniPlugin(name)
 */
import type { CniName } from '../cluster/topology/schema.js'
import { KpathError, unsupported } from '../errors.js'
import type { Cluster, Workload } from '../kube/model.js'
import { bridgePlugin } from './bridge/index.js'
import { calicoPlugin } from './calico/index.js'
import { flannelPlugin } from './flannel/index.js'
import { kubeRouterPlugin } from './kube-router/index.js'
import type { CniPlugin } from './types.js'
import { isUnderlayConfig, underlayPlugin } from './underlay/index.js'

export type { CniName } from '../cluster/topology/schema.js'
export type { CniContext, CniPlugin, NetnsFragment, NodeUnderlay, PodWiring } from './types.js'

/** The plugin models by name. */
export const CNI_PLUGINS: Readonly<Partial<Record<CniName, CniPlugin>>> = {
  bridge: bridgePlugin,
  flannel: flannelPlugin,
  calico: calicoPlugin,
  'kube-router': kubeRouterPlugin,
  underlay: underlayPlugin,
}

/** What the Topology says about the CNI. */
export interface TopologyCni {
  readonly cni?: CniName
  readonly cniConfig?: Readonly<Record<string, unknown>>
}

export interface CniChoice {
  readonly name: CniName
  /** Why: `Topology spec.cni`, `ConfigMap kube-flannel/kube-flannel-cfg`, `default`. */
  readonly reason: string
}

const CALICO_GROUPS = ['crd.projectcalico.org/v1', 'projectcalico.org/v3']

/**
 * Which CNI the cluster runs. A bridge (or macvlan) network in the Topology's cniConfig whose
 * addresses are the nodes' own subnet is the `underlay` model's (cni/underlay), not `bridge`.
 */
export function detectCni(cluster: Cluster, topology: TopologyCni = {}): CniChoice {
  const underlay = topology.cniConfig !== undefined && isUnderlayConfig(topology.cniConfig, cluster)
  if ((topology.cni === undefined || topology.cni === 'bridge') && underlay)
    return { name: 'underlay', reason: 'Topology spec.cniConfig (pods on the nodes’ own subnet)' }
  if (topology.cni !== undefined) return { name: topology.cni, reason: 'Topology spec.cni' }
  const found = detectors(cluster).filter((d) => d.reason !== undefined)
  const [first, second] = found
  if (first === undefined)
    return { name: 'bridge', reason: 'default (no CNI configuration in the input)' }
  if (second !== undefined)
    throw new KpathError(
      'KPATH_INVALID_ARGUMENT',
      `the input configures more than one CNI: ${found.map((d) => `${d.name} (${d.reason})`).join(', ')}`,
      {
        hint: 'say which one runs with a kpath Topology: spec: {cni: …} (docs/TOPOLOGY.md)',
      },
    )
  return { name: first.name, reason: first.reason ?? '' }
}

interface Detection {
  readonly name: CniName
  readonly reason: string | undefined
}

function detectors(cluster: Cluster): Detection[] {
  const ext = cluster.extensions
  const flannelCfg = ext.find(
    (e) => e.kind === 'ConfigMap' && e.metadata.name === 'kube-flannel-cfg',
  )
  const pool = ext.find(
    (e) =>
      (CALICO_GROUPS.includes(e.apiVersion) && e.kind === 'IPPool') ||
      (e.apiVersion === 'operator.tigera.io/v1' && e.kind === 'Installation'),
  )
  const router = cluster.workloads.find((w) => w.kind === 'DaemonSet' && isKubeRouter(w))
  return [
    {
      name: 'flannel',
      reason:
        flannelCfg && `ConfigMap ${flannelCfg.metadata.namespace}/${flannelCfg.metadata.name}`,
    },
    { name: 'calico', reason: pool && `${pool.kind} ${pool.metadata.name}` },
    {
      name: 'kube-router',
      reason:
        router && `DaemonSet ${router.metadata.namespace ?? 'default'}/${router.metadata.name}`,
    },
  ]
}

function isKubeRouter(w: Workload): boolean {
  return (
    w.metadata.name === 'kube-router' ||
    w.spec.template.spec.containers.some((c) => (c.image ?? '').includes('kube-router'))
  )
}

/** The model of `name`, or KPATH_UNSUPPORTED when kpath has none (yet). */
export function cniPlugin(
  name: CniName,
  plugins: Readonly<Partial<Record<CniName, CniPlugin>>> = CNI_PLUGINS,
): CniPlugin {
  const plugin = plugins[name]
  if (plugin !== undefined) return plugin
  throw unsupported(
    `CNI ${name} has no kpath model in this build`,
    undefined,
    `models available: ${Object.keys(plugins).join(', ')}`,
  )
}
