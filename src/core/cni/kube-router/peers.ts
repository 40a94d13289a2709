/**
 * @module core/cni/kube-router/peers
 * What a node's routing controller installs for the other nodes, once GoBGP has learned their
 * pod CIDRs (iBGP full mesh, every node advertising its pod CIDRs with its best IPv4 address
 * as next hop). For each learned path (`injectRoute` in network_routes_controller.go):
 *
 * - tunnel when `--enable-overlay` and (`--overlay-type=full`, or `subnet` and the next hop is
 *   outside the node's subnet): an IPIP link `tun-…` to the next hop, `<cidr> dev tun-…
 *   proto 17 src <node IP>` in main, and `<next hop> dev tun-…` in table 77;
 * - else, next hop in the node's subnet: `<cidr> via <next hop> proto 17` (seed 001:
 *   `10.233.66.0/24 via 192.168.50.51 dev enp1s0`);
 * - else nothing: kube-router leaves it to the network ("let BGP do its thing").
 *
 * With `--enable-overlay` the node also gets `from <its pod CIDR> lookup 77` (routes.pbr), with
 * the priority the kernel picks for a rule without one (fib_default_rule_pref: one below the
 * lowest non-zero priority, 32765 on a fresh node).
 *
 * Tunnels differ by release: v1.x runs `ip tunnel add NAME mode ipip local L remote R dev
 * NIC` (bound to the NIC, path MTU discovery on, table-77 route added by `ip route`, so scope
 * link); v2.x adds an netlink Iptun with local and remote only (no device, `PMtuDisc` 0, so
 * nopmtudisc) and a scope-global table-77 route. Either way the kernel loads ipip, which
 * creates the fallback device `tunl0` (down, mtu 1480, nopmtudisc) in the namespace
 * (net/ipv4/ipip.c `ipip_init_net`).
 */
import type { Link, PolicyRule, Route } from '../../model/netns.js'
import { cidrContains, parseAddr, parseCidr } from '../../net/ip.js'
import type { NodeUnderlay } from '../types.js'
import type { KubeRouterConfig } from './config.js'
import { CUSTOM_TABLE, tunnelName, ZEBRA_PROTO } from './names.js'
import type { NodeView } from './node-view.js'

/** What the decision reads of the configuration and of the node's underlay. */
export type PeerConfig = Pick<KubeRouterConfig, 'major' | 'options' | 'nodes'>
export type PeerUnderlay = Pick<NodeUnderlay, 'iface' | 'address' | 'prefixLen' | 'mtu'>

export interface PeerState {
  readonly links: readonly Link[]
  readonly routes: readonly Route[]
  readonly rules: readonly PolicyRule[]
}

/** Does the node's underlay subnet hold `ip` (`utils.GetNodeSubnet` of its node IPs)? */
function inNodeSubnet(u: PeerUnderlay, ip: string): boolean {
  const net = parseCidr(`${u.address}/${u.prefixLen}`)
  const a = parseAddr(ip)
  return net !== undefined && a !== undefined && cidrContains(net, a)
}

function wantsTunnel(cfg: PeerConfig, sameSubnet: boolean): boolean {
  const o = cfg.options
  if (!o.enableOverlay || o.overlayEncap !== 'ipip') return false
  return o.overlayType === 'full' || (o.overlayType === 'subnet' && !sameSubnet)
}

function tunnelLink(
  cfg: PeerConfig,
  u: PeerUnderlay,
  local: string,
  remote: string,
  index: number,
): Link {
  const v1 = cfg.major === 1
  return {
    index,
    name: tunnelName(remote, cfg.major),
    kind: 'ipip',
    mtu: u.mtu - 20,
    up: true,
    noarp: true,
    iptun: v1
      ? { local, remote, dev: u.iface, pmtudisc: true }
      : { local, remote, pmtudisc: false },
  }
}

/** The fallback `tunl0` the ipip module creates in every namespace. */
function tunl0(index: number): Link {
  return {
    index,
    name: 'tunl0',
    kind: 'ipip',
    mtu: 1480,
    up: false,
    noarp: true,
    iptun: { pmtudisc: false },
  }
}

/** Remote nodes whose pod CIDRs this node learns over iBGP. */
function learnedFrom(cfg: PeerConfig, local: NodeView, all: readonly NodeView[]): NodeView[] {
  const o = cfg.options
  if (!o.runRouter || !o.nodesFullMesh || !o.enableIbgp || !o.advertisePodCidr) return []
  return all.filter(
    (n) => n.name !== local.name && cfg.nodes.has(n.name) && n.bestIPv4 !== undefined,
  )
}

/** Tunnels, routes and rules for the other nodes; link indexes start at `firstIndex`. */
export function peerState(
  cfg: PeerConfig,
  u: PeerUnderlay,
  local: NodeView,
  all: readonly NodeView[],
  firstIndex: number,
): PeerState {
  const links: Link[] = []
  const routes: Route[] = []
  const src = local.bestIPv4 ?? u.address
  const tunnels: Link[] = []
  for (const peer of learnedFrom(cfg, local, all)) {
    const nh = peer.bestIPv4 ?? ''
    const same = inNodeSubnet(u, nh)
    if (wantsTunnel(cfg, same)) {
      const tun = tunnelLink(cfg, u, src, nh, firstIndex + 1 + tunnels.length)
      tunnels.push(tun)
      for (const dst of peer.podCIDRs4)
        routes.push({
          family: 4,
          table: 254,
          type: 'unicast',
          dst,
          dev: tun.name,
          src,
          proto: ZEBRA_PROTO,
          scope: 'global',
        })
      routes.push(customTableRoute(cfg, nh, tun.name))
    } else if (same) {
      for (const dst of peer.podCIDRs4)
        routes.push({
          family: 4,
          table: 254,
          type: 'unicast',
          dst,
          via: nh,
          dev: u.iface,
          proto: ZEBRA_PROTO,
          scope: 'global',
        })
    }
  }
  if (tunnels.length > 0) links.push(tunl0(firstIndex), ...tunnels)
  return { links, routes, rules: policyRules(cfg, local) }
}

function customTableRoute(cfg: PeerConfig, nh: string, dev: string): Route {
  const base = {
    family: 4,
    table: CUSTOM_TABLE,
    type: 'unicast',
    dst: nh,
    dev,
    proto: 'boot',
  } as const
  // `ip route add X dev T` (v1.x) gets scope link; netlink's zero value (v2.x) is universe.
  return { ...base, scope: cfg.major === 1 ? 'link' : 'global' }
}

function policyRules(cfg: PeerConfig, local: NodeView): PolicyRule[] {
  if (!cfg.options.runRouter || !cfg.options.enableOverlay) return []
  // v1.x adds a rule for the node's first pod CIDR only (nrc.podCidr); v2.x for each.
  const cidrs = cfg.major === 1 ? local.podCIDRs4.slice(0, 1) : local.podCIDRs4
  return cidrs.map((from, i) => ({ family: 4, priority: 32765 - i, from, table: CUSTOM_TABLE }))
}
