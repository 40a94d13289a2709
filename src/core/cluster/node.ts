/**
 * @module core/cluster/node
 * One node and its pods, in the order a booting node is configured (which fixes link indexes,
 * route order and which sysctls a pod inherits):
 *
 * 1. the namespace's baseline sysctls (sysctls.ts), the underlay NIC with its address and the
 *    default route via the segment's gateway (`proto boot`, as a static config adds it);
 * 2. kube-proxy's `route_localnet`;
 * 3. the CNI's node fragment (flanneld's device and routes, the bridge), then for each pod in
 *    the cluster's pod order the CNI's host fragment, while the pod's own namespace gets the
 *    pod fragment and the sysctls it copies from the node;
 * 4. the Topology's routes and sysctl overrides (last: they say what the node ends up with);
 * 5. kube-proxy's rules rendered with the node's interface addresses, then the CNI's iptables
 *    fragments on top (netfilter.ts).
 */
import type { CniContext, CniPlugin, NodeUnderlay } from '../cni/types.js'
import { KpathError } from '../errors.js'
import type { Cluster } from '../kube/model.js'
import { objectKey } from '../kube/model.js'
import { podsOnNode } from '../kube/pods-by-node.js'
import { netnsName } from '../model/cluster-state.js'
import type { NetnsState } from '../model/netns.js'
import { answersArpForOwnAddressesOnly } from '../route/index.js'
import { NetnsBuilder } from './builder.js'
import { ReportSink } from './context.js'
import { finalAddresses, finishNetns, lazyNetns } from './finish.js'
import { addIpvsState, renderNodeProxy, routeLocalnet } from './kube-proxy.js'
import { nodeNetfilter, type ProxyThunk } from './netfilter.js'
import { echoServers, hasSandbox } from './pods.js'
import { baseSysctls, inheritedSysctls } from './sysctls.js'
import type { NodePlacement, SegmentNic } from './topology/types.js'
import { addNic, defaultRoute, nicAddress, topologyRoute } from './underlay.js'

export interface NodeInput {
  readonly cluster: Cluster
  readonly ctx: CniContext
  readonly plugin: CniPlugin
  readonly placement: NodePlacement
  readonly sink: ReportSink
  /** kube-proxy runs on the node (not when the CNI's service proxy replaces it). */
  readonly kubeProxy: boolean
  /**
   * Render kube-proxy now and report what it would log (the first node). Other nodes render
   * on first read of their rules and their reports are not collected: kube-proxy's findings
   * are about objects (invalid addresses, unsupported modes), the same on every node.
   */
  readonly eagerProxy?: boolean
  /** The host bridge the NIC is a port of (underlay pods): it then carries the node's address. */
  readonly nicMaster?: string | undefined
}

export interface BuiltNode {
  readonly node: NetnsState
  readonly pods: readonly NetnsState[]
  /** kube-proxy runs but its eager render gave nothing (reported): render the next node eagerly too. */
  readonly proxyFailed: boolean
}

export function buildNode(input: NodeInput): BuiltNode {
  const { cluster, ctx, plugin, placement } = input
  const u = placement.underlay
  const name = u.node.metadata.name
  const b = new NetnsBuilder(
    netnsName.node(name),
    { kind: 'node', node: name },
    baseSysctls('node', true),
  )
  const nic = underlayNic(placement)
  addNic(b, nic, `node ${name}`, input.nicMaster)
  if (input.nicMaster === undefined) addGateway(b, u, u.iface)
  b.sysctls['net.ipv4.conf.all.route_localnet'] = input.kubeProxy
    ? routeLocalnet(cluster, u.address)
    : '0'
  b.merge(plugin.node(ctx, u), `${plugin.name} on node ${name}`)
  // The NIC is a port of the CNI's host bridge: the node's address and routes are the bridge's.
  if (input.nicMaster !== undefined) {
    b.addresses.push(nicAddress({ ...nic, name: input.nicMaster }))
    addGateway(b, u, input.nicMaster)
  }
  const pods = wirePods(input, b, u)
  if (input.kubeProxy) addIpvsState(b, cluster, name, interfaceAddresses(b), input.sink)
  for (const r of placement.routes)
    b.routes.push(checkedRoute(b, topologyRoute(r, nicsOf(b), `node ${name}`), name))
  Object.assign(b.sysctls, placement.sysctls)
  const [proxy, nft, failed] = proxyOf(input, name, b)
  const netfilter = nodeNetfilter(proxy, nft, b.restore)
  // Built on first use, like the pods: a trace reads the routes and rules of the few nodes it
  // crosses. Links and addresses are final here (the walk looks for neighbours by them).
  const addresses = finalAddresses(b)
  const node = lazyNetns(b.name, b.role, () => finishNetns(b, netfilter, addresses), {
    links: b.links,
    addresses,
  })
  if (ownAddressesOnly(b)) answersArpForOwnAddressesOnly(node)
  // Pods copy the node's final IPv4 conf (they are created on a running node).
  return { node, pods: pods.map((p) => finishPod(p, node)), proxyFailed: failed }
}

