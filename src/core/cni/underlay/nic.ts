/**
 * @module core/cni/underlay/nic
 * The one thing an underlay bridge needs from the cluster assembly. In seed 000 the node's NIC
 * is a port of the host bridge, and the node IP, its broadcast and the node's routes are on the
 * bridge (`mybr0`), not on the NIC: an address on an enslaved port is not used for routing
 * the bridge's traffic, and a NIC address would make the kernel answer ARP for it on the wrong
 * device. A {@link CniPlugin} fragment can only add state, so the assembly has to create the
 * NIC that way: {@link underlayNicSetup} says how.
 */
import type { NodeUnderlay } from '../types.js'
import type { UnderlayNetwork } from './config.js'

export interface HostNicSetup {
  /**
   * The bridge (created by the plugin's node fragment) that the node's underlay NIC is a port
   * of. The NIC carries no address; the node address (with its broadcast), the default route
   * and the Topology's routes name this bridge as their device instead of the NIC.
   */
  readonly master: string
}

/** How the node's NIC is set up under `net`: enslaved to the host bridge in bridge mode. */
export function underlayNicSetup(
  net: UnderlayNetwork,
  _node: NodeUnderlay,
): HostNicSetup | undefined {
  return net.mode === 'bridge' ? { master: net.bridge } : undefined
}
