/**
 * @module core/cni/kube-router/testkit
 * Test support for the CNI plugin models: a {@link CniContext} from YAML and an underlay, a
 * stand-in for the cluster assembly that applies fragments to a namespace (the assembly proper
 * is not part of these folders), and the text forms the seeds quote (`route -n`, `ip addr`
 * lines), written from net-tools' and iproute2's formats.
 */
import type { SourceLocation } from '../../errors.js'
import { loadCluster } from '../../kube/load/index.js'
import type { Cluster, Pod } from '../../kube/model.js'
import { netnsName } from '../../model/cluster-state.js'
import { emptyNetns, type NetnsState, type Route, TABLE_MAIN } from '../../model/netns.js'
import { formatIPv4, parseCidr, v4Mask } from '../../net/ip.js'
import { withKernelRoutes } from '../../route/kernel-routes.js'
import type { CniContext, CniPlugin, NetnsFragment, NodeUnderlay } from '../types.js'

export interface Reports {
  readonly messages: string[]
  readonly locations: (SourceLocation | undefined)[]
}

export interface UnderlaySpec {
  readonly iface: string
  readonly prefixLen: number
  readonly mtu?: number
  readonly gateway?: string
  /** NIC MACs by node name (default `02:00:00:00:00:01`). */
  readonly macs?: Readonly<Record<string, string>>
}

/** A context over a loaded cluster, every node on one segment with `spec`'s NIC. */
export function contextFor(
  cluster: Cluster,
  spec: UnderlaySpec,
): { ctx: CniContext; reports: Reports } {
  const reports: Reports = { messages: [], locations: [] }
  const underlay = new Map<string, NodeUnderlay>()
  for (const node of cluster.nodes) {
    const address = node.status.addresses.find((a) => a.type === 'InternalIP')?.address ?? ''
    underlay.set(node.metadata.name, {
      node,
      iface: spec.iface,
      address,
      prefixLen: spec.prefixLen,
      mac: spec.macs?.[node.metadata.name] ?? '02:00:00:00:00:01',
      mtu: spec.mtu ?? 1500,
      ...(spec.gateway === undefined ? {} : { gateway: spec.gateway }),
      segment: 'lan',
    })
  }
  const podCIDRs = new Map(cluster.nodes.map((n) => [n.metadata.name, n.spec.podCIDRs ?? []]))
  const ctx: CniContext = {
    cluster,
    underlay,
    podCIDRs,
    unsupported(message, location) {
      reports.messages.push(message)
      reports.locations.push(location)
    },
  }
  return { ctx, reports }
}

export function load(text: string, file = 'input.yaml'): Cluster {
  return loadCluster([{ file, text }])
}

/** Append a fragment to a state, as the assembly does. */
export function apply(state: NetnsState, f: NetnsFragment): NetnsState {
  return {
    ...state,
    links: [...state.links, ...(f.links ?? [])],
    addresses: [...state.addresses, ...(f.addresses ?? [])],
    routes: [...state.routes, ...(f.routes ?? [])],
    rules: [...state.rules, ...(f.rules ?? [])],
    neighbours: [...state.neighbours, ...(f.neighbours ?? [])],
    fdb: [...(state.fdb ?? []), ...(f.fdb ?? [])],
    sysctls: { ...state.sysctls, ...(f.sysctls ?? {}) },
    ipsets: [...state.ipsets, ...(f.ipsets ?? [])],
  }
}

