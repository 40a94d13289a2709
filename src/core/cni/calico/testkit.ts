/**
 * @module core/cni/calico/testkit
 * Test helpers: a cluster from YAML, each node's underlay placement, and a {@link CniContext}
 * that records what the plugin reports as unsupported.
 */
import type { SourceLocation } from '../../errors.js'
import { loadCluster } from '../../kube/load/index.js'
import type { Cluster, Node } from '../../kube/model.js'
import type { CniContext, NodeUnderlay } from '../types.js'
import { calicoPlugin } from './plugin.js'

export interface Recorded {
  readonly message: string
  readonly location?: SourceLocation
}

export function clusterOf(text: string, file = 'cluster.yaml'): Cluster {
  return loadCluster([{ file, text }])
}

function internalIP(n: Node): string {
  return n.status.addresses.find((a) => a.type === 'InternalIP')?.address ?? '0.0.0.0'
}

export interface UnderlayOptions {
  readonly iface?: string
  readonly prefixLen?: number
  readonly gateway?: string
  readonly mtu?: number
  /** Per node: a different gateway or segment (a node behind a router). */
  readonly perNode?: Readonly<
    Record<string, { readonly gateway?: string; readonly segment?: string }>
  >
}

/** Each node's NIC `iface` with its InternalIP/`prefixLen`, MTU 1500, on segment `lan`. */
export function underlayOf(
  cluster: Cluster,
  opts: UnderlayOptions = {},
): Map<string, NodeUnderlay> {
  return new Map(
    cluster.nodes.map((node, i) => {
      const own = opts.perNode?.[node.metadata.name] ?? {}
      const gateway = own.gateway ?? opts.gateway
      const u: NodeUnderlay = {
        node,
        iface: opts.iface ?? 'eth0',
        address: internalIP(node),
        prefixLen: opts.prefixLen ?? 24,
        mac: `52:54:00:00:00:${(i + 1).toString(16).padStart(2, '0')}`,
        mtu: opts.mtu ?? 1500,
        ...(gateway === undefined ? {} : { gateway }),
        segment: own.segment ?? 'lan',
      }
      return [node.metadata.name, u]
    }),
  )
}

/** The scenarios the seed, live and fixture tests share (YAML files in testdata/). */
export interface Scenario {
  readonly name: string
  readonly file: string
  readonly underlay: UnderlayOptions
  /** The node whose state the fixtures capture. */
  readonly node: string
}

export const SCENARIOS: readonly Scenario[] = [
  {
    name: 'seed-002-slave1',
    file: 'seed-002.yaml',
    underlay: { iface: 'ens3', prefixLen: 12, gateway: '172.16.0.1' },
    node: 'slave1',
  },
  {
    name: 'seed-004-master',
    file: 'seed-004.yaml',
    underlay: { iface: 'ens33', prefixLen: 24, gateway: '192.168.43.2' },
    node: 'master',
  },
  {
    name: 'vxlan-a',
    file: 'vxlan.yaml',
    underlay: { gateway: '10.0.1.1', perNode: { c: { gateway: '10.0.2.1', segment: 'lan2' } } },
    node: 'a',
  },
]

export function contextOf(
  cluster: Cluster,
  underlay: ReadonlyMap<string, NodeUnderlay>,
): CniContext & { readonly reported: Recorded[] } {
  const reported: Recorded[] = []
  return {
    cluster,
    underlay,
    podCIDRs: new Map(cluster.nodes.map((n) => [n.metadata.name, n.spec.podCIDRs ?? []])),
    unsupported(message, location) {
      reported.push(location === undefined ? { message } : { message, location })
    },
    reported,
  }
}

/** A scenario's cluster, underlay, context and the state of its captured node. */
export function renderScenario(s: Scenario, text: string) {
  const cluster = clusterOf(text, s.file)
  const underlay = underlayOf(cluster, s.underlay)
  const ctx = contextOf(cluster, underlay)
  const u = underlay.get(s.node)
  if (!u) throw new Error(`scenario ${s.name}: no node ${s.node}`)
  return { cluster, underlay, ctx, u, fragment: calicoPlugin.node(ctx, u) }
}
