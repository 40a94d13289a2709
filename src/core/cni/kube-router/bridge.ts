/**
 * @module core/cni/kube-router/bridge
 * The node side of pod networking: `kube-bridge` and the gateway address on it.
 *
 * - kube-router's routing controller creates `kube-bridge` and brings it up
 *   (`setupKubeBridge`); with `--auto-mtu` (default) it sets the bridge MTU to the MTU of the
 *   NIC holding the node IP (`GetNodeMTU`) and writes the same MTU into the conflist, so veths
 *   get it too. Without the routing controller the bridge plugin creates the bridge on the
 *   first pod.
 * - The bridge plugin (`isGateway`) puts the range's gateway on the bridge when it wires the
 *   first pod, with the broadcast netlink computes (seed 001:
 *   `inet 10.233.66.1/24 brd 10.233.66.255 scope global kube-bridge`), and turns on
 *   `net.ipv4.ip_forward` (`ip.EnableForward`).
 * - A bridge whose MAC nobody set takes the lowest MAC of its ports
 *   (net/bridge/br_stp_if.c `br_stp_recalculate_bridge_id`); with no port it keeps its own.
 */

import { deterministicMac } from '../../cluster/names.js'
import type { Address, Link } from '../../model/netns.js'
import type { NodeUnderlay } from '../types.js'
import { bridgeMac } from '../underlay/ident.js'
import type { KubeRouterConfig } from './config.js'
import { KUBE_BRIDGE } from './names.js'
import type { PodPlan } from './pod-plan.js'

/** The MTU of the pods' veths: the conflist's, rewritten by kube-router with --auto-mtu. */
export function vethMtu(cfg: KubeRouterConfig, u: NodeUnderlay): number {
  const o = cfg.options
  if (o.runRouter && o.enableCni && o.autoMtu) return u.mtu
  return cfg.bridge.mtu ?? 1500
}

function bridgeMtu(cfg: KubeRouterConfig, u: NodeUnderlay, name: string): number {
  const o = cfg.options
  if (name === KUBE_BRIDGE && o.runRouter && o.autoMtu) return u.mtu
  return cfg.bridge.mtu ?? 1500
}

/** The bridges on a node, in creation order: kube-router's, then the conflist's if another. */
export function bridgeNames(cfg: KubeRouterConfig, pods: readonly PodPlan[]): string[] {
  const out: string[] = []
  if (cfg.options.runRouter) out.push(KUBE_BRIDGE)
  if (pods.length > 0 && !out.includes(cfg.bridge.bridge)) out.push(cfg.bridge.bridge)
  return out
}

export function bridgeLinks(
  cfg: KubeRouterConfig,
  u: NodeUnderlay,
  netns: string,
  pods: readonly PodPlan[],
  firstIndex: number,
): Link[] {
  return bridgeNames(cfg, pods).map((name, i) => {
    const ports = name === cfg.bridge.bridge ? pods.map((p) => p.hostMac) : []
    return {
      index: firstIndex + i,
      name,
      kind: 'bridge',
      mac: bridgeMac(deterministicMac(netns, name), ports),
      mtu: bridgeMtu(cfg, u, name),
      up: true,
    }
  })
}

/** The gateway address of each pod subnet in use, once (the first pod's ADD puts it there). */
export function gatewayAddresses(cfg: KubeRouterConfig, pods: readonly PodPlan[]): Address[] {
  if (!cfg.bridge.isGateway) return []
  const seen = new Set<string>()
  const out: Address[] = []
  for (const p of pods) {
    if (seen.has(p.gateway)) continue
    seen.add(p.gateway)
    out.push({
      iface: cfg.bridge.bridge,
      family: 4,
      local: p.gateway,
      prefixLen: p.prefixLen,
      scope: 'global',
      ...(p.broadcast === undefined ? {} : { broadcast: p.broadcast }),
    })
  }
  return out
}
