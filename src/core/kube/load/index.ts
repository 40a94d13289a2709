/**
 * @module core/kube/load
 * Kubernetes YAML → a {@link Cluster}: read every document of every file, validate and default
 * each object as the API server would, then run the controllers an API server and
 * kube-controller-manager would (see controllers/). Decisions are listed in README.md beside
 * this file.
 *
 * @example
 * ```ts
 * const cluster = loadCluster([{ file: 'app.yaml', text }])
 * cluster.endpointSlices // made by the EndpointSlice controller from the Pods and Services
 * ```
 */
import type { SourceLocation } from '../../errors.js'
import { runControllers } from '../controllers/index.js'
import {
  type ClusterDraft,
  type ControllerOptions,
  DEFAULT_CONTROLLER_OPTIONS,
  originKey,
} from '../controllers/types.js'
import type { Cluster, ExtensionObject, IgnoredObject, ObjectMeta } from '../model.js'
import { Collector } from './collector.js'
import { readDocuments } from './documents.js'
import { toDraft } from './draft.js'
import { loadObject } from './kinds.js'

export interface LoadInput {
  readonly text: string
  /** Named in error messages and locations. */
  readonly file: string
}

export type LoadOptions = Partial<ControllerOptions>

/**
 * Load one cluster from several files. Throws a located {@link KpathError} (`KPATH_PARSE`,
 * `KPATH_INVALID_ARGUMENT` or `KPATH_UNSUPPORTED`) on the first problem; non-fatal findings
 * go to `Cluster.warnings`.
 */
export function loadCluster(inputs: readonly LoadInput[], options: LoadOptions = {}): Cluster {
  const collector = collect(inputs)
  const draft = runControllers(toDraft(collector), { ...DEFAULT_CONTROLLER_OPTIONS, ...options })
  const proxyLocation = collector.kubeProxy?.raw.locator.at()
  return finish(draft, collector, proxyLocation)
}

/** The validated, defaulted objects before any controller ran (what each controller starts from). */
export function readDraft(inputs: readonly LoadInput[]): ClusterDraft {
  return toDraft(collect(inputs))
}

function collect(inputs: readonly LoadInput[]): Collector {
  const collector = new Collector()
  for (const input of inputs) {
    const { objects, warnings } = readDocuments(input.text, input.file)
    collector.warnings.push(...warnings)
    for (const raw of objects) loadObject(raw, collector)
  }
  return collector
}

function finish(
  d: ClusterDraft,
  kept: {
    readonly ignored: readonly IgnoredObject[]
    readonly extensions: readonly ExtensionObject[]
  },
  proxyLocation: SourceLocation | undefined,
): Cluster {
  const locations = new Map<object, SourceLocation>()
  const note = (kind: string, objs: readonly { metadata: ObjectMeta; kind: string }[]) => {
    for (const o of objs) {
      const loc = d.origins.get(originKey(kind === '' ? o.kind : kind, o.metadata))?.at()
      if (loc !== undefined) locations.set(o, loc)
    }
  }
  note('Node', d.nodes)
  note('Pod', d.pods)
  note('Service', d.services)
  note('EndpointSlice', d.endpointSlices)
  note('', d.workloads)
  if (proxyLocation !== undefined) locations.set(d.kubeProxy, proxyLocation)
  return {
    nodes: d.nodes,
    pods: d.pods,
    services: d.services,
    endpointSlices: d.endpointSlices,
    workloads: d.workloads,
    kubeProxy: d.kubeProxy,
    networking: d.networking,
    ignored: kept.ignored,
    extensions: kept.extensions,
    warnings: d.warnings,
    locations,
  }
}

export type { ControllerOptions } from '../controllers/types.js'
export { KPATH_API_VERSION, validateExtension } from './extensions.js'
