/**
 * @module core/cluster/topology/read
 * Finds the input's Topology (at most one) among the loader's extension objects and validates
 * its `spec`, with errors located in the YAML.
 */
import { KpathError, type SourceLocation } from '../../errors.js'
import { KPATH_API_VERSION, validateExtension } from '../../kube/load/index.js'
import type { Cluster, ExtensionObject } from '../../kube/model.js'
import { type TopologySpec, topologySpecSchema } from './schema.js'

export interface TopologyInput {
  readonly spec: TopologySpec
  readonly source?: ExtensionObject
}

/** The Topology's spec (`{}` when the input has none). Two Topologies are an error. */
export function readTopology(cluster: Cluster): TopologyInput {
  const found = cluster.extensions.filter(
    (e) => e.apiVersion === KPATH_API_VERSION && e.kind === 'Topology',
  )
  const [source, second] = found
  if (second !== undefined && source !== undefined)
    throw new KpathError('KPATH_INVALID_ARGUMENT', 'more than one kpath Topology in the input', {
      location: second.location,
      hint: `the first is "${source.metadata.name}" at ${where(source.location)}; give one per cluster`,
    })
  if (source === undefined) return { spec: {} }
  const raw = source.object.spec ?? {}
  return { spec: validateExtension(topologySpecSchema, source, raw, ['spec']), source }
}

/** An error about the Topology, located at `spec.<path>` (unlocated for kpath's own defaults). */
export function topologyError(
  source: ExtensionObject | undefined,
  path: readonly (string | number)[] | undefined,
  message: string,
  hint: string,
): KpathError {
  const location = path === undefined ? undefined : source?.at(['spec', ...path])
  return new KpathError('KPATH_INVALID_ARGUMENT', message, {
    ...(location === undefined ? {} : { location }),
    hint,
  })
}

function where(loc: SourceLocation): string {
  return `${loc.file ?? '<input>'}:${loc.line}:${loc.column}`
}
