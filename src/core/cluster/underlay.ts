/**
 * @module core/cluster/underlay
 * The underlay the nodes sit on, wired the way the lab wires it (kernel-lab §1): one namespace
 * per segment holding a bridge `br0`, and every node, router and external NIC a veth whose
 * peer is a port of that bridge. Routes written by hand (`ip route add`) are `proto boot`, as
 * iproute2 adds them; a route without `dev` goes out of the interface whose subnet holds `via`.
 */
import { KpathError } from '../errors.js'
import { netnsName } from '../model/cluster-state.js'
import { type Address, type Route, TABLE_MAIN } from '../model/netns.js'
import { parseIPv4 } from '../net/ip.js'
import type { NetnsBuilder } from './builder.js'
import { broadcast4, contains4, formatPrefix4, parsePrefix4 } from './ipv4.js'
import { bridgeMac, deterministicMac } from './names.js'
import type { TopologyRoute } from './topology/schema.js'
import type { Segment, SegmentNic } from './topology/types.js'

/** A NIC attached to a segment, with the namespace that owns it. */
export interface Attachment {
  readonly netns: string
  readonly nic: SegmentNic
}

/** The segment's switch: `br0` and one port per attached NIC, in attachment order. */
export function buildSegment(b: NetnsBuilder, seg: Segment, attached: readonly Attachment[]): void {
  const ns = b.name
  const mac = bridgeMac(
    deterministicMac(ns, 'br0'),
    attached.map((a) => deterministicMac(ns, a.nic.port)),
  )
  b.addLink({ name: 'br0', kind: 'bridge', mac, mtu: seg.mtu, up: true }, 'the segment')
  for (const a of attached)
    b.addLink(
      {
        name: a.nic.port,
        kind: 'veth',
        mac: deterministicMac(ns, a.nic.port),
        mtu: a.nic.mtu,
        up: true,
        master: 'br0',
        peer: { netns: a.netns, name: a.nic.name },
        bridgePort: { hairpin: false, learning: true, flood: true, state: 'forwarding' },
      },
      'the segment',
    )
}

/**
 * The owner's side of a NIC: the veth, up, with its address and broadcast; or, with `master`,
 * as a port of that bridge and without an address (the caller puts it on the bridge).
 */
export function addNic(b: NetnsBuilder, nic: SegmentNic, from: string, master?: string): void {
  b.addLink(
    {
      name: nic.name,
      kind: 'veth',
      mac: nic.mac,
      mtu: nic.mtu,
      up: true,
      peer: { netns: netnsName.segment(nic.segment), name: nic.port },
      ...(master === undefined
        ? {}
        : {
            master,
            bridgePort: {
              hairpin: false,
              learning: true,
              flood: true,
              state: 'forwarding' as const,
            },
          }),
    },
    from,
  )
  if (master === undefined) b.addresses.push(nicAddress(nic))
}

export function nicAddress(nic: { name: string; address: string; prefixLen: number }): Address {
  const prefix = parsePrefix4(`${nic.address}/${nic.prefixLen}`)
  const brd = prefix && broadcast4(prefix)
  return {
    iface: nic.name,
    family: 4,
    local: nic.address,
    prefixLen: nic.prefixLen,
    scope: 'global',
    ...(brd === undefined ? {} : { broadcast: brd }),
  }
}

/** `default via GW dev IF proto boot`. */
export function defaultRoute(gateway: string, dev: string): Route {
  return {
    family: 4,
    table: TABLE_MAIN,
    type: 'unicast',
    dst: 'default',
    via: gateway,
    dev,
    proto: 'boot',
    scope: 'global',
  }
}

/** A Topology route on a namespace whose connected interfaces are `nics`. */
export function topologyRoute(
  r: TopologyRoute,
  nics: readonly { name: string; address: string; prefixLen: number }[],
  owner: string,
): Route {
  const dst =
    r.dst === 'default' ? 'default' : formatPrefix4(parsePrefix4(r.dst) ?? { net: 0, len: 0 })
  const dev = r.dev ?? (r.via === undefined ? undefined : connectedDev(r.via, nics))
  if (dev === undefined)
    throw new KpathError('KPATH_INVALID_ARGUMENT', `${owner}: route ${r.dst} needs a device`, {
      hint:
        r.via === undefined
          ? 'give dev, or via a gateway on one of its subnets'
          : `no interface's subnet holds ${r.via}; give dev and onlink`,
    })
  return {
    family: 4,
    table: TABLE_MAIN,
    type: 'unicast',
    dst,
    dev,
    proto: 'boot',
    scope: r.via === undefined ? 'link' : 'global',
    ...(r.via === undefined ? {} : { via: r.via }),
    ...(r.src === undefined ? {} : { src: r.src }),
    ...(r.metric === undefined ? {} : { metric: r.metric }),
    ...(r.onlink ? { onlink: true } : {}),
  }
}

function connectedDev(
  via: string,
  nics: readonly { name: string; address: string; prefixLen: number }[],
): string | undefined {
  const v = parseIPv4(via)
  if (v === undefined) return undefined
  return nics.find((n) => {
    const p = parsePrefix4(`${n.address}/${n.prefixLen}`)
    return p !== undefined && contains4(p, v)
  })?.name
}
