/**
 * @module core/cluster/topology/nodes
 * Puts each node on the underlay: the segment holding its InternalIP (or the one its override
 * names), its NIC (`eth0` unless overridden, e.g. `ens3`), a deterministic MAC, and its default
 * gateway (the first router interface on that segment, an override, or `none`).
 */
import type { NodeUnderlay } from '../../cni/types.js'
import type { Cluster, ExtensionObject } from '../../kube/model.js'
import { netnsName } from '../../model/cluster-state.js'
import { formatIPv4, parseIPv4 } from '../../net/ip.js'
import { contains4, formatPrefix4 } from '../ipv4.js'
import { deterministicMac } from '../names.js'
import type { NicPlacer } from './nics.js'
import { topologyError } from './read.js'
import type { TopologyNode, TopologyRouter, TopologySpec } from './schema.js'
import type { NodePlacement, Segment } from './types.js'

export interface PlaceNodesInput {
  readonly cluster: Cluster
  readonly spec: TopologySpec
  readonly source: ExtensionObject | undefined
  readonly nodeIPs: ReadonlyMap<string, number>
  readonly segments: readonly Segment[]
  readonly placer: NicPlacer
  readonly routers: readonly TopologyRouter[]
}

interface Override {
  readonly value: TopologyNode
  readonly index: number
}

export function placeNodes(input: PlaceNodesInput): Map<string, NodePlacement> {
  const overrides = overridesByNode(input)
  const out = new Map<string, NodePlacement>()
  input.cluster.nodes.forEach((node, j) => {
    const name = node.metadata.name
    const o = overrides.get(name)
    const path = o === undefined ? undefined : ['nodes', o.index]
    const ip = input.nodeIPs.get(name) ?? 0
    const segment = segmentOf(input, name, ip, o)
    const iface = o?.value.iface ?? 'eth0'
    const nic = input.placer.place(
      {
        segment: segment.name,
        address: formatIPv4(ip),
        name: iface,
        port: `n${j + 1}`,
        mac: o?.value.mac ?? deterministicMac(netnsName.node(name), iface),
        ...(o?.value.mtu === undefined ? {} : { mtu: o.value.mtu }),
        owner: `node ${name}`,
      },
      path,
    )
    const gateway = gatewayOf(input, segment, o)
    const underlay: NodeUnderlay = {
      node,
      iface,
      address: nic.address,
      prefixLen: nic.prefixLen,
      mac: nic.mac,
      mtu: nic.mtu,
      segment: segment.name,
      ...(gateway === undefined ? {} : { gateway }),
    }
    out.set(name, {
      underlay,
      port: nic.port,
      routes: o?.value.routes ?? [],
      sysctls: o?.value.sysctls ?? {},
    })
  })
  return out
}

function overridesByNode(input: PlaceNodesInput): Map<string, Override> {
  const out = new Map<string, Override>()
  const known = new Set(input.cluster.nodes.map((n) => n.metadata.name))
  ;(input.spec.nodes ?? []).forEach((value, index) => {
    if (!known.has(value.name))
      throw topologyError(
        input.source,
        ['nodes', index, 'name'],
        `no Node named "${value.name}"`,
        `the cluster's nodes: ${[...known].join(', ') || 'none'}`,
      )
    if (out.has(value.name))
      throw topologyError(
        input.source,
        ['nodes', index, 'name'],
        `node ${value.name} is listed twice`,
        'merge the two entries',
      )
    out.set(value.name, { value, index })
  })
  return out
}

function segmentOf(
  input: PlaceNodesInput,
  name: string,
  ip: number,
  o: Override | undefined,
): Segment {
  const wanted = o?.value.segment
  const seg =
    wanted === undefined
      ? input.segments.find((s) => contains4(s.prefix, ip))
      : input.segments.find((s) => s.name === wanted)
  if (seg !== undefined) return seg
  const path =
    o === undefined
      ? input.spec.segments
        ? ['segments']
        : undefined
      : ['nodes', o.index, 'segment']
  const list =
    input.segments.map((s) => `${s.name} ${formatPrefix4(s.prefix)}`).join(', ') || 'none'
  throw topologyError(
    input.source,
    path,
    wanted === undefined
      ? `node ${name} (${formatIPv4(ip)}) is on no segment`
      : `node ${name}: no segment named "${wanted}"`,
    `segments: ${list}; add a segment holding the node's InternalIP`,
  )
}

function gatewayOf(
  input: PlaceNodesInput,
  segment: Segment,
  o: Override | undefined,
): string | undefined {
  const given = o?.value.gateway
  if (given === 'none') return undefined
  if (given !== undefined) {
    const v = parseIPv4(given)
    if (v === undefined || !contains4(segment.prefix, v))
      throw topologyError(
        input.source,
        ['nodes', o?.index ?? 0, 'gateway'],
        `gateway ${given} is not on segment ${segment.name} (${formatPrefix4(segment.prefix)})`,
        "a default gateway must be on the node's own segment",
      )
    return given
  }
  for (const r of input.routers)
    for (const nic of r.interfaces)
      if (nic.segment === segment.name) return nic.address.split('/')[0]
  return undefined
}
