/**
 * @module core/cni/calico/pod
 * What the Calico CNI plugin (v3.22 `cni-plugin/pkg/dataplane/linux`) sets up for one pod:
 *
 * - pod side: `eth0`, a veth with the pod's address /32, the route `169.254.1.1 dev eth0 scope
 *   link` and `default via 169.254.1.1 dev eth0` (proto boot: `ip route` prints neither); no
 *   neighbour entry (the pod learns ee:ee:ee:ee:ee:ee by ARP, answered by proxy ARP);
 *   `net.ipv4.ip_forward=0` (the CNI config's allow_ip_forwarding defaults to false);
 * - host side: `cali` + 11 hex digits, MAC `ee:ee:ee:ee:ee:ee` (set by the plugin, so every host
 *   veth has it), up, the route `<pod IP> dev caliXXX scope link`, and on the interface
 *   `route_localnet=1`, `proxy_delay=0`, `proxy_arp=1`, `forwarding=1`, IPv6 `accept_ra=0`
 *   (both the CNI plugin and felix write them);
 * - no bridge: packets between pods are routed by the node (TTL − 1 on the same node).
 *
 * When IPIP is enabled the pod's namespace also has the kernel's fallback `tunl0` (down), at
 * ifindex 2; the veth is then ifindex 4 (3 being ip6tnl0, not modelled), as seed 002's
 * `cali…@if4` shows. The pod's eth0 MAC is derived from its names (the kernel draws one).
 */

import { objectKey, type Pod } from '../../kube/model.js'
import { netnsName } from '../../model/cluster-state.js'
import type { Link, Route } from '../../model/netns.js'
import { TABLE_MAIN } from '../../model/netns.js'
import type { CniContext, NodeUnderlay, PodWiring } from '../types.js'
import { calicoVethName, derivedMac } from './names.js'
import { nodeMtus } from './peers.js'
import type { CalicoPlan } from './plan.js'

/** The MAC the CNI plugin gives every host-side veth. */
export const HOST_VETH_MAC = 'ee:ee:ee:ee:ee:ee'

/** The link-local gateway every Calico pod routes through. */
export const POD_GATEWAY = '169.254.1.1'

function podRoutes(): Route[] {
  const base = {
    family: 4 as const,
    table: TABLE_MAIN,
    type: 'unicast' as const,
    dev: 'eth0',
    proto: 'boot',
  }
  return [
    { ...base, dst: `${POD_GATEWAY}/32`, scope: 'link' },
    { ...base, dst: 'default', via: POD_GATEWAY, scope: 'global' },
  ]
}

export function hostSysctls(iface: string): Record<string, string> {
  return {
    [`net.ipv4.conf.${iface}.route_localnet`]: '1',
    [`net.ipv4.neigh.${iface}.proxy_delay`]: '0',
    [`net.ipv4.conf.${iface}.proxy_arp`]: '1',
    [`net.ipv4.conf.${iface}.forwarding`]: '1',
    [`net.ipv6.conf.${iface}.accept_ra`]: '0',
  }
}

export function renderPod(plan: CalicoPlan, ctx: CniContext, pod: Pod, u: NodeUnderlay): PodWiring {
  const namespace = pod.metadata.namespace ?? 'default'
  const podNs = netnsName.pod(namespace, pod.metadata.name)
  const nodeNs = netnsName.node(u.node.metadata.name)
  const ip = plan.ipam.podIPs.get(objectKey(pod))
  if (ip === undefined) {
    ctx.unsupported(
      `pod ${objectKey(pod)} has no Calico address: it is not wired`,
      ctx.cluster.locations.get(pod),
    )
    return { pod: {}, host: {} }
  }
  const iface = calicoVethName(namespace, pod.metadata.name)
  const mtu = nodeMtus(plan, u).veth
  const podLinks: Link[] = []
  if (plan.ipipEnabled) {
    podLinks.push({
      index: 2,
      name: 'tunl0',
      kind: 'ipip',
      mtu: nodeMtus(plan, u).ipip,
      up: false,
      noarp: true,
      iptun: { pmtudisc: false },
    })
  }
  podLinks.push({
    index: plan.ipipEnabled ? 4 : 2,
    name: 'eth0',
    kind: 'veth',
    mac: derivedMac(podNs, 'eth0'),
    mtu,
    up: true,
    peer: { netns: nodeNs, name: iface },
  })
  return {
    pod: {
      links: podLinks,
      addresses: [{ iface: 'eth0', family: 4, local: ip, prefixLen: 32, scope: 'global' }],
      routes: podRoutes(),
      sysctls: { 'net.ipv4.ip_forward': '0' },
    },
    host: {
      links: [
        {
          index: 0,
          name: iface,
          kind: 'veth',
          mac: HOST_VETH_MAC,
          mtu,
          up: true,
          peer: { netns: podNs, name: 'eth0' },
        },
      ],
      routes: [
        {
          family: 4,
          table: TABLE_MAIN,
          type: 'unicast',
          dst: `${ip}/32`,
          dev: iface,
          scope: 'link',
          proto: 'boot',
        },
      ],
      sysctls: hostSysctls(iface),
    },
  }
}
