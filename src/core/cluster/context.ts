/**
 * @module core/cluster/context
 * The {@link CniContext} a plugin model sees, and the sink collecting what the models (and the
 * assembly) report as not modelled. Reports are de-duplicated: a plugin may report the same
 * thing for every node without the user reading it N times.
 */
import type { CniContext, NodeUnderlay } from '../cni/types.js'
import type { SourceLocation } from '../errors.js'
import type { Cluster } from '../kube/model.js'
import type { Topology } from './topology/types.js'

export interface Report {
  readonly message: string
  readonly where?: string
}

export class ReportSink {
  readonly reports: Report[] = []
  private readonly seen = new Set<string>()

  add(message: string, location?: SourceLocation): void {
    const where =
      location === undefined
        ? undefined
        : `${location.file ?? '<input>'}:${location.line}:${location.column}`
    const key = `${message}\u0000${where ?? ''}`
    if (this.seen.has(key)) return
    this.seen.add(key)
    this.reports.push({ message, ...(where === undefined ? {} : { where }) })
  }
}

/** Each node's pod CIDRs as the API server keeps them: podCIDRs, else [podCIDR]. */
export function podCIDRsByNode(cluster: Cluster): Map<string, readonly string[]> {
  const out = new Map<string, readonly string[]>()
  for (const n of cluster.nodes) {
    const list = n.spec.podCIDRs?.length
      ? n.spec.podCIDRs
      : n.spec.podCIDR === undefined
        ? []
        : [n.spec.podCIDR]
    out.set(n.metadata.name, list)
  }
  return out
}

export function cniContext(cluster: Cluster, topology: Topology, sink: ReportSink): CniContext {
  const underlay = new Map<string, NodeUnderlay>()
  for (const [name, placement] of topology.nodes) underlay.set(name, placement.underlay)
  return {
    cluster,
    underlay,
    podCIDRs: podCIDRsByNode(cluster),
    unsupported: (message, location) => sink.add(message, location),
  }
}
