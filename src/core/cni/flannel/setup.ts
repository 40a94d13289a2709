/**
 * @module core/cni/flannel/setup
 * Everything flannel's model reads, gathered once per assembly: `net-conf.json` and
 * `cni-conf.json` from the `kube-flannel-cfg` ConfigMap (kube-flannel.yml's when absent, with the
 * cluster's pod network as Network), and flanneld's arguments (args.ts).
 */
import { type ConfigSource, parseJsonConfig, wholeSource } from '../../cluster/config-source.js'
import { type Prefix4, parsePrefix4 } from '../../cluster/ipv4.js'
import { unsupported } from '../../errors.js'
import type { Cluster, ExtensionObject } from '../../kube/model.js'
import { checkChained } from '../bridge/source.js'
import type { CniContext } from '../types.js'
import { type FlannelArgs, readFlannelArgs } from './args.js'
import { defaultNetConf, type NetConf, readNetConf } from './netconf.js'

export interface FlannelSetup {
  readonly netConf: NetConf
  /** flanneld writes its rules with iptables (not with EnableNFTables). */
  readonly iptables: boolean
  readonly args: FlannelArgs
  /** The CNI network name (`cbr0`) and the flannel plugin's `delegate` object. */
  readonly cniName: string
  readonly delegate: Readonly<Record<string, unknown>>
  /** Extra IPAM routes from the flannel plugin's own `ipam.routes`. */
  readonly ipamRoutes: readonly unknown[]
  readonly cniSource: ConfigSource
}

/** kube-flannel.yml's cni-conf.json delegate. */
const KUBE_FLANNEL_DELEGATE = { hairpinMode: true, isDefaultGateway: true }

const cache = new WeakMap<CniContext, FlannelSetup>()

export function flannelSetup(ctx: CniContext): FlannelSetup {
  const hit = cache.get(ctx)
  if (hit !== undefined) return hit
  const setup = readSetup(ctx)
  cache.set(ctx, setup)
  return setup
}

/** The kube-flannel-cfg ConfigMap (kube-flannel's own namespace first). */
function flannelConfigMap(cluster: Cluster): ExtensionObject | undefined {
  const all = cluster.extensions.filter(
    (e) => e.kind === 'ConfigMap' && e.metadata.name === 'kube-flannel-cfg',
  )
  return (
    all.find((e) => e.metadata.namespace === 'kube-flannel') ??
    all.find((e) => e.metadata.namespace === 'kube-system') ??
    all[0]
  )
}

function readSetup(ctx: CniContext): FlannelSetup {
  const cm = flannelConfigMap(ctx.cluster)
  const data = (cm?.object.data ?? {}) as Record<string, unknown>
  const netText = data['net-conf.json']
  const cniText = data['cni-conf.json']
  const label = (key: string) => `ConfigMap ${cm?.metadata.namespace}/${cm?.metadata.name} ${key}`
  const netSrc = wholeSource(label('net-conf.json'), cm?.at(['data', 'net-conf.json']))
  const netConf =
    typeof netText === 'string' ? readNetConf(netText, netSrc, ctx) : defaultFor(ctx.cluster)
  const cniSrc = wholeSource(
    cm === undefined ? 'kube-flannel.yml cni-conf.json' : label('cni-conf.json'),
    cm?.at(['data', 'cni-conf.json']),
  )
  const cni =
    typeof cniText === 'string'
      ? readCniConf(parseJsonConfig(cniText, cniSrc), cniSrc, ctx)
      : { name: 'cbr0', delegate: KUBE_FLANNEL_DELEGATE, ipamRoutes: [] }
  return {
    netConf,
    iptables: !netConf.nftables,
    args: readFlannelArgs(ctx),
    cniName: cni.name,
    delegate: cni.delegate,
    ipamRoutes: cni.ipamRoutes,
    cniSource: cniSrc,
  }
}

/** Without net-conf.json: kube-flannel.yml's (vxlan) on the cluster's IPv4 pod network. */
function defaultFor(cluster: Cluster): NetConf {
  const texts = [
    ...(cluster.networking.podSubnet ?? '').split(','),
    ...(cluster.kubeProxy.clusterCIDR ?? '').split(','),
  ]
  const net = texts.map((t) => parsePrefix4(t.trim())).find((p): p is Prefix4 => p !== undefined)
  return defaultNetConf(net ?? { net: 0x0af40000, len: 16 })
}

interface CniPart {
  readonly name: string
  readonly delegate: Readonly<Record<string, unknown>>
  readonly ipamRoutes: readonly unknown[]
}

/** cni-conf.json: a conflist whose chain holds one `flannel` plugin, or a single flannel config. */
function readCniConf(value: unknown, src: ConfigSource, ctx: CniContext): CniPart {
  const conf = record(value)
  const plugins = conf.plugins
  const list = Array.isArray(plugins) ? plugins.map(record) : [conf]
  const index = list.findIndex((p) => p.type === 'flannel')
  const flannel = list[index]
  if (flannel === undefined || list.findIndex((p, i) => i > index && p.type === 'flannel') >= 0)
    throw unsupported(
      `${src.label}: expected exactly one plugin of type "flannel"`,
      src.at([]),
      'kube-flannel.yml chains flannel and portmap',
    )
  list.forEach((p, i) => {
    if (i !== index) checkChained(typeof p.type === 'string' ? p.type : '(none)', src.at([]), ctx)
  })
  const delegate = record(flannel.delegate)
  if (delegate.ipam !== undefined)
    throw unsupported(
      `${src.label}: the delegate has an ipam field`,
      src.at([]),
      "flannel's CNI plugin refuses it: 'ipam' is set by flannel",
    )
  const name =
    typeof conf.name === 'string'
      ? conf.name
      : typeof flannel.name === 'string'
        ? flannel.name
        : 'cbr0'
  const routes = record(flannel.ipam).routes
  return { name, delegate, ipamRoutes: Array.isArray(routes) ? routes : [] }
}

function record(v: unknown): Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
    ? (v as Record<string, unknown>)
    : {}
}
