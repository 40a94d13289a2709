/**
 * @module core/kube/load/extensions
 * Kinds the loader keeps as written for the cluster assembly and the CNI plugin models
 * (`Cluster.extensions`): kpath's Topology, v1 ConfigMaps, and Calico's API groups. They are
 * checked only for apiVersion, kind and `metadata.name`; the component that reads one validates
 * the rest with {@link validateExtension}, so that its errors point at the user's YAML.
 */
import * as z from 'zod'
import { unsupported } from '../../errors.js'
import type { ExtensionObject } from '../model.js'
import type { Collector } from './collector.js'
import type { RawObject } from './documents.js'
import { metadata, namespacedMetadata } from './fields.js'
import { validate } from './validate.js'

/** kpath's own API group; `Topology` is its one kind (docs/TOPOLOGY.md). */
export const KPATH_API_VERSION = 'kpath.dev/v1alpha1'

/**
 * Calico's groups: the CRDs as calico-node reads them, the aggregated v3 API that calicoctl and
 * the API server write, and the tigera operator's Installation (which carries the IP pools).
 */
const CALICO_API_VERSIONS = [
  'crd.projectcalico.org/v1',
  'projectcalico.org/v3',
  'operator.tigera.io/v1',
]

/** Does `apiVersion kind` go to `Cluster.extensions`? */
export function isExtension(apiVersion: string, kind: string): boolean {
  if (apiVersion === 'v1' && kind === 'ConfigMap') return true
  if (apiVersion === KPATH_API_VERSION) return kind === 'Topology'
  return CALICO_API_VERSIONS.includes(apiVersion)
}

/** An unknown version or kind of kpath's own group is a typo, never something to ignore. */
export function refuseKpathGroup(raw: RawObject, apiVersion: string, kind: string): void {
  if (!apiVersion.startsWith('kpath.dev/')) return
  const known = apiVersion === KPATH_API_VERSION
  throw unsupported(
    known ? `${apiVersion} has no kind ${kind}` : `${apiVersion} is not a version kpath reads`,
    raw.locator.at([known ? 'kind' : 'apiVersion']),
    `write apiVersion: ${KPATH_API_VERSION} and kind: Topology (see docs/TOPOLOGY.md)`,
  )
}

/** Validate the metadata, refuse duplicates, and keep the object with its locator. */
export function loadExtension(
  raw: RawObject,
  apiVersion: string,
  kind: string,
  c: Collector,
): void {
  const { metadata: meta } = validate(apiVersion === 'v1' ? NAMESPACED : CLUSTER_SCOPED, raw)
  c.register(apiVersion.split('/')[0] ?? '', kind, meta, raw)
  const locator = raw.locator
  c.extensions.push({
    apiVersion,
    kind,
    metadata: meta,
    object: raw.value,
    location: locator.at(),
    at: (path = []) => locator.at(path),
  })
}

/** Core ConfigMaps are namespaced (default `default`); the other kinds keep what was written. */
const NAMESPACED = z.looseObject({ metadata: namespacedMetadata })
const CLUSTER_SCOPED = z.looseObject({ metadata })

/**
 * Validate an extension object (or a part of it at `base`) with a zod schema; the first issue
 * is thrown as a located `KPATH_PARSE` error, exactly like the loader's own kinds.
 *
 * @example
 * ```ts
 * const topo = validateExtension(topologySchema, ext) // throws at the offending field
 * ```
 */
export function validateExtension<S extends z.ZodType>(
  schema: S,
  ext: ExtensionObject,
  value: unknown = ext.object,
  base: readonly (string | number)[] = [],
): z.output<S> {
  return validate(schema, { value, locator: ext, base })
}
