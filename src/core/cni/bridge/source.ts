/**
 * @module core/cni/bridge/source
 * Where the plain bridge plugin's configuration comes from: the Topology's `spec.cniConfig`
 * (a network config, or a config list whose chain holds one `bridge` plugin), else kpath's
 * {@link DEFAULT_BRIDGE}. Other plugins of a chain are checked: `loopback` is harmless,
 * `portmap` only matters for hostPorts (reported), anything else is reported as not modelled.
 */
import type { ConfigSource } from '../../cluster/config-source.js'
import { readTopology } from '../../cluster/topology/read.js'
import { unsupported } from '../../errors.js'
import type { Cluster } from '../../kube/model.js'
import type { CniContext } from '../types.js'
import { type BridgeConf, DEFAULT_BRIDGE, readBridgeConf } from './config.js'

const cache = new WeakMap<CniContext, BridgeConf>()

/** The bridge network for this assembly (read once per context, so reports are not repeated). */
export function bridgeConf(ctx: CniContext): BridgeConf {
  const hit = cache.get(ctx)
  if (hit !== undefined) return hit
  const conf = readFromTopology(ctx)
  cache.set(ctx, conf)
  return conf
}

function readFromTopology(ctx: CniContext): BridgeConf {
  const { spec, source } = readTopology(ctx.cluster)
  const config = spec.cniConfig
  if (config === undefined) return DEFAULT_BRIDGE
  const src: ConfigSource = {
    label: 'Topology spec.cniConfig',
    at: (path) => source?.at(['spec', 'cniConfig', ...path]),
  }
  const plugins = config.plugins
  if (!Array.isArray(plugins)) return mainPlugin(config, [], src, ctx)
  const bridges = plugins.flatMap((p, i) => (typeOf(p) === 'bridge' ? [i] : []))
  const [index, second] = bridges
  if (index === undefined || second !== undefined)
    throw unsupported(
      `${src.label}: the chain holds ${bridges.length} bridge plugins`,
      src.at(['plugins']),
      'kpath models a chain with exactly one bridge plugin (plus loopback or portmap)',
    )
  plugins.forEach((p, i) => {
    if (i !== index) checkChained(typeOf(p), src.at(['plugins', i]), ctx)
  })
  return readBridgeConf(plugins[index], src, ctx, ['plugins', index])
}

function mainPlugin(
  config: unknown,
  path: readonly (string | number)[],
  src: ConfigSource,
  ctx: CniContext,
): BridgeConf {
  const type = typeOf(config)
  if (type !== 'bridge')
    throw unsupported(
      `${src.label}: CNI plugin type "${type}" is not modelled with cni: bridge`,
      src.at([...path, 'type']),
      'give a bridge network config (type: bridge with host-local ipam), or choose another cni',
    )
  return readBridgeConf(config, src, ctx, path)
}

/** Check one non-bridge plugin of a chain: loopback is harmless, portmap matters for hostPorts. */
export function checkChained(
  type: string,
  location: ReturnType<ConfigSource['at']>,
  ctx: CniContext,
): void {
  if (type === 'loopback') return
  if (type === 'portmap') {
    if (usesHostPorts(ctx.cluster))
      ctx.unsupported(
        'CNI portmap: hostPort rules (CNI-HOSTPORT-* chains) are not modelled',
        location,
      )
    return
  }
  ctx.unsupported(`CNI plugin "${type}" in the chain is not modelled`, location)
}

/** Whether any pod asks for a hostPort (the only thing portmap does for pods). */
export function usesHostPorts(cluster: Cluster): boolean {
  // A hostNetwork pod's hostPort is its own port: portmap never sees it.
  return cluster.pods.some(
    (p) =>
      p.spec.hostNetwork !== true &&
      p.spec.containers.some((c) => (c.ports ?? []).some((port) => port.hostPort !== undefined)),
  )
}

function typeOf(v: unknown): string {
  if (typeof v === 'object' && v !== null && 'type' in v && typeof v.type === 'string')
    return v.type
  return '(none)'
}
