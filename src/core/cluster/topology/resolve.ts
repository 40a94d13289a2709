/**
 * @module core/cluster/topology/resolve
 * The input's Topology (or none) plus the cluster → the {@link Topology} the assembly builds:
 * defaults filled in (defaults.ts), segments checked, every NIC placed and named, every node
 * placed on the segment holding its InternalIP.
 */
import { KpathError } from '../../errors.js'
import type { Cluster, ExtensionObject, Node } from '../../kube/model.js'
import { netnsName } from '../../model/cluster-state.js'
import { parseIPv4 } from '../../net/ip.js'
import { formatPrefix4, overlaps4, type Prefix4, parsePrefix4 } from '../ipv4.js'
import { deterministicMac } from '../names.js'
import { DEFAULT_MTU, defaultWorld, underlaySegment } from './defaults.js'
import { NicPlacer } from './nics.js'
import { placeNodes } from './nodes.js'
import { readTopology, topologyError } from './read.js'
import type { TopologyExternal, TopologyRouter, TopologySegment, TopologySpec } from './schema.js'
import type { External, Router, Segment, Topology } from './types.js'

/**
 * Resolve the cluster's topology.
 *
 * @example
 * resolveTopology(loadCluster([{ file, text }])).segments // [{ name: 'underlay', … }, …]
 * @throws KpathError KPATH_INVALID_ARGUMENT for an inconsistent Topology (located), or a
 *   node without an IPv4 InternalIP.
 */
export function resolveTopology(cluster: Cluster): Topology {
  const { spec, source } = readTopology(cluster)
  const nodeIPs = nodeAddresses(cluster)
  const lists = specLists(spec, nodeIPs, cluster)
  const segments = resolveSegments(lists.segments, lists.fromInput.segments ? source : undefined)
  const byName = new Map(segments.map((s) => [s.name, s]))
  const placer = new NicPlacer(byName, source)
  const routerSource = lists.fromInput.routers ? source : undefined
  const nodePlacements = placeNodes({
    cluster,
    spec,
    source,
    nodeIPs,
    segments,
    placer,
    routers: lists.routers,
  })
  const routers = lists.routers.map((r, i) =>
    resolveRouter(r, i, placer, routerSource !== undefined),
  )
  const externals = lists.externals.map((x, i) =>
    resolveExternal(x, i, placer, lists.fromInput.externals),
  )
  return {
    ...(source === undefined ? {} : { source }),
    ...(spec.cni === undefined ? {} : { cni: spec.cni }),
    ...(spec.cniConfig === undefined ? {} : { cniConfig: spec.cniConfig }),
    segments,
    routers,
    externals,
    nodes: nodePlacements,
  }
}

interface SpecLists {
  readonly segments: readonly TopologySegment[]
  readonly routers: readonly TopologyRouter[]
  readonly externals: readonly TopologyExternal[]
  readonly fromInput: {
    readonly segments: boolean
    readonly routers: boolean
    readonly externals: boolean
  }
}

function specLists(
  spec: TopologySpec,
  nodeIPs: ReadonlyMap<string, number>,
  cluster: Cluster,
): SpecLists {
  const ips = [...nodeIPs.values()]
  const under = underlaySegment(ips)
  const fromInput = {
    segments: spec.segments !== undefined,
    routers: spec.routers !== undefined,
    externals: spec.externals !== undefined,
  }
  const allDefault = !fromInput.segments && !fromInput.routers && !fromInput.externals
  const world =
    allDefault && under ? defaultWorld(under, new Set(ips), clusterPrefixes(cluster)) : undefined
  return {
    segments: spec.segments ?? world?.segments ?? (under ? [under] : []),
    routers: spec.routers ?? world?.routers ?? [],
    externals: spec.externals ?? world?.externals ?? [],
    fromInput,
  }
}

/** Pod and service CIDRs: the default external segment must not overlap them. */
function clusterPrefixes(cluster: Cluster): Prefix4[] {
  const texts = [
    ...(cluster.networking.podSubnet ?? '').split(','),
    ...(cluster.networking.serviceSubnet ?? '').split(','),
    ...cluster.nodes.flatMap((n) => n.spec.podCIDRs ?? []),
  ]
  return texts.map((t) => parsePrefix4(t.trim())).filter((p): p is Prefix4 => p !== undefined)
}

