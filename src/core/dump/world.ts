/**
 * @module core/dump/world
 * What `kpath trace --dump` traces on: the cluster built from node dumps (cluster.ts) and the
 * optional Kubernetes objects that give references like pod/NS/NAME and svc/NS/NAME their
 * meaning. What the dumps leave out or what kpath had to assume comes back as warnings, so the
 * trace says it.
 */
import type { RefWorld } from '../app/refs.js'
import { type LoadInput, loadCluster } from '../kube/load/index.js'
import { clusterFromDumps } from './cluster.js'
import type { ParsedDump } from './read.js'

export interface DumpWorld extends RefWorld {
  readonly warnings: readonly string[]
}

/**
 * @example
 * const w = dumpWorld([parseDump(files, 'dumps/alpha')], [])
 * w.state.namespaces.map((n) => n.name) // ['seg-10.39.0.0-24', 'node-alpha', 'pod-unknown-10.244.0.2', …]
 */
export function dumpWorld(dumps: readonly ParsedDump[], inputs: readonly LoadInput[]): DumpWorld {
  const cluster = loadCluster(inputs)
  const built = clusterFromDumps(dumps, inputs.length === 0 ? undefined : cluster)
  return {
    cluster,
    state: built.state,
    warnings: [...cluster.warnings.map((w) => w.message), ...built.notes.map((n) => `dump: ${n}`)],
  }
}
