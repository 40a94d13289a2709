/**
 * @module core/cni/underlay/wire
 * What an underlay network leaves in the kernel.
 *
 * Bridge mode (containernetworking `bridge`, `isGateway` off, v1.x): on the node, the host
 * bridge (`mybr0`) with the NIC and every pod's `veth…` as ports, so its MAC is the lowest of
 * theirs: the NIC's vendor MAC in seed 000 (`00:0c:29:4b:22:09` answers the pods' ARP), and its
 * MTU the lowest port MTU (the kernel adjusts a bridge whose MTU nobody set); `ensureBridge`
 * turns IPv6 router advertisements off on it. In the pod, `eth0` with the underlay address
 * (`inet 192.168.0.31/24 … eth0`), `arp_notify` 1, IPv6 `accept_dad` 0, and the IPAM routes
 * through the underlay router (`default via 192.168.0.1 dev eth0`), netlink's proto boot.
 *
 * Macvlan mode (`macvlan` plugin): nothing on the node; in the pod, `eth0` is a macvlan of the
 * node's NIC (its MTU unless set, mode bridge unless set) with `arp_notify` and IPv6
 * `ndisc_notify` 1, the same address and routes. The model's macvlan has no namespace for its
 * parent, so the pod link also names the NIC's namespace in `peer` (see README.md).
 */
import { contains4, formatPrefix4, type Prefix4 } from '../../cluster/ipv4.js'
import { deterministicMac } from '../../cluster/names.js'
import { objectKey, type Pod } from '../../kube/model.js'
import { podsOnNode } from '../../kube/pods-by-node.js'
import { netnsName } from '../../model/cluster-state.js'
import { type Address, type Link, type Route, TABLE_MAIN } from '../../model/netns.js'
import { parseIPv4 } from '../../net/ip.js'
import { hostVethName } from '../bridge/names.js'
import type { CniContext, NetnsFragment, NodeUnderlay, PodWiring } from '../types.js'
import { type UnderlayNetwork, underlayBroadcast } from './config.js'
import { bridgeMac } from './ident.js'

/** The pod's IPv4 address when it lies in the underlay subnet; else why not. */
export function underlayIP(net: UnderlayNetwork, pod: Pod): { ip: string } | { problem: string } {
  const ips = [pod.status?.podIP, ...(pod.status?.podIPs ?? []).map((p) => p.ip)]
  const ip = ips.find((a) => a !== undefined && parseIPv4(a) !== undefined)
  if (ip === undefined) return { problem: `pod ${objectKey(pod)} has no IPv4 address` }
  if (!inSubnet(net.subnet, ip))
    return {
      problem: `pod ${objectKey(pod)} has IP ${ip}, outside the underlay subnet ${formatPrefix4(net.subnet)}: give it status.podIP from the underlay range (Services and EndpointSlices use that address)`,
    }
  if (ip === net.gateway)
    return { problem: `pod ${objectKey(pod)} has the underlay router's address ${ip}` }
  return { ip }
}

function inSubnet(p: Prefix4, ip: string): boolean {
  const a = parseIPv4(ip)
  return a !== undefined && contains4(p, a)
}

/** Pods bound to the node that the network wires (not hostNetwork, not finished, addressed). */
export function wiredPods(ctx: CniContext, net: UnderlayNetwork, node: string): Pod[] {
  return podsOnNode(ctx.cluster, node).filter(
    (p) =>
      p.spec.hostNetwork !== true &&
      p.status?.phase !== 'Succeeded' &&
      p.status?.phase !== 'Failed' &&
      'ip' in underlayIP(net, p),
  )
}

function vethMtu(net: UnderlayNetwork): number {
  return net.mtu === 0 ? 1500 : net.mtu
}