/** Each node's first IPv4 InternalIP (the address kubelet registered: the underlay NIC's). */
function nodeAddresses(cluster: Cluster): Map<string, number> {
  const out = new Map<string, number>()
  for (const node of cluster.nodes) {
    const ip = firstInternalIPv4(node)
    if (ip === undefined)
      throw new KpathError(
        'KPATH_INVALID_ARGUMENT',
        `node ${node.metadata.name} has no IPv4 InternalIP`,
        {
          ...locationOf(cluster, node),
          hint: 'add status.addresses: [{type: InternalIP, address: …}]; kpath puts the node on the underlay with it',
        },
      )
    out.set(node.metadata.name, ip)
  }
  return out
}

function firstInternalIPv4(node: Node): number | undefined {
  for (const a of node.status.addresses) {
    if (a.type !== 'InternalIP') continue
    const v = parseIPv4(a.address)
    if (v !== undefined) return v
  }
  return undefined
}

function locationOf(cluster: Cluster, node: Node) {
  const location = cluster.locations.get(node)
  return location === undefined ? {} : { location }
}

function resolveSegments(
  specs: readonly TopologySegment[],
  source: ExtensionObject | undefined,
): Segment[] {
  const out: Segment[] = []
  specs.forEach((s, i) => {
    const prefix = parsePrefix4(s.cidr)
    if (prefix === undefined)
      throw topologyError(
        source,
        ['segments', i, 'cidr'],
        `segment ${s.name}: bad CIDR`,
        'e.g. 10.39.0.0/24',
      )
    const clash = out.find((o) => o.name === s.name || overlaps4(o.prefix, prefix))
    if (clash !== undefined)
      throw topologyError(
        source,
        ['segments', i],
        clash.name === s.name
          ? `segment ${s.name} is defined twice`
          : `segment ${s.name} (${s.cidr}) overlaps segment ${clash.name} (${formatPrefix4(clash.prefix)})`,
        'give each segment its own name and a CIDR of its own',
      )
    out.push({ name: s.name, prefix, mtu: s.mtu ?? DEFAULT_MTU })
  })
  return out
}

function resolveRouter(r: TopologyRouter, i: number, placer: NicPlacer, located: boolean): Router {
  const ns = netnsName.router(r.name)
  const nics = r.interfaces.map((nic, k) => {
    const name = nic.name ?? `eth${k}`
    return placer.place(
      {
        segment: nic.segment,
        address: nic.address,
        name,
        port: `r${i + 1}`,
        mac: deterministicMac(ns, name),
        owner: `router ${r.name}`,
      },
      located ? ['routers', i, 'interfaces', k] : undefined,
    )
  })
  return {
    name: r.name,
    nics,
    forwarding: r.forwarding ?? true,
    routes: r.routes ?? [],
    sysctls: r.sysctls ?? {},
  }
}

function resolveExternal(
  x: TopologyExternal,
  i: number,
  placer: NicPlacer,
  located: boolean,
): External {
  const ns = netnsName.external(x.name)
  const nic = placer.place(
    {
      segment: x.segment,
      address: x.address,
      name: 'eth0',
      port: `x${i + 1}`,
      mac: deterministicMac(ns, 'eth0'),
      owner: `external ${x.name}`,
    },
    located ? ['externals', i] : undefined,
  )
  const gw = x.gateway === undefined ? undefined : parseIPv4(x.gateway)
  if (
    gw !== undefined &&
    parsePrefix4(`${nic.address}/${nic.prefixLen}`)?.net !==
      parsePrefix4(`${x.gateway}/${nic.prefixLen}`)?.net
  )
    throw placer.error(
      located ? ['externals', i, 'gateway'] : undefined,
      `external ${x.name}: gateway ${x.gateway} is not on segment ${x.segment}`,
      "a default gateway must be on the host's own segment",
    )
  return {
    name: x.name,
    nic,
    ...(x.gateway === undefined ? {} : { gateway: x.gateway }),
    routes: x.routes ?? [],
    sysctls: x.sysctls ?? {},
  }
}
