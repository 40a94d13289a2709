/**
 * @module core/dump/pods
 * Pods on a dumped node. The dump holds only the node's side of each pod's veth (its peer is
 * in a namespace the dump does not have: `link_netnsid` in `ip -j link`), so the pods are read
 * from the layout the CNI left:
 *
 * - routed pods (Calico): a host route `<pod IP>/32 dev <veth>`; the pod then routes through
 *   the link-local gateway 169.254.1.1 (Calico's pod side, answered by proxy_arp on the veth);
 * - bridged pods (bridge, flannel, kube-router): the veth is a port of a bridge with an IPv4
 *   address; the pod's address comes from the Kubernetes objects (pods on this node in the
 *   bridge's subnet) or the bridge's neighbour table, its port from the FDB (the pod's MAC
 *   behind a port); without FDB evidence pods take the free ports in index order, which is
 *   said in the notes. The pod's default route goes via the bridge's address.
 *
 * Each pod found gets a minimal namespace, synthesised (the real one is not in the dump): `lo`,
 * `eth0` with the address, its routes, the sysctls a pod copies from its node, and an echo
 * server per containerPort when the pod object is known. Veths nothing is known about stay
 * unconnected, and the notes say so.
 */
import { NetnsBuilder } from '../cluster/builder.js'
import { finishNetns } from '../cluster/finish.js'
import { contains4, parsePrefix4 } from '../cluster/ipv4.js'
import { deterministicMac } from '../cluster/names.js'
import { echoServers, hasSandbox } from '../cluster/pods.js'
import { baseSysctls, inheritedSysctls } from '../cluster/sysctls.js'
import type { IpLink } from '../iproute2/index.js'
import type { Cluster, Pod } from '../kube/model.js'
import { netnsName } from '../model/cluster-state.js'
import { type Link, type NetnsState, type Route, TABLE_MAIN } from '../model/netns.js'
import { parseIPv4 } from '../net/ip.js'

/** Calico's link-local pod gateway. */
const CALICO_GATEWAY = '169.254.1.1'

export interface FoundPod {
  /** The node's veth. */
  readonly veth: string
  readonly ip: string
  readonly prefixLen: number
  /** The pod's default gateway. */
  readonly gateway: string
  readonly routed: boolean
  readonly pod?: Pod
  /** How the pod was found, for the notes. */
  readonly how: string
}

/** Veths of the node whose peer is in a namespace the dump does not hold. */
export function foreignVeths(records: readonly IpLink[]): Link[] {
  return records
    .filter(
      (r) =>
        r.link.kind === 'veth' && r.link.peer === undefined && r.extra.link_netnsid !== undefined,
    )
    .map((r) => r.link)
}

function podsOn(kube: Cluster | undefined, node: string): Pod[] {
  return (kube?.pods ?? []).filter(
    (p) => p.spec.nodeName === node && hasSandbox(p) && p.spec.hostNetwork !== true,
  )
}

function podIp(p: Pod): string | undefined {
  return p.status?.podIP ?? p.status?.podIPs?.[0]?.ip
}

function routedPods(node: NetnsState, veths: readonly Link[], pods: readonly Pod[]): FoundPod[] {
  const names = new Set(veths.map((l) => l.name))
  const out: FoundPod[] = []
  for (const r of node.routes) {
    if (r.family !== 4 || r.table !== TABLE_MAIN || r.via !== undefined || r.dev === undefined)
      continue
    if (!names.has(r.dev) || !r.dst.endsWith('/32')) continue
    const ip = r.dst.slice(0, -3)
    const pod = pods.find((p) => podIp(p) === ip)
    out.push({
      veth: r.dev,
      ip,
      prefixLen: 32,
      gateway: CALICO_GATEWAY,
      routed: true,
      ...(pod === undefined ? {} : { pod }),
      how: `host route ${r.dst} dev ${r.dev}`,
    })
  }
  return out
}

interface BridgeNet {
  readonly bridge: string
  readonly gateway: string
  readonly prefixLen: number
  readonly contains: (ip: string) => boolean
  /** The node's own LAN (its default route leaves by this bridge): an underlay CNI. */
  readonly underlay: boolean
}

/** The main table's IPv4 default route. */
function defaultRoute(node: NetnsState): Route | undefined {
  return node.routes.find((r) => r.family === 4 && r.table === TABLE_MAIN && r.dst === 'default')
}

/**
 * Bridges with an IPv4 address. A pod bridge is its pods' gateway; a bridge the default route
 * leaves by is the node's LAN (underlay CNI, seed 000), whose pods route by the LAN's gateway as
 * the node does (the IPAM `gateway` of the bridge plugin's host-local range).
 */
function bridgeNets(node: NetnsState): BridgeNet[] {
  const bridges = new Set(node.links.filter((l) => l.kind === 'bridge').map((l) => l.name))
  const out = defaultRoute(node)
  return node.addresses
    .filter((a) => a.family === 4 && a.scope === 'global' && bridges.has(a.iface))
    .flatMap((a) => {
      const p = parsePrefix4(`${a.local}/${a.prefixLen}`)
      if (p === undefined) return []
      const contains = (ip: string) => {
        const v = parseIPv4(ip)
        return v !== undefined && contains4(p, v)
      }
      const underlay = out?.dev === a.iface && out.via !== undefined
      const gateway = underlay ? (out?.via ?? a.local) : a.local
      return [{ bridge: a.iface, gateway, prefixLen: a.prefixLen, contains, underlay }]
    })
}

