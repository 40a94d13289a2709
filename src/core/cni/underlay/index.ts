/**
 * @module core/cni/underlay
 * Pods on the underlay network as a {@link CniPlugin}: pods get addresses of the nodes' own
 * subnet and the underlay router as gateway, either through a host bridge that holds the
 * node's NIC (seed 000's `mybr0`) or as macvlans of the NIC. The network comes from the
 * Topology's `spec.cniConfig` (a CNI bridge or macvlan configuration whose IPAM subnet is the
 * underlay's). README.md says what it follows and what it does not model.
 *
 * @example
 * ```ts
 * const net = underlayNetwork(ctx) // { mode: 'bridge', bridge: 'mybr0', gateway: '192.168.0.1', … }
 * underlayPlugin.pod(ctx, pod, node).pod.routes // default via 192.168.0.1 dev eth0
 * ```
 */
import type { ConfigSource } from '../../cluster/config-source.js'
import { readTopology } from '../../cluster/topology/read.js'
import { KpathError } from '../../errors.js'
import type { CniContext, CniPlugin } from '../types.js'
import { readUnderlayNetwork, type UnderlayNetwork } from './config.js'
import { underlayNode, underlayPod } from './wire.js'

export { isUnderlayConfig, readUnderlayNetwork, type UnderlayNetwork } from './config.js'
export { type HostNicSetup, underlayNicSetup } from './nic.js'

const cache = new WeakMap<CniContext, UnderlayNetwork>()

/** The underlay network of this assembly, read once from the Topology (reports once). */
export function underlayNetwork(ctx: CniContext): UnderlayNetwork {
  const hit = cache.get(ctx)
  if (hit !== undefined) return hit
  const { spec, source } = readTopology(ctx.cluster)
  const src: ConfigSource = {
    label: 'Topology spec.cniConfig',
    at: (path) => source?.at(['spec', 'cniConfig', ...path]),
  }
  const net =
    spec.cniConfig === undefined ? undefined : readUnderlayNetwork(spec.cniConfig, src, ctx)
  if (net === undefined)
    throw new KpathError(
      'KPATH_INVALID_ARGUMENT',
      'underlay pods need a bridge or macvlan network in the Topology’s spec.cniConfig',
      {
        ...(source === undefined ? {} : { location: source.location }),
        hint: 'e.g. {type: bridge, bridge: mybr0, ipam: {type: host-local, ranges: [[{subnet: 192.168.0.0/24, gateway: 192.168.0.1}]], routes: [{dst: 0.0.0.0/0}]}}',
      },
    )
  cache.set(ctx, net)
  return net
}

/** The underlay CNI plugin model. */
export const underlayPlugin: CniPlugin = {
  name: 'underlay',
  node: (ctx, u) => underlayNode(ctx, underlayNetwork(ctx), u),
  pod: (ctx, pod, u) => underlayPod(ctx, underlayNetwork(ctx), pod, u),
}
