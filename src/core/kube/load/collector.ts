/**
 * @module core/kube/load/collector
 * Gathers validated objects from every input file, checks that no object is defined twice
 * (same API group, kind, namespace and name: the API server would answer AlreadyExists), and
 * remembers where each was written.
 */
import { KpathError, type SourceLocation } from '../../errors.js'
import { type Origin, originKey, type Warning } from '../controllers/types.js'
import type {
  EndpointSlice,
  ExtensionObject,
  IgnoredObject,
  KubeProxyConfiguration,
  Node,
  ObjectMeta,
  Pod,
  Service,
  Workload,
} from '../model.js'
import type { RawObject } from './documents.js'
import type { ClusterConfiguration, KindCluster } from './schema-config.js'
import type { Endpoints } from './schema-endpoints.js'

export interface Located<T> {
  readonly value: T
  readonly raw: RawObject
}

export class Collector {
  readonly nodes: Node[] = []
  readonly pods: Pod[] = []
  readonly services: Service[] = []
  readonly endpointSlices: EndpointSlice[] = []
  readonly endpoints: Endpoints[] = []
  readonly workloads: Workload[] = []
  kubeProxy: Located<KubeProxyConfiguration> | undefined
  clusterConfig: Located<ClusterConfiguration> | undefined
  kindCluster: Located<KindCluster> | undefined
  readonly ignored: IgnoredObject[] = []
  readonly extensions: ExtensionObject[] = []
  readonly warnings: Warning[] = []
  readonly origins = new Map<string, Origin>()
  private readonly seen = new Map<string, SourceLocation>()

  /** Record an object's origin; a second object with the same identity is an error. */
  register(
    group: string,
    kind: string,
    meta: Pick<ObjectMeta, 'name' | 'namespace'>,
    raw: RawObject,
  ) {
    const key = `${group}/${originKey(kind, meta)}`
    const first = this.seen.get(key)
    const location = raw.locator.at(['metadata', 'name'])
    if (first !== undefined) {
      const ns = meta.namespace === undefined ? '' : ` in namespace ${meta.namespace}`
      throw new KpathError('KPATH_INVALID_ARGUMENT', `duplicate ${kind} "${meta.name}"${ns}`, {
        location,
        hint: `first defined at ${where(first)}; rename one, or drop one of the files`,
      })
    }
    this.seen.set(key, location)
    this.origins.set(originKey(kind, meta), raw.locator)
  }

  /** A configuration kind given twice is ambiguous: say so instead of picking one. */
  single<T>(current: Located<T> | undefined, next: Located<T>, kind: string): Located<T> {
    if (current === undefined) return next
    throw new KpathError('KPATH_INVALID_ARGUMENT', `more than one ${kind} in the input`, {
      location: next.raw.locator.at(),
      hint: `the first is at ${where(current.raw.locator.at())}; give one ${kind} per cluster`,
    })
  }
}

export function where(loc: SourceLocation): string {
  return `${loc.file ?? '<input>'}:${loc.line}:${loc.column}`
}
