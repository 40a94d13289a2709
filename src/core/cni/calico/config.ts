/**
 * @module core/cni/calico/config
 * Read Calico's configuration from `Cluster.extensions` (and the ignored NetworkPolicies):
 *
 * - IPPools (or, when there are none, the Installation's pools; or, when there is neither, the
 *   pool calico-node creates at first start: `default-ipv4-ippool` over the cluster's IPv4 pod
 *   subnet, else 192.168.0.0/16, with the calico.yaml defaults IPIP Always and natOutgoing);
 * - the `default` FelixConfiguration, the `calico-config` ConfigMap, block affinities;
 * - everything else Calico's groups hold, and Kubernetes NetworkPolicies, as findings: the
 *   model renders no policy, no BGP peers, no host endpoints.
 *
 * Malformed values are located `KPATH_PARSE` errors; valid input the model does not do is a
 * finding with its location, never silently dropped.
 */
import * as z from 'zod'
import { validateExtension } from '../../kube/load/extensions.js'
import type { Cluster, ExtensionObject } from '../../kube/model.js'
import { formatCidr, parseCidr } from '../../net/ip.js'
import { readBlockClaim, readCalicoConfigMap, readFelixConfiguration } from './config-felix.js'
import { readInstallationPools, readIpPool } from './config-pools.js'
import {
  type BlockClaim,
  type CalicoConfig,
  DEFAULT_FELIX,
  type FelixConfig,
  type Finding,
  type IpPool,
} from './config-types.js'

const CALICO_GROUPS = ['crd.projectcalico.org/v1', 'projectcalico.org/v3', 'operator.tigera.io/v1']

/** Kinds that do not change the data plane the model renders. */
const BENIGN = new Set([
  'ClusterInformation',
  'KubeControllersConfiguration',
  'IPAMHandle',
  'IPAMConfig',
  'IPAMConfiguration',
  'CalicoNodeStatus',
  'APIServer',
  'ImageSet',
  'TigeraStatus',
])

/** Kinds whose effect (policy, peering, host endpoints) the model does not render. */
const NOT_MODELLED: Readonly<Record<string, string>> = {
  NetworkPolicy: 'network policy is not modelled (endpoints follow their profiles only)',
  GlobalNetworkPolicy: 'network policy is not modelled (endpoints follow their profiles only)',
  StagedNetworkPolicy: 'network policy is not modelled',
  StagedGlobalNetworkPolicy: 'network policy is not modelled',
  StagedKubernetesNetworkPolicy: 'network policy is not modelled',
  Tier: 'policy tiers are not modelled',
  NetworkSet: 'network sets are not modelled (no policy)',
  GlobalNetworkSet: 'network sets are not modelled (no policy)',
  HostEndpoint: 'host endpoints are not modelled (their dispatch chains stay empty)',
  BGPPeer: 'BGP peers are not modelled (routes follow the node-to-node mesh)',
  Profile: 'user-defined profiles are not modelled',
}

interface Collected {
  pools: IpPool[]
  installationPools: IpPool[]
  felix: FelixConfig
  backend?: CalicoConfig['backend']
  vethMtu?: number
  cniPools?: readonly string[]
  asNumber?: number
  claims: BlockClaim[]
  findings: Finding[]
}

function readOne(ext: ExtensionObject, c: Collected): void {
  if (ext.apiVersion === 'v1' && ext.kind === 'ConfigMap') {
    if (ext.metadata.name !== 'calico-config') return
    const m = readCalicoConfigMap(ext, c.findings)
    if (m.backend !== undefined) c.backend = m.backend
    if (m.vethMtu !== undefined) c.vethMtu = m.vethMtu
    if (m.cniPools !== undefined) c.cniPools = m.cniPools
    return
  }
  if (!CALICO_GROUPS.includes(ext.apiVersion) || BENIGN.has(ext.kind)) return
  const where = { location: ext.location }
  if (ext.kind === 'IPPool') {
    const pool = readIpPool(ext, c.findings)
    if (pool) c.pools.push(pool)
  } else if (ext.kind === 'Installation') {
    c.installationPools.push(...readInstallationPools(ext, c.findings))
  } else if (ext.kind === 'FelixConfiguration') {
    c.felix = readFelixConfiguration(ext, c.felix, c.findings)
  } else if (ext.kind === 'BlockAffinity' || ext.kind === 'IPAMBlock') {
    const claim = readBlockClaim(ext, c.findings)
    if (claim) c.claims.push(claim)
  } else if (ext.kind === 'BGPConfiguration') {
    readBgpConfiguration(ext, c)
  } else {
    const why = NOT_MODELLED[ext.kind] ?? `${ext.apiVersion} ${ext.kind} is not modelled`
    c.findings.push({ message: `${ext.kind} ${ext.metadata.name}: ${why}`, ...where })
  }
}

