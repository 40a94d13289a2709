/**
 * @module core/cni/bridge
 * The containernetworking `bridge` plugin with host-local IPAM as a kpath {@link CniPlugin}:
 * the plain CNI setup (and what flannel delegates to, see ../flannel). README.md says which
 * version it follows and what it leaves out.
 *
 * @example
 * const state = assembleCluster(cluster) // with no other CNI config, pods hang off cni0
 */
import type { CniPlugin } from '../types.js'
import { bridgeConf } from './source.js'
import { bridgeNode, bridgePod } from './wire.js'

export type { BridgeConf } from './config.js'
export { DEFAULT_BRIDGE, readBridgeConf } from './config.js'
export { cniChainName, containerId, hostVethName } from './names.js'
export { bridgeNode, bridgePod, podIPv4 } from './wire.js'

export const bridgePlugin: CniPlugin = {
  name: 'bridge',
  node: (ctx, node) => bridgeNode(ctx, bridgeConf(ctx), node),
  pod: (ctx, pod, node) => bridgePod(ctx, bridgeConf(ctx), pod, node),
}
