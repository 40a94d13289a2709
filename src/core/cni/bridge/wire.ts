/**
 * @module core/cni/bridge/wire
 * What the bridge plugin's ADD (plugins/main/bridge `cmdAdd`, v1.9) leaves in the kernel, given
 * a {@link BridgeConf} and host-local's answer (the pod's address, gateway `.1` of the range):
 *
 * - node: `cni0` (`ensureBridge`: a bridge with the configured MTU, `accept_ra` 0, up; its MAC
 *   the lowest of its ports', as the kernel sets it); with isGateway the gateway address on it
 *   (`ensureAddr`, broadcast added by netlink) and `ip_forward` 1 (`enableIPForward`). It
 *   exists once the first pod was added;
 * - host side: the veth (`vethXXXXXXXX`) enslaved to the bridge, hairpin per `hairpinMode`;
 *   with ipMasq the per-container chain (ipmasq.ts);
 * - pod side: `eth0` with the MTU, `arp_notify` 1 and IPv6 `accept_dad` 0, the address with
 *   the range's prefix, the IPAM routes (gateway defaulting to the range gateway), then
 *   `default via <gateway>` when isDefaultGateway and IPAM gave no default route with a gateway.
 */
import {
  broadcast4,
  formatPrefix4,
  hostAt,
  type Prefix4,
  parsePrefix4,
} from '../../cluster/ipv4.js'
import { bridgeMac, deterministicMac } from '../../cluster/names.js'
import { hasSandbox } from '../../cluster/pods.js'
import { objectKey, type Pod } from '../../kube/model.js'
import { podsOnNode } from '../../kube/pods-by-node.js'
import { netnsName } from '../../model/cluster-state.js'
import { type Route, TABLE_MAIN } from '../../model/netns.js'
import { parseIPv4 } from '../../net/ip.js'
import type { CniContext, NetnsFragment, NodeUnderlay, PodWiring } from '../types.js'
import type { BridgeConf } from './config.js'
import { ipMasqRestore } from './ipmasq.js'
import { containerId, hostVethName } from './names.js'

/** The range host-local allocates from on `node`, or undefined (reported) when there is none. */
export function bridgeSubnet(
  ctx: CniContext,
  conf: BridgeConf,
  node: NodeUnderlay,
): Prefix4 | undefined {
  const name = node.node.metadata.name
  const podCIDR = (ctx.podCIDRs.get(name) ?? []).map(parsePrefix4).find((p) => p !== undefined)
  if (conf.subnet === 'podCIDR') {
    if (podCIDR === undefined)
      ctx.unsupported(
        `node ${name} has no IPv4 podCIDR: the bridge plugin has no range to allocate from`,
      )
    return podCIDR
  }
  const fixed = parsePrefix4(conf.subnet)
  if (
    fixed === undefined ||
    podCIDR === undefined ||
    formatPrefix4(fixed) !== formatPrefix4(podCIDR)
  )
    ctx.unsupported(
      `bridge network ${conf.name}: host-local subnet ${conf.subnet} differs from node ${name}'s podCIDR; kpath's pod addresses come from the podCIDR`,
    )
  return fixed
}

function gatewayOf(conf: BridgeConf, subnet: Prefix4): string {
  return conf.gateway ?? hostAt(subnet, 1)
}

function mtuOf(conf: BridgeConf): number {
  return conf.mtu === 0 ? 1500 : conf.mtu
}

/** The node's part: the bridge, and with isGateway its address and forwarding. */
export function bridgeNode(ctx: CniContext, conf: BridgeConf, node: NodeUnderlay): NetnsFragment {
  const name = node.node.metadata.name
  const pods = podsOnNode(ctx.cluster, name).filter(
    (p) => p.spec.hostNetwork !== true && hasSandbox(p) && podIPv4(p) !== undefined,
  )
  const subnet = pods.length > 0 ? bridgeSubnet(ctx, conf, node) : undefined
  if (subnet === undefined) return {}
  const ns = netnsName.node(name)
  const brd = broadcast4(subnet)
  const ports = pods.map((p) => deterministicMac(ns, hostVethName(ctx, name, p)))
  return {
    links: [
      {
        index: 0,
        name: conf.bridge,
        kind: 'bridge',
        mac: bridgeMac(deterministicMac(ns, conf.bridge), ports),
        mtu: mtuOf(conf),
        up: true,
      },
    ],
    addresses: conf.isGateway
      ? [
          {
            iface: conf.bridge,
            family: 4,
            local: gatewayOf(conf, subnet),
            prefixLen: subnet.len,
            scope: 'global',
            ...(brd === undefined ? {} : { broadcast: brd }),
          },
        ]
      : [],
    sysctls: {
      [`net.ipv6.conf.${conf.bridge}.accept_ra`]: '0',
      ...(conf.isGateway ? { 'net.ipv4.ip_forward': '1' } : {}),
    },
  }
}

