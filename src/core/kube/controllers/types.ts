/**
 * @module core/kube/controllers/types
 * The state the controllers work on: every object the loader read (defaulted, validated), plus
 * where each came from. Each controller is a pure function `ClusterDraft → ClusterDraft` that
 * fills what an API server or a kube-controller-manager loop would, and never overrides a value
 * given in the input.
 */
import type { SourceLocation } from '../../errors.js'
import type { Endpoints } from '../load/schema-endpoints.js'
import type {
  ClusterNetworking,
  EndpointSlice,
  KubeProxyConfiguration,
  Node,
  ObjectMeta,
  Pod,
  Service,
  Workload,
} from '../model.js'

export type { Endpoints }

export interface Warning {
  readonly message: string
  readonly location?: SourceLocation
}

/** Where an input object was written: `at([])` is the object, `at(['spec', 'clusterIP'])` a field. */
export interface Origin {
  at(path?: readonly (string | number)[]): SourceLocation
}

export interface ClusterDraft {
  readonly nodes: readonly Node[]
  readonly pods: readonly Pod[]
  readonly services: readonly Service[]
  readonly endpointSlices: readonly EndpointSlice[]
  /** v1 Endpoints, read only by the EndpointSlice mirroring controller. */
  readonly endpoints: readonly Endpoints[]
  readonly workloads: readonly Workload[]
  readonly kubeProxy: KubeProxyConfiguration
  readonly networking: ClusterNetworking
  readonly warnings: readonly Warning[]
  /** The input holds a kind Cluster or kubeadm ClusterConfiguration (a cluster being built). */
  readonly fromClusterConfig: boolean
  /** Where each input object was written, by {@link originKey}. */
  readonly origins: ReadonlyMap<string, Origin>
}

export interface ControllerOptions {
  /**
   * Seed of the random-looking name suffixes (`web-7d4b9c-x2k9p`). The same input and seed
   * always give the same names.
   */
  readonly seed: string
  /**
   * Create the `kubernetes` Service in `default` (kube-apiserver always has it). `auto`: only
   * when the input is not already an API server's stored state (see load/README.md).
   */
  readonly apiServerService: 'auto' | boolean
}

export const DEFAULT_CONTROLLER_OPTIONS: ControllerOptions = {
  seed: 'kpath',
  apiServerService: 'auto',
}

/** `Kind/namespace/name` (`Kind/name` for cluster-scoped kinds): one key per API object. */
export function originKey(kind: string, meta: Pick<ObjectMeta, 'name' | 'namespace'>): string {
  return meta.namespace === undefined
    ? `${kind}/${meta.name}`
    : `${kind}/${meta.namespace}/${meta.name}`
}

/**
 * Where the input defined `obj` (or its field at `path`, or the nearest written parent), if it
 * did: controller-made objects have no origin.
 */
export function originOf(
  draft: Pick<ClusterDraft, 'origins'>,
  kind: string,
  meta: Pick<ObjectMeta, 'name' | 'namespace'>,
  path: readonly (string | number)[] = [],
): SourceLocation | undefined {
  return draft.origins.get(originKey(kind, meta))?.at(path)
}
