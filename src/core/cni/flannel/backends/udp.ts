/**
 * @module core/cni/flannel/backends/udp
 * The udp backend (pkg/backend/udp, v0.28; seed 003 runs it): flanneld opens the TUN device
 * `flannel0` (`ip.OpenTun("flannel%d")`, no packet info), gives it the lease's network address
 * as a /32 (`configureIface`, since v0.11; older flannel gave it the Network's prefix length,
 * e.g. 192.168.82.0/16, which routes and picks source addresses the same way), MTU = external
 * MTU − 28, and adds `<Network> dev flannel0` (scope global). Packets read from the TUN are
 * sent in UDP (default port 8285) to the node owning the destination's subnet: the daemon's
 * table, which kpath hands to the packet walk as a `flanneld-udp` Daemon.
 */
import { formatPrefix4, hostAt, type Prefix4 } from '../../../cluster/ipv4.js'
import type { Daemon } from '../../../model/netns.js'
import { TABLE_MAIN } from '../../../model/netns.js'
import type { NetnsFragment } from '../../types.js'
import type { Lease } from '../leases.js'

/** UDP's encapsulation overhead flannel subtracts (IP 20 + UDP 8). */
export const UDP_OVERHEAD = 28
export const TUN_DEVICE = 'flannel0'

export function udpNode(
  port: number,
  network: Prefix4,
  own: Lease,
  others: readonly Lease[],
): NetnsFragment {
  const mtu = own.underlay.mtu - UDP_OVERHEAD
  const config: Record<string, string | number | boolean> = {
    device: TUN_DEVICE,
    port,
    local: own.publicIP,
    iface: own.underlay.iface,
    network: formatPrefix4(network),
    subnet: formatPrefix4(own.subnet),
    mtu,
  }
  // flanneld's route table: remote subnet → the node's public IP (`route:<subnet>` keys).
  for (const r of others) config[`route:${formatPrefix4(r.subnet)}`] = r.publicIP
  const daemon: Daemon = { name: 'flanneld', kind: 'flanneld-udp', config }
  return {
    links: [
      {
        index: 0,
        name: TUN_DEVICE,
        kind: 'tun',
        mtu,
        up: true,
        noarp: true,
        tun: { mode: 'tun', owner: 'flanneld' },
      },
    ],
    addresses: [
      {
        iface: TUN_DEVICE,
        family: 4,
        local: hostAt(own.subnet, 0),
        prefixLen: 32,
        scope: 'global',
      },
    ],
    routes: [
      {
        family: 4,
        table: TABLE_MAIN,
        type: 'unicast',
        dst: formatPrefix4(network),
        dev: TUN_DEVICE,
        proto: 'boot',
        scope: 'global',
      },
    ],
    daemons: [daemon],
  }
}
