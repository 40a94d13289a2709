/**
 * @module core/cni/kube-router
 * kube-router as a {@link CniPlugin}: its routing controller (kube-bridge, routes and IPIP
 * tunnels to the other nodes as GoBGP learns them, the pod egress masquerade, its ipsets, the
 * FORWARD accepts, the overlay's policy rule), its service proxy's kernel state besides IPVS
 * (kube-dummy-if with the ClusterIPs, the IPVS masquerade rules, sysctls) and pods wired by the
 * bridge plugin of its conflist. Configuration comes from the DaemonSet's arguments and the
 * ConfigMap it mounts; see README.md for the versions followed and what is not modelled.
 *
 * @example
 * ```ts
 * const node = kubeRouterPlugin.node(ctx, ctx.underlay.get('node1')!)
 * node.iptablesRestore?.ipv4 // "*nat\n-A POSTROUTING -m set --match-set kube-router-pod-subnets src …"
 * ```
 */

import { deterministicMac } from '../../cluster/names.js'
import { KpathError } from '../../errors.js'
import type { Pod } from '../../kube/model.js'
import { netnsName } from '../../model/cluster-state.js'
import type { CniContext, CniPlugin, NetnsFragment, NodeUnderlay, PodWiring } from '../types.js'
import { bridgeLinks, gatewayAddresses, vethMtu } from './bridge.js'
import { type KubeRouterConfig, readKubeRouterConfig } from './config.js'
import { kubeRouterIpsets } from './ipsets.js'
import { kubeRouterIptables } from './iptables.js'
import { kubeRouterIpvs } from './ipvs-services.js'
import { KUBE_DUMMY_IF } from './names.js'
import { type NodeView, nodeView } from './node-view.js'
import { peerState } from './peers.js'
import { podWiring } from './pod.js'
import { isPlan, type PodPlan, planPod, podPlans } from './pod-plan.js'
import { dummyAddresses, PROXY_SYSCTLS, proxyState } from './service-proxy.js'

export { type KubeRouterConfig, readKubeRouterConfig } from './config.js'
export { tunnelName } from './names.js'

/** Links the assembly gives every node before the plugin's: lo (1) and the underlay NIC (2). */
const FIRST_INDEX = 3

interface NodeLayout {
  readonly fragment: NetnsFragment
  readonly podIndex: ReadonlyMap<Pod, number>
  readonly mtu: number
}

interface Model {
  readonly cfg: KubeRouterConfig
  readonly views: readonly NodeView[]
  readonly layouts: Map<string, NodeLayout>
}

const models = new WeakMap<CniContext, Model>()

function model(ctx: CniContext): Model {
  const cached = models.get(ctx)
  if (cached) return cached
  const cfg = readKubeRouterConfig(ctx.cluster, (m, l) => ctx.unsupported(m, l))
  if (cfg === undefined)
    throw new KpathError(
      'KPATH_INVALID_ARGUMENT',
      'kube-router: no DaemonSet in the input runs kube-router',
      {
        hint: 'add the kube-router DaemonSet (e.g. daemonset/kubeadm-kuberouter.yaml) to the input',
      },
    )
  const m = { cfg, views: ctx.cluster.nodes.map((n) => nodeView(ctx, n)), layouts: new Map() }
  models.set(ctx, m)
  return m
}

function viewOf(m: Model, u: NodeUnderlay): NodeView {
  const v = m.views.find((n) => n.name === u.node.metadata.name)
  if (v === undefined)
    throw new KpathError(
      'KPATH_INVALID_ARGUMENT',
      `kube-router: unknown node ${u.node.metadata.name}`,
    )
  return v
}

function sysctls(cfg: KubeRouterConfig, pods: readonly PodPlan[]): Record<string, string> {
  const o = cfg.options
  return {
    ...(o.runRouter ? { 'net.bridge.bridge-nf-call-iptables': '1' } : {}),
    // The bridge plugin's ADD: ensureBridge turns router advertisements off on the bridge, and
    // with isGateway it enables forwarding (enableIPForward).
    ...(pods.length > 0 ? { [`net.ipv6.conf.${cfg.bridge.bridge}.accept_ra`]: '0' } : {}),
    ...(pods.length > 0 && cfg.bridge.isGateway ? { 'net.ipv4.ip_forward': '1' } : {}),
    ...(o.runServiceProxy ? PROXY_SYSCTLS : {}),
  }
}

