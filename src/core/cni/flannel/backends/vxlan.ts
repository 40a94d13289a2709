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
import { sysctlIface } from '../../../sysctl/format.js'
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
    sysctls: { [`net.ipv6.conf.${sysctlIface(dev)}.accept_ra`]: '0' },
  }
  for (const r of others) {
    if (b.directRouting && r.underlay.segment === own.underlay.segment) {
      out.routes.push(route(formatPrefix4(r.subnet), r.publicIP, own.underlay.iface, false))
      continue
    }
    const e = peerEntries(b, r)
    out.neighbours.push(e.neighbour)
    out.fdb.push(e.fdb)
    out.routes.push(e.route)
  }
  return out
}

interface PeerEntries {
  readonly neighbour: NonNullable<NetnsFragment['neighbours']>[number]
  readonly fdb: NonNullable<NetnsFragment['fdb']>[number]
  readonly route: Route
}

/**
 * What every other node adds for `peer`'s lease (neighbour, FDB entry, route), made once per
 * backend and lease and shared by those nodes: they are the same on each (they name only the
 * peer and `flannel.<VNI>`), and a 1,000-node cluster would otherwise hold a million copies of
 * each. They are immutable data.
 */
const shared = new WeakMap<Vxlan, WeakMap<Lease, PeerEntries>>()

function peerEntries(b: Vxlan, peer: Lease): PeerEntries {
  let byLease = shared.get(b)
  if (byLease === undefined) {
    byLease = new WeakMap()
    shared.set(b, byLease)
  }
  const hit = byLease.get(peer)
  if (hit !== undefined) return hit
  const dev = vxlanDevice(b.vni)
  const vtep = hostAt(peer.subnet, 0)
  const made: PeerEntries = {
    neighbour: { dst: vtep, dev, lladdr: peer.vtepMac, state: 'PERMANENT' },
    fdb: { mac: peer.vtepMac, dev, dst: peer.publicIP, permanent: true, self: true },
    route: route(formatPrefix4(peer.subnet), vtep, dev, true),
  }
  byLease.set(peer, made)
  return made
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
