/**
 * @module core/cni/flannel/backends/vxlan
 * The vxlan backend (pkg/backend/vxlan, v0.28). On start flanneld creates `flannel.<VNI>`
 * (`newVXLANDevice`: VNI, `local` = the node's public IP, `dev` = the external interface, the
 * configured port or the kernel's 8472, learning off, MTU = external MTU (or Backend MTU) − 50,
 * IPv6 `accept_ra` 0) and gives it the lease's network address as a /32. For every other
 * node's lease (`handleSubnetEvents`, lease order) it adds, unless DirectRouting applies:
 *
 *     neigh  <remote .0> lladdr <remote VTEP MAC> dev flannel.1 nud permanent
 *     fdb    <remote VTEP MAC> dev flannel.1 dst <remote public IP> self permanent
 *     route  <remote subnet> via <remote .0> dev flannel.1 onlink
 *
 * With DirectRouting and the remote on the node's own L2 segment (`ip.DirectRouting`: the
 * route to it has no gateway) it adds `<remote subnet> via <remote public IP>` instead.
 */
import { formatPrefix4, hostAt } from '../../../cluster/ipv4.js'
import { type Route, TABLE_MAIN } from '../../../model/netns.js'
import type { NetnsFragment } from '../../types.js'
import { type Lease, vxlanDevice } from '../leases.js'
import type { Backend } from '../netconf.js'

type Vxlan = Extract<Backend, { type: 'vxlan' }>

/** VXLAN's encapsulation overhead flannel subtracts (outer IP 20 + UDP 8 + VXLAN 8 + Ethernet 14). */
export const VXLAN_OVERHEAD = 50

export function vxlanMtu(b: Vxlan, own: Lease): number {
  return (b.mtu === 0 ? own.underlay.mtu : b.mtu) - VXLAN_OVERHEAD
}

export function vxlanNode(b: Vxlan, own: Lease, others: readonly Lease[]): NetnsFragment {
  const dev = vxlanDevice(b.vni)
  const out = {
    links: [
      {
        index: 0,
        name: dev,
        kind: 'vxlan' as const,
        mac: own.vtepMac,
        mtu: vxlanMtu(b, own),
        up: true,
        vxlan: {
          id: b.vni,
          port: b.port === 0 ? 8472 : b.port,
          local: own.publicIP,
          dev: own.underlay.iface,
          learning: b.learning,
        },
      },
    ],
    addresses: [
      {
        iface: dev,
        family: 4 as const,
        local: hostAt(own.subnet, 0),
        prefixLen: 32,
        scope: 'global' as const,
      },
    ],
    routes: [] as Route[],
    neighbours: [] as NonNullable<NetnsFragment['neighbours']>[number][],
    fdb: [] as NonNullable<NetnsFragment['fdb']>[number][],
    sysctls: { [`net.ipv6.conf.${dev}.accept_ra`]: '0' },
  }
  for (const r of others) {
    const dst = formatPrefix4(r.subnet)
    if (b.directRouting && r.underlay.segment === own.underlay.segment) {
      out.routes.push(route(dst, r.publicIP, own.underlay.iface, false))
      continue
    }
    const vtep = hostAt(r.subnet, 0)
    out.neighbours.push({ dst: vtep, dev, lladdr: r.vtepMac, state: 'PERMANENT' })
    out.fdb.push({ mac: r.vtepMac, dev, dst: r.publicIP, permanent: true, self: true })
    out.routes.push(route(dst, vtep, dev, true))
  }
  return out
}

/** A route flanneld adds through netlink: `proto boot` (netlink's default), scope global. */
export function route(dst: string, via: string, dev: string, onlink: boolean): Route {
  return {
    family: 4,
    table: TABLE_MAIN,
    type: 'unicast',
    dst,
    via,
    dev,
    proto: 'boot',
    scope: 'global',
    ...(onlink ? { onlink: true } : {}),
  }
}