/** A node with lo, its NIC and address (and `extra` routes), then the plugin's state. */
export function nodeState(
  ctx: CniContext,
  plugin: CniPlugin,
  name: string,
  extra: readonly Route[] = [],
): NetnsState {
  const u = ctx.underlay.get(name)
  if (u === undefined) throw new Error(`no node ${name}`)
  const base = emptyNetns(netnsName.node(name))
  let s: NetnsState = {
    ...base,
    links: [
      { ...(base.links[0] as NetnsState['links'][number]), up: true },
      { index: 2, name: u.iface, kind: 'ether', mac: u.mac, mtu: u.mtu, up: true },
    ],
    addresses: [
      {
        iface: u.iface,
        family: 4,
        local: u.address,
        prefixLen: u.prefixLen,
        scope: 'global',
        broadcast: broadcastOf(u),
      },
    ],
    routes: [...extra],
  }
  s = apply(s, plugin.node(ctx, u))
  for (const p of podsOn(ctx, name)) s = apply(s, plugin.pod(ctx, p, u).host)
  return withKernelRoutes(s)
}

/** A pod's namespace: lo up, then the plugin's pod side. */
export function podState(ctx: CniContext, plugin: CniPlugin, pod: Pod): NetnsState {
  const u = ctx.underlay.get(pod.spec.nodeName ?? '')
  if (u === undefined) throw new Error(`pod ${pod.metadata.name} is not bound`)
  const base = emptyNetns(netnsName.pod(pod.metadata.namespace ?? 'default', pod.metadata.name))
  const lo = { ...(base.links[0] as NetnsState['links'][number]), up: true }
  return withKernelRoutes(apply({ ...base, links: [lo] }, plugin.pod(ctx, pod, u).pod))
}

export function podsOn(ctx: CniContext, node: string): Pod[] {
  return ctx.cluster.pods.filter((p) => p.spec.nodeName === node && p.spec.hostNetwork !== true)
}

export function podNamed(ctx: CniContext, name: string): Pod {
  const p = ctx.cluster.pods.find((x) => x.metadata.name === name)
  if (p === undefined) throw new Error(`no pod ${name}`)
  return p
}

function broadcastOf(u: NodeUnderlay): string {
  const c = parseCidr(`${u.address}/${u.prefixLen}`)
  return c?.family === 4 ? formatIPv4((c.addr | ~c.mask) >>> 0) : ''
}

function dstParts(r: Route): { addr: number; len: number } {
  if (r.dst === 'default') return { addr: 0, len: 0 }
  const c = parseCidr(r.dst)
  return c?.family === 4 ? { addr: c.addr, len: c.len ?? 32 } : { addr: 0, len: 0 }
}

/**
 * `route -n` (net-tools, read from /proc/net/route): the main table's IPv4 routes in the FIB
 * trie's order (by destination, longer prefixes first), flags U, G (gateway) and H (host).
 */
export function routeN(state: NetnsState): string {
  const rows = state.routes
    .filter((r) => r.family === 4 && r.table === TABLE_MAIN && r.type === 'unicast')
    .map((r) => ({ r, ...dstParts(r) }))
    .sort((a, b) => a.addr - b.addr || b.len - a.len)
  const pad = (s: string, n: number) => s.padEnd(n)
  const lines = rows.map(({ r, addr, len }) => {
    const flags = `U${r.via === undefined ? '' : 'G'}${len === 32 ? 'H' : ''}`
    const cols = [
      pad(formatIPv4(addr), 15),
      pad(r.via ?? '0.0.0.0', 15),
      pad(formatIPv4(v4Mask(len)), 15),
      pad(flags, 5),
    ]
    return `${cols.join(' ')} ${pad(String(r.metric ?? 0), 6)} ${pad('0', 2)} ${'0'.padStart(7)} ${r.dev ?? ''}`
  })
  return [
    'Kernel IP routing table',
    'Destination     Gateway         Genmask         Flags Metric Ref    Use Iface',
    ...lines,
  ].join('\n')
}

/** The `inet` lines `ip addr` prints for an interface (without the lifetime lines). */
export function inetLines(state: NetnsState, iface: string): string[] {
  return state.addresses
    .filter((a) => a.iface === iface && a.family === 4)
    .map((a) => {
      const brd = a.broadcast === undefined ? '' : ` brd ${a.broadcast}`
      return `inet ${a.local}/${a.prefixLen}${brd} scope ${a.scope} ${a.iface}`
    })
}