/** The pod's first IPv4 address, as the controllers (host-local order) assigned it. */
export function podIPv4(pod: Pod): string | undefined {
  const ips = [
    ...(pod.status?.podIPs ?? []).map((p) => p.ip),
    ...(pod.status?.podIP === undefined ? [] : [pod.status.podIP]),
  ]
  return ips.find((ip) => parseIPv4(ip) !== undefined)
}

/** One pod's veth pair, address, routes and (with ipMasq) masquerade chain. */
export function bridgePod(
  ctx: CniContext,
  conf: BridgeConf,
  pod: Pod,
  node: NodeUnderlay,
): PodWiring {
  const subnet = bridgeSubnet(ctx, conf, node)
  const ip = podIPv4(pod)
  if (subnet === undefined || ip === undefined) {
    if (ip === undefined)
      ctx.unsupported(
        `pod ${objectKey(pod)} has no IPv4 address: its namespace gets no eth0`,
        ctx.cluster.locations.get(pod),
      )
    return { pod: {}, host: {} }
  }
  const nodeNs = netnsName.node(node.node.metadata.name)
  const podNs = netnsName.pod(pod.metadata.namespace ?? 'default', pod.metadata.name)
  const hostVeth = hostVethName(ctx, node.node.metadata.name, pod)
  const mtu = mtuOf(conf)
  const gateway = gatewayOf(conf, subnet)
  const brd = broadcast4(subnet)
  const podSide: NetnsFragment = {
    links: [
      {
        index: 0,
        name: 'eth0',
        kind: 'veth',
        mac: deterministicMac(podNs, 'eth0'),
        mtu,
        up: true,
        peer: { netns: nodeNs, name: hostVeth },
      },
    ],
    addresses: [
      {
        iface: 'eth0',
        family: 4,
        local: ip,
        prefixLen: subnet.len,
        scope: 'global',
        ...(brd === undefined ? {} : { broadcast: brd }),
      },
    ],
    routes: podRoutes(conf, gateway),
    sysctls: { 'net.ipv4.conf.eth0.arp_notify': '1', 'net.ipv6.conf.eth0.accept_dad': '0' },
  }
  const host: NetnsFragment = {
    links: [
      {
        index: 0,
        name: hostVeth,
        kind: 'veth',
        mac: deterministicMac(nodeNs, hostVeth),
        mtu,
        up: true,
        master: conf.bridge,
        peer: { netns: podNs, name: 'eth0' },
        bridgePort: { hairpin: conf.hairpinMode, learning: true, flood: true, state: 'forwarding' },
      },
    ],
    ...(conf.ipMasq
      ? { iptablesRestore: { ipv4: ipMasqRestore(conf.name, containerId(pod), ip, subnet) } }
      : {}),
  }
  return { pod: podSide, host }
}

function podRoutes(conf: BridgeConf, gateway: string): Route[] {
  const out: Route[] = conf.routes.map((r) =>
    viaRoute(r.dst === '0.0.0.0/0' ? 'default' : r.dst, r.gw ?? gateway),
  )
  const hasDefault = conf.routes.some((r) => r.dst === '0.0.0.0/0' && r.gw !== undefined)
  if (conf.isDefaultGateway && !hasDefault && !out.some((r) => r.dst === 'default'))
    out.push(viaRoute('default', gateway))
  return out
}

function viaRoute(dst: string, via: string): Route {
  const p = dst === 'default' ? undefined : parsePrefix4(dst)
  return {
    family: 4,
    table: TABLE_MAIN,
    type: 'unicast',
    dst: p === undefined ? 'default' : formatPrefix4(p),
    via,
    dev: 'eth0',
    proto: 'boot',
    scope: 'global',
  }
}
