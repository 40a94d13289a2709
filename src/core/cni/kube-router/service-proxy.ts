/**
 * @module core/cni/kube-router/service-proxy
 * What kube-router's service proxy (pkg/controllers/proxy) puts in the node's kernel state
 * besides IPVS itself:
 *
 * - the dummy link `kube-dummy-if` (created and brought up on the first sync; dummies are
 *   NOARP) holding every ClusterIP as `/32 scope link` (`ipAddrAdd`; seed 001:
 *   `inet 10.233.0.1/32 scope link kube-dummy-if`), for Services with a ClusterIP that are not
 *   ExternalName, not labelled `service.kubernetes.io/headless`, and whose
 *   `service.kubernetes.io/service-proxy-name` is unset or `kube-router`. From v2.1 a Service
 *   with `internalTrafficPolicy: Local` and no ready or serving endpoint on the node is skipped
 *   (kpath applies this to every v2.x image; the check is per Service, kube-router's per port);
 * - for each such address, the kernel's `local` route replaced by one with the node IP as
 *   source (`RouteReplace` in table local, proto kernel, scope host), so that the node does
 *   not pick the VIP as source when it talks to the VIP (kube-router issue 376);
 * - the IPVS sysctls it sets at start (conntrack, expire_nodest_conn,
 *   expire_quiescent_template, conn_reuse_mode) and `conf.all.arp_ignore=1`,
 *   `conf.all.arp_announce=2`.
 *
 * Addresses are listed in Service input order (kube-router walks a Go map, so the kernel's order
 * on a real node depends on sync order).
 */
import type { EndpointSlice, Service } from '../../kube/model.js'
import type { Address, Link, Route } from '../../model/netns.js'
import { TABLE_LOCAL } from '../../model/netns.js'
import { parseIPv4 } from '../../net/ip.js'
import type { KubeRouterConfig } from './config.js'
import { KUBE_DUMMY_IF } from './names.js'
import type { NodeView } from './node-view.js'

export const PROXY_SYSCTLS: Readonly<Record<string, string>> = {
  'net.ipv4.vs.conntrack': '1',
  'net.ipv4.vs.expire_nodest_conn': '1',
  'net.ipv4.vs.expire_quiescent_template': '1',
  'net.ipv4.vs.conn_reuse_mode': '0',
  'net.ipv4.conf.all.arp_ignore': '1',
  'net.ipv4.conf.all.arp_announce': '2',
}

export function proxiedByKubeRouter(svc: Service): boolean {
  const labels = svc.metadata.labels ?? {}
  const proxy = labels['service.kubernetes.io/service-proxy-name']
  if (proxy !== undefined && proxy !== 'kube-router') return false
  if (labels['service.kubernetes.io/headless'] !== undefined) return false
  return svc.spec.type !== 'ExternalName'
}

/** A ready or serving endpoint on this node (kube-router counts only explicit conditions). */
function hasLocalEndpoint(svc: Service, slices: readonly EndpointSlice[], node: string): boolean {
  const ns = svc.metadata.namespace ?? 'default'
  return slices.some(
    (s) =>
      (s.metadata.namespace ?? 'default') === ns &&
      s.metadata.labels?.['kubernetes.io/service-name'] === svc.metadata.name &&
      s.endpoints.some(
        (e) =>
          e.nodeName === node && (e.conditions?.ready === true || e.conditions?.serving === true),
      ),
  )
}

/** The IPv4 ClusterIPs kube-router puts on kube-dummy-if of a node, in Service order. */
export function dummyAddresses(
  cfg: KubeRouterConfig,
  services: readonly Service[],
  slices: readonly EndpointSlice[],
  node: string,
): string[] {
  const out: string[] = []
  for (const svc of services) {
    if (!proxiedByKubeRouter(svc)) continue
    const local = svc.spec.internalTrafficPolicy === 'Local'
    if (cfg.major === 2 && local && !hasLocalEndpoint(svc, slices, node)) continue
    const ips = [svc.spec.clusterIP, ...(svc.spec.clusterIPs ?? [])]
    for (const ip of ips)
      if (ip !== undefined && parseIPv4(ip) !== undefined && !out.includes(ip)) out.push(ip)
  }
  return out
}

export interface ProxyState {
  readonly links: readonly Link[]
  readonly addresses: readonly Address[]
  readonly routes: readonly Route[]
}

/** kube-dummy-if with its addresses and source-fixed local routes; nothing when no VIP. */
export function proxyState(
  vips: readonly string[],
  node: NodeView,
  mac: string,
  index: number,
): ProxyState {
  if (vips.length === 0) return { links: [], addresses: [], routes: [] }
  const link: Link = {
    index,
    name: KUBE_DUMMY_IF,
    kind: 'dummy',
    mac,
    mtu: 1500,
    up: true,
    noarp: true,
    // Made with vishvananda/netlink's zero-valued LinkAttrs, which sends IFLA_TXQLEN 0: the
    // seed's `ip addr` shows kube-dummy-if without a qlen.
    txqlen: 0,
  }
  const addresses: Address[] = vips.map((local) => ({
    iface: KUBE_DUMMY_IF,
    family: 4,
    local,
    prefixLen: 32,
    scope: 'link',
  }))
  const src = node.bestIPv4
  const routes: Route[] =
    src === undefined
      ? []
      : vips.map((dst) => ({
          family: 4,
          table: TABLE_LOCAL,
          type: 'local',
          dst,
          dev: KUBE_DUMMY_IF,
          src,
          proto: 'kernel',
          scope: 'host',
        }))
  return { links: [link], addresses, routes }
}
