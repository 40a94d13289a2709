/**
 * @module core/kube/load/kinds
 * Which apiVersion/kind pairs kpath reads, and what it does with each. The kinds the assembly
 * and the CNI models read as written go to `Cluster.extensions` (extensions.ts). A kind outside
 * both is listed in `Cluster.ignored`; a kind we read but written with another version of its API
 * group (`apps/v1beta2 Deployment`, `discovery.k8s.io/v1beta1 EndpointSlice`) is an error,
 * because ignoring it would silently drop objects the user meant.
 */
import { unsupported } from '../../errors.js'
import type { ObjectMeta, Workload } from '../model.js'
import type { Collector } from './collector.js'
import type { RawObject } from './documents.js'
import { isExtension, loadExtension, refuseKpathGroup } from './extensions.js'
import { fieldError } from './locate.js'
import {
  clusterConfigurationSchema,
  defaultKubeProxy,
  kindClusterSchema,
  kubeProxySchema,
} from './schema-config.js'
import { endpointSliceSchema, endpointsSchema } from './schema-endpoints.js'
import { nodeSchema, podSchema } from './schema-pod.js'
import { defaultService, serviceSchema } from './schema-service.js'
import { WORKLOAD_KINDS, type WorkloadKind, workloadSchema } from './schema-workload.js'
import { validate } from './validate.js'

interface KindEntry {
  readonly apiVersions: readonly string[]
  /** Groups whose other versions we refuse rather than ignore (`extensions` held Deployments). */
  readonly groups: readonly string[]
  readonly load: (raw: RawObject, into: Collector) => void
}

const CORE = { apiVersions: ['v1'], groups: [''] }

const ENTRIES: Readonly<Record<string, KindEntry>> = {
  Service: { ...CORE, load: (raw, c) => addNamespaced(c, '', raw, serviceLoad(raw), c.services) },
  Node: {
    ...CORE,
    load: (raw, c) => {
      const node = validate(nodeSchema, raw)
      c.register('', 'Node', node.metadata, raw)
      c.nodes.push(node)
    },
  },
  Pod: { ...CORE, load: (raw, c) => addNamespaced(c, '', raw, validate(podSchema, raw), c.pods) },
  Endpoints: {
    ...CORE,
    load: (raw, c) => addNamespaced(c, '', raw, validate(endpointsSchema, raw), c.endpoints),
  },
  EndpointSlice: {
    apiVersions: ['discovery.k8s.io/v1'],
    groups: ['discovery.k8s.io'],
    load: (raw, c) =>
      addNamespaced(
        c,
        'discovery.k8s.io',
        raw,
        validate(endpointSliceSchema, raw),
        c.endpointSlices,
      ),
  },
  KubeProxyConfiguration: {
    apiVersions: ['kubeproxy.config.k8s.io/v1alpha1'],
    groups: ['kubeproxy.config.k8s.io'],
    load: (raw, c) => {
      const value = defaultKubeProxy(validate(kubeProxySchema, raw))
      c.kubeProxy = c.single(c.kubeProxy, { value, raw }, 'KubeProxyConfiguration')
    },
  },
  ClusterConfiguration: {
    apiVersions: ['kubeadm.k8s.io/v1beta3', 'kubeadm.k8s.io/v1beta4'],
    groups: ['kubeadm.k8s.io'],
    load: (raw, c) => {
      const value = validate(clusterConfigurationSchema, raw)
      c.clusterConfig = c.single(c.clusterConfig, { value, raw }, 'ClusterConfiguration')
    },
  },
  Cluster: {
    apiVersions: ['kind.x-k8s.io/v1alpha4'],
    groups: ['kind.x-k8s.io'],
    load: (raw, c) => {
      const value = validate(kindClusterSchema, raw)
      c.kindCluster = c.single(c.kindCluster, { value, raw }, 'kind Cluster')
    },
  },
  ...workloadEntries(),
}

function serviceLoad(raw: RawObject) {
  return defaultService(validate(serviceSchema, raw))
}

function workloadEntries(): Record<string, KindEntry> {
  const out: Record<string, KindEntry> = {}
  for (const kind of Object.keys(WORKLOAD_KINDS) as WorkloadKind[]) {
    const apiVersion = WORKLOAD_KINDS[kind]
    const group = apiVersion.split('/')[0] ?? ''
    const schema = workloadSchema(kind)
    out[kind] = {
      apiVersions: [apiVersion],
      groups: group === 'apps' ? ['apps', 'extensions'] : [group],
      load: (raw, c) => {
        const w: Workload = validate(schema, raw)
        addNamespaced(c, group, raw, w, c.workloads)
      },
    }
  }
  return out
}

function addNamespaced<T extends { readonly kind: string; readonly metadata: ObjectMeta }>(
  c: Collector,
  group: string,
  raw: RawObject,
  obj: T,
  into: T[],
): void {
  c.register(group, obj.kind, obj.metadata, raw)
  into.push(obj)
}

/** Dispatch one raw object to its kind's loader, or list it as ignored. */
export function loadObject(raw: RawObject, into: Collector): void {
  const apiVersion = requiredString(raw, 'apiVersion')
  const kind = requiredString(raw, 'kind')
  const entry = Object.hasOwn(ENTRIES, kind) ? ENTRIES[kind] : undefined
  if (entry?.apiVersions.includes(apiVersion)) {
    entry.load(raw, into)
    return
  }
  if (isExtension(apiVersion, kind)) {
    loadExtension(raw, apiVersion, kind, into)
    return
  }
  refuseKpathGroup(raw, apiVersion, kind)
  const group = apiVersion.includes('/') ? (apiVersion.split('/')[0] ?? '') : ''
  if (entry?.groups.includes(group))
    throw unsupported(
      `${apiVersion} ${kind} is not a version kpath reads`,
      raw.locator.at(['apiVersion']),
      `write it as ${entry.apiVersions.join(' or ')} ${kind}`,
    )
  into.ignored.push({ apiVersion, kind, name: ignoredName(raw), location: raw.locator.at() })
}

function requiredString(raw: RawObject, field: 'apiVersion' | 'kind'): string {
  const v = raw.value[field]
  if (typeof v === 'string' && v !== '') return v
  throw fieldError(
    raw.locator,
    [field],
    v === undefined ? 'is required' : 'must be a non-empty string',
    'every Kubernetes object starts with apiVersion and kind, e.g. apiVersion: v1, kind: Service',
  )
}

function ignoredName(raw: RawObject): string {
  const meta = raw.value.metadata
  if (typeof meta === 'object' && meta !== null && 'name' in meta && typeof meta.name === 'string')
    return meta.name
  const name = raw.value.name
  return typeof name === 'string' ? name : ''
}