/** kube-proxy's rendering as a thunk (run now on a reporting node), nftables mode, and failure. */
function proxyOf(input: NodeInput, name: string, b: NetnsBuilder): [ProxyThunk, boolean, boolean] {
  const { cluster, kubeProxy } = input
  const ifaces = interfaceAddresses(b)
  const sink = input.eagerProxy === true ? input.sink : new ReportSink()
  let thunk: ProxyThunk = () =>
    kubeProxy ? renderNodeProxy(cluster, name, ifaces, sink) : undefined
  let failed = false
  if (input.eagerProxy === true) {
    const render = thunk()
    thunk = () => render
    failed = kubeProxy && render === undefined
  }
  return [thunk, kubeProxy && cluster.kubeProxy.mode === 'nftables', failed]
}

/**
 * The node will answer ARP for its own addresses only (core/route `mayAnswerArp`): no proxy
 * ARP knob set (finishing the node only copies `conf.default` to its interfaces, and `all`
 * and `default` are here already), no proxy neighbour entry, and no `local` route of its own.
 */
function ownAddressesOnly(b: NetnsBuilder): boolean {
  for (const [key, value] of Object.entries(b.sysctls))
    if (/\.proxy_arp(_pvlan)?$/.test(key) && Number(value.trim()) !== 0) return false
  return !b.neighbours.some((n) => n.proxy === true) && !b.routes.some((r) => r.type === 'local')
}

function underlayNic(p: NodePlacement): SegmentNic {
  const u = p.underlay
  return {
    segment: u.segment,
    name: u.iface,
    port: p.port,
    address: u.address,
    prefixLen: u.prefixLen,
    mac: u.mac,
    mtu: u.mtu,
  }
}

function addGateway(b: NetnsBuilder, u: NodeUnderlay, dev: string): void {
  if (u.gateway !== undefined) b.routes.push(defaultRoute(u.gateway, dev))
}

/** A pod namespace being built, and the sysctls its plugin wrote there (they beat inheritance). */
interface PodBuild {
  readonly b: NetnsBuilder
  readonly written: Readonly<Record<string, string>>
}

function wirePods(input: NodeInput, b: NetnsBuilder, u: NodeUnderlay): PodBuild[] {
  const { cluster, ctx, plugin } = input
  const name = u.node.metadata.name
  const out: PodBuild[] = []
  for (const pod of podsOnNode(cluster, name)) {
    if (!hasSandbox(pod)) continue
    if (pod.spec.hostNetwork === true) {
      b.daemons.push(...echoServers(pod))
      continue
    }
    const ns = pod.metadata.namespace ?? 'default'
    const pb = new NetnsBuilder(
      netnsName.pod(ns, pod.metadata.name),
      { kind: 'pod', namespace: ns, name: pod.metadata.name, node: name },
      baseSysctls('pod', false),
    )
    const wiring = plugin.pod(ctx, pod, u)
    b.merge(wiring.host, `${plugin.name} for pod ${objectKey(pod)} on node ${name}`)
    pb.merge(wiring.pod, `${plugin.name} for pod ${objectKey(pod)}`)
    pb.daemons.push(...echoServers(pod))
    out.push({ b: pb, written: wiring.pod.sysctls ?? {} })
  }
  return out
}

/**
 * The pod copies the node's IPv4 conf at creation; what its plugin wrote afterwards stays.
 * Built on first use (lazyNetns): the node's sysctls are final by now. Its links and addresses
 * are final already (the inherited sysctls are IPv4 ones, which the addresses do not depend on).
 */
function finishPod(p: PodBuild, node: NetnsState): NetnsState {
  const addresses = finalAddresses(p.b)
  return lazyNetns(
    p.b.name,
    p.b.role,
    () => {
      Object.assign(p.b.sysctls, inheritedSysctls(node.sysctls), p.written)
      return finishNetns(p.b, undefined, addresses)
    },
    { links: p.b.links, addresses },
  )
}

function nicsOf(b: NetnsBuilder) {
  return b.addresses
    .filter((a) => a.family === 4)
    .map((a) => ({ name: a.iface, address: a.local, prefixLen: a.prefixLen }))
}

function checkedRoute<R extends { dev?: string; dst: string }>(
  b: NetnsBuilder,
  r: R,
  node: string,
): R {
  if (r.dev !== undefined && !b.hasLink(r.dev))
    throw new KpathError(
      'KPATH_INVALID_ARGUMENT',
      `Topology route ${r.dst} on node ${node}: no interface ${r.dev}`,
      {
        hint: `the node's interfaces: ${b.links.map((l) => l.name).join(', ')}`,
      },
    )
  return r
}

/** `iface → [addr/len]`, what kube-proxy reads for nodePortAddresses. */
function interfaceAddresses(b: NetnsBuilder): Record<string, string[]> {
  const out: Record<string, string[]> = { lo: ['127.0.0.1/8', '::1/128'] }
  for (const a of b.addresses) out[a.iface] = [...(out[a.iface] ?? []), `${a.local}/${a.prefixLen}`]
  return out
}