const bgpConfiguration = z.looseObject({
  spec: z
    .looseObject({
      nodeToNodeMeshEnabled: z.boolean().optional(),
      asNumber: z.number().int().min(1).max(4294967295).optional(),
    })
    .optional(),
})

const BGP_NOT_MODELLED = [
  'serviceClusterIPs',
  'serviceExternalIPs',
  'serviceLoadBalancerIPs',
  'communities',
  'prefixAdvertisements',
]

/**
 * The AS number does not change kernel routes (it is kept for the BIRD daemon); turning the
 * mesh off or advertising Service addresses does, and is reported.
 */
function readBgpConfiguration(ext: ExtensionObject, c: Collected): void {
  const spec = validateExtension(bgpConfiguration, ext).spec ?? {}
  if (spec.asNumber !== undefined && ext.metadata.name === 'default') c.asNumber = spec.asNumber
  if (spec.nodeToNodeMeshEnabled === false) {
    c.findings.push({
      message: 'nodeToNodeMeshEnabled: false is not modelled (routes follow a full mesh)',
      location: ext.at(['spec', 'nodeToNodeMeshEnabled']),
    })
  }
  for (const key of BGP_NOT_MODELLED) {
    if (key in spec) {
      c.findings.push({
        message: `BGPConfiguration spec.${key} is not modelled`,
        location: ext.at(['spec', key]),
      })
    }
  }
}

/** The pool calico-node creates when the datastore has none (calico.yaml defaults). */
function defaultPool(cluster: Cluster): IpPool {
  const subnets = [cluster.networking.podSubnet, cluster.kubeProxy.clusterCIDR]
    .flatMap((s) => (s ?? '').split(','))
    .map((s) => parseCidr(s.trim()))
  const v4 = subnets.find((c) => c?.family === 4)
  return {
    name: 'default-ipv4-ippool',
    cidr: v4 ? formatCidr(v4) : '192.168.0.0/16',
    blockSize: 26,
    ipipMode: 'Always',
    vxlanMode: 'Never',
    natOutgoing: true,
    disabled: false,
    nodeSelector: { op: 'all' },
    disableBGPExport: false,
    forWorkloads: true,
    forTunnels: true,
  }
}

/** Calico's configuration for `cluster`; throws located errors on malformed objects. */
export function readCalicoConfig(cluster: Cluster): CalicoConfig {
  const c: Collected = {
    pools: [],
    installationPools: [],
    felix: DEFAULT_FELIX,
    claims: [],
    findings: [],
  }
  for (const ext of cluster.extensions) readOne(ext, c)
  for (const ig of cluster.ignored) {
    if (ig.kind !== 'NetworkPolicy' || !ig.apiVersion.startsWith('networking.k8s.io/')) continue
    c.findings.push({
      message: `NetworkPolicy ${ig.name}: Calico would enforce it; kpath's Calico model renders no policy`,
      location: ig.location,
    })
  }
  const pools = c.pools.length > 0 ? c.pools : c.installationPools
  return {
    pools:
      pools.length > 0
        ? [...pools].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
        : [defaultPool(cluster)],
    felix: c.felix,
    backend: c.backend ?? 'bird',
    asNumber: c.asNumber ?? 64512,
    ...(c.vethMtu === undefined ? {} : { vethMtu: c.vethMtu }),
    ...(c.cniPools === undefined ? {} : { cniPools: c.cniPools }),
    claims: c.claims,
    findings: c.findings,
  }
}