/** Pod addresses on a bridge: the objects first, then the neighbour table. */
function bridgeAddresses(node: NetnsState, net: BridgeNet, pods: readonly Pod[]) {
  const out: { ip: string; pod?: Pod; mac?: string; how: string }[] = []
  for (const pod of pods) {
    const ip = podIp(pod)
    if (ip !== undefined && net.contains(ip))
      out.push({ ip, pod, how: `pod object, IP in ${net.bridge}'s subnet` })
  }
  // On the node's LAN the neighbours are hosts (the gateway, other nodes), not pods.
  if (net.underlay) return out
  for (const n of node.neighbours) {
    if (n.dev !== net.bridge || n.proxy || n.state === 'FAILED' || n.state === 'INCOMPLETE')
      continue
    const known = out.find((o) => o.ip === n.dst)
    if (known) {
      if (n.lladdr !== undefined) known.mac = n.lladdr
    } else if (net.contains(n.dst) && n.dst !== net.gateway)
      out.push({
        ip: n.dst,
        ...(n.lladdr === undefined ? {} : { mac: n.lladdr }),
        how: `neighbour ${n.dst} on ${net.bridge}`,
      })
  }
  return out
}

function bridgedPods(
  node: NetnsState,
  veths: readonly Link[],
  pods: readonly Pod[],
  taken: Set<string>,
  notes: string[],
): FoundPod[] {
  const out: FoundPod[] = []
  for (const net of bridgeNets(node)) {
    const ports = veths
      .filter((l) => l.master === net.bridge && !taken.has(l.name))
      .sort((a, b) => a.index - b.index)
    const free = new Set(ports.map((p) => p.name))
    const addrs = bridgeAddresses(node, net, pods)
    const placed: { a: (typeof addrs)[number]; port: string; how: string }[] = []
    for (const a of addrs) {
      const entry =
        a.mac === undefined ? undefined : node.fdb?.find((f) => f.mac === a.mac && free.has(f.dev))
      if (entry === undefined) continue
      free.delete(entry.dev)
      placed.push({
        a,
        port: entry.dev,
        how: `${a.how}; port from the FDB (${a.mac} on ${entry.dev})`,
      })
    }
    for (const a of addrs) {
      if (placed.some((p) => p.a === a)) continue
      const port = [...free][0]
      if (port === undefined) {
        notes.push(`${a.ip} (${a.how}) has no free port on ${net.bridge}: not placed`)
        continue
      }
      free.delete(port)
      placed.push({ a, port, how: `${a.how}; port ${port} assumed (no FDB entry says which)` })
    }
    for (const p of placed)
      out.push({
        veth: p.port,
        ip: p.a.ip,
        prefixLen: net.prefixLen,
        gateway: net.gateway,
        routed: false,
        ...(p.a.pod === undefined ? {} : { pod: p.a.pod }),
        how: p.how,
      })
  }
  return out
}

/**
 * The pods found behind the node's veths, and notes on those not found.
 */
export function findPods(
  node: NetnsState,
  records: readonly IpLink[],
  nodeName: string,
  kube: Cluster | undefined,
): { pods: FoundPod[]; notes: string[] } {
  const notes: string[] = []
  // A veth already wired (the underlay NIC, linked to its segment) is not a pod's.
  const veths = foreignVeths(records).filter(
    (v) => node.links.find((l) => l.name === v.name)?.peer === undefined,
  )
  const objects = podsOn(kube, nodeName)
  const routed = routedPods(node, veths, objects)
  const taken = new Set(routed.map((p) => p.veth))
  const pods = [...routed, ...bridgedPods(node, veths, objects, taken, notes)]
  const used = new Set(pods.map((p) => p.veth))
  for (const v of veths)
    if (!used.has(v.name) && !isUnderlay(node, v))
      notes.push(
        `${v.name}: its peer's namespace is not in the dump and no pod is known for it: left unconnected`,
      )
  return { pods, notes }
}

function isUnderlay(node: NetnsState, l: Link): boolean {
  return node.routes.some((r) => r.dst === 'default' && r.dev === l.name && r.table === TABLE_MAIN)
}

function podRoutes(p: FoundPod): Route[] {
  const base = {
    family: 4 as const,
    table: TABLE_MAIN,
    type: 'unicast' as const,
    dev: 'eth0',
    proto: 'boot',
  }
  const gw: Route[] = p.routed ? [{ ...base, dst: `${p.gateway}/32`, scope: 'link' }] : []
  return [...gw, { ...base, dst: 'default', via: p.gateway, scope: 'global' }]
}

/** The pod's namespace name: its object's, or one made from its address. */
export function podNetnsName(p: FoundPod): string {
  if (p.pod === undefined) return `pod-unknown-${p.ip}`
  return netnsName.pod(p.pod.metadata.namespace ?? 'default', p.pod.metadata.name)
}

/** A minimal namespace standing in for the pod's real one. */
export function synthesisePod(p: FoundPod, node: NetnsState, nodeName: string): NetnsState {
  const name = podNetnsName(p)
  const meta = p.pod?.metadata
  const b = new NetnsBuilder(
    name,
    {
      kind: 'pod',
      namespace: meta?.namespace ?? 'default',
      name: meta?.name ?? `unknown-${p.ip}`,
      node: nodeName,
    },
    { ...baseSysctls('pod', false), ...inheritedSysctls(node.sysctls) },
  )
  const host = node.links.find((l) => l.name === p.veth)
  b.addLink(
    {
      name: 'eth0',
      kind: 'veth',
      mac: deterministicMac(name, 'eth0'),
      mtu: host?.mtu ?? 1500,
      up: true,
      peer: { netns: node.name, name: p.veth },
    },
    'the dump import',
  )
  b.addresses.push({
    iface: 'eth0',
    family: 4,
    local: p.ip,
    prefixLen: p.prefixLen,
    scope: 'global',
  })
  b.routes.push(...podRoutes(p))
  if (p.pod !== undefined) b.daemons.push(...echoServers(p.pod))
  return finishNetns(b)
}