/** The node's part: the host bridge (bridge mode), nothing for macvlan. */
export function underlayNode(
  ctx: CniContext,
  net: UnderlayNetwork,
  u: NodeUnderlay,
): NetnsFragment {
  if (net.mode !== 'bridge') return {}
  const name = u.node.metadata.name
  const ns = netnsName.node(name)
  const pods = wiredPods(ctx, net, name)
  const vethMacs = pods.map((p) => deterministicMac(ns, hostVethName(ctx, name, p)))
  const link: Link = {
    index: 0,
    name: net.bridge,
    kind: 'bridge',
    mac: bridgeMac(deterministicMac(ns, net.bridge), [u.mac, ...vethMacs]),
    mtu: Math.min(u.mtu, ...(pods.length > 0 ? [vethMtu(net)] : [])),
    up: true,
  }
  return {
    links: [link],
    ...(pods.length > 0 ? { sysctls: { [`net.ipv6.conf.${net.bridge}.accept_ra`]: '0' } } : {}),
  }
}

function podAddress(net: UnderlayNetwork, ip: string): Address {
  const brd = underlayBroadcast(net)
  return {
    iface: 'eth0',
    family: 4,
    local: ip,
    prefixLen: net.subnet.len,
    scope: 'global',
    ...(brd === undefined ? {} : { broadcast: brd }),
  }
}

/** The IPAM routes, through the range gateway unless a route names its own. */
function podRoutes(net: UnderlayNetwork): Route[] {
  return net.routes.map((r) => ({
    family: 4,
    table: TABLE_MAIN,
    type: 'unicast',
    dst: r.dst === '0.0.0.0/0' ? 'default' : r.dst,
    via: r.gw ?? net.gateway,
    dev: 'eth0',
    proto: 'boot',
    scope: 'global',
  }))
}

/** One pod's wiring, or empty sides (reported) when it cannot be wired. */
export function underlayPod(
  ctx: CniContext,
  net: UnderlayNetwork,
  pod: Pod,
  u: NodeUnderlay,
): PodWiring {
  const got = underlayIP(net, pod)
  if (!('ip' in got)) {
    ctx.unsupported(got.problem, ctx.cluster.locations.get(pod))
    return { pod: {}, host: {} }
  }
  const nodeNs = netnsName.node(u.node.metadata.name)
  const podNs = netnsName.pod(pod.metadata.namespace ?? 'default', pod.metadata.name)
  const mac = deterministicMac(podNs, 'eth0')
  const base = { addresses: [podAddress(net, got.ip)], routes: podRoutes(net) }
  if (net.mode === 'macvlan') {
    const parent = net.master ?? u.iface
    const eth0: Link = {
      index: 0,
      name: 'eth0',
      kind: 'macvlan',
      mac,
      mtu: net.mtu === 0 ? u.mtu : net.mtu,
      up: true,
      macvlan: { parent, mode: net.macvlanMode },
      peer: { netns: nodeNs, name: parent },
    }
    return {
      pod: {
        links: [eth0],
        ...base,
        sysctls: { 'net.ipv4.conf.eth0.arp_notify': '1', 'net.ipv6.conf.eth0.ndisc_notify': '1' },
      },
      host: {},
    }
  }
  const veth = hostVethName(ctx, u.node.metadata.name, pod)
  const mtu = vethMtu(net)
  const eth0: Link = {
    index: 0,
    name: 'eth0',
    kind: 'veth',
    mac,
    mtu,
    up: true,
    peer: { netns: nodeNs, name: veth },
  }
  const host: Link = {
    index: 0,
    name: veth,
    kind: 'veth',
    mac: deterministicMac(nodeNs, veth),
    mtu,
    up: true,
    master: net.bridge,
    peer: { netns: podNs, name: 'eth0' },
    bridgePort: { hairpin: net.hairpinMode, learning: true, flood: true, state: 'forwarding' },
  }
  return {
    pod: {
      links: [eth0],
      ...base,
      sysctls: { 'net.ipv4.conf.eth0.arp_notify': '1', 'net.ipv6.conf.eth0.accept_dad': '0' },
    },
    host: { links: [host] },
  }
}