function buildLayout(ctx: CniContext, m: Model, u: NodeUnderlay): NodeLayout {
  const { cfg } = m
  const view = viewOf(m, u)
  const netns = netnsName.node(view.name)
  const pods = cfg.options.enableCni ? podPlans(ctx, view) : []
  const bridges = bridgeLinks(cfg, u, netns, pods, FIRST_INDEX)
  const { services, endpointSlices } = ctx.cluster
  const ipvs = cfg.options.runServiceProxy
    ? kubeRouterIpvs(services, endpointSlices, view.name, view.bestIPv4)
    : { services: [], externalIPs: [], dsr: [] }
  if (ipvs.dsr.length > 0)
    ctx.unsupported(
      'kube-router DSR (kube-router.io/service.dsr: tunnel): the firewall-mark IPVS services are rendered; the mangle FWMARK rules, the policy routing to the director and the IPIP tunnel in the pods are not',
    )
  const vips = cfg.options.runServiceProxy
    ? [
        ...new Set([
          ...dummyAddresses(cfg, services, endpointSlices, view.name),
          ...ipvs.externalIPs,
        ]),
      ]
    : []
  const proxy = proxyState(
    vips,
    view,
    deterministicMac(netns, KUBE_DUMMY_IF),
    FIRST_INDEX + bridges.length,
  )
  const peers = peerState(cfg, u, view, m.views, FIRST_INDEX + bridges.length + proxy.links.length)
  const links = [...bridges, ...proxy.links, ...peers.links]
  const iptables = kubeRouterIptables(cfg, u, view)
  const fragment: NetnsFragment = {
    links,
    addresses: [...gatewayAddresses(cfg, pods), ...proxy.addresses],
    routes: [...peers.routes, ...proxy.routes],
    rules: peers.rules,
    sysctls: sysctls(cfg, pods),
    ipsets: cfg.options.runRouter ? kubeRouterIpsets(m.views) : [],
    ...(iptables === '' ? {} : { iptablesRestore: { ipv4: iptables } }),
    ...(ipvs.services.length === 0 ? {} : { ipvs: ipvs.services }),
  }
  const podIndex = new Map(pods.map((p, i) => [p.pod, FIRST_INDEX + links.length + i]))
  return { fragment, podIndex, mtu: vethMtu(cfg, u) }
}

function layout(ctx: CniContext, u: NodeUnderlay): NodeLayout | undefined {
  const m = model(ctx)
  if (!m.cfg.nodes.has(u.node.metadata.name)) return undefined
  let l = m.layouts.get(u.node.metadata.name)
  if (l === undefined) {
    l = buildLayout(ctx, m, u)
    m.layouts.set(u.node.metadata.name, l)
  }
  return l
}

function podKey(pod: Pod): string {
  return `${pod.metadata.namespace ?? 'default'}/${pod.metadata.name}`
}

function pod(ctx: CniContext, p: Pod, u: NodeUnderlay): PodWiring {
  const l = layout(ctx, u)
  const m = model(ctx)
  const where = ctx.cluster.locations.get(p)
  if (l === undefined) {
    ctx.unsupported(
      `pod ${podKey(p)}: node ${u.node.metadata.name} runs no kube-router pod, so its CNI conflist is not installed`,
      where,
    )
    return { pod: {}, host: {} }
  }
  if (!m.cfg.options.enableCni) return { pod: {}, host: {} }
  const planned = planPod(ctx, viewOf(m, u), p)
  const index = l.podIndex.get(p)
  if (!isPlan(planned) || index === undefined) {
    ctx.unsupported(
      isPlan(planned)
        ? `pod ${podKey(p)} is not wired by kube-router's bridge plugin`
        : planned.message,
      where,
    )
    return { pod: {}, host: {} }
  }
  return podWiring(m.cfg, planned, l.mtu, index)
}

/** The kube-router CNI plugin model. */
export const kubeRouterPlugin: CniPlugin = {
  name: 'kube-router',
  node: (ctx, u) => layout(ctx, u)?.fragment ?? {},
  pod,
}
