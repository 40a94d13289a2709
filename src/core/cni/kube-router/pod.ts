/**
 * @module core/cni/kube-router/pod
 * One pod as the bridge plugin (containernetworking/plugins `bridge` + `host-local`) wires it:
 * a veth pair with `eth0` in the pod and `veth…` on the node, enslaved to the conflist's bridge
 * with hairpin mode as the conflist says; the pod's address in the node's pod CIDR with the
 * broadcast netlink computes (seed 001: `inet 10.233.68.4/24 brd 10.233.68.255 scope global
 * eth0`), and with `isDefaultGateway` a default route via the bridge's address (seed 001:
 * `0.0.0.0 10.233.66.1 0.0.0.0 UG … eth0`), which netlink adds with proto boot. The connected
 * route of the pod subnet is the kernel's (derived from the address). The plugin also sets
 * `arp_notify` 1 and IPv6 `accept_dad` 0 on eth0 (containernetworking/plugins ≥ v1.1).
 */

import { netnsName } from '../../model/cluster-state.js'
import type { Link, Route } from '../../model/netns.js'
import type { PodWiring } from '../types.js'
import type { KubeRouterConfig } from './config.js'
import type { PodPlan } from './pod-plan.js'

export function podWiring(
  cfg: KubeRouterConfig,
  p: PodPlan,
  mtu: number,
  hostIndex: number,
): PodWiring {
  const node = netnsName.node(p.pod.spec.nodeName ?? '')
  const eth0: Link = {
    index: 2,
    name: 'eth0',
    kind: 'veth',
    mac: p.podMac,
    mtu,
    up: true,
    peer: { netns: node, name: p.hostVeth },
  }
  const host: Link = {
    index: hostIndex,
    name: p.hostVeth,
    kind: 'veth',
    mac: p.hostMac,
    mtu,
    up: true,
    master: cfg.bridge.bridge,
    peer: { netns: p.netns, name: 'eth0' },
    bridgePort: {
      hairpin: cfg.bridge.hairpinMode,
      learning: true,
      flood: true,
      state: 'forwarding',
    },
  }
  const routes: Route[] = cfg.bridge.isDefaultGateway
    ? [
        {
          family: 4,
          table: 254,
          type: 'unicast',
          dst: 'default',
          via: p.gateway,
          dev: 'eth0',
          proto: 'boot',
          scope: 'global',
        },
      ]
    : []
  return {
    pod: {
      links: [eth0],
      addresses: [
        {
          iface: 'eth0',
          family: 4,
          local: p.ip,
          prefixLen: p.prefixLen,
          scope: 'global',
          ...(p.broadcast === undefined ? {} : { broadcast: p.broadcast }),
        },
      ],
      routes,
      // Set in the pod before the address (bridge cmdAdd): gratuitous ARP on address changes,
      // and no IPv6 duplicate address detection (enabledad is off by default).
      sysctls: { 'net.ipv4.conf.eth0.arp_notify': '1', 'net.ipv6.conf.eth0.accept_dad': '0' },
    },
    host: { links: [host] },
  }
}
