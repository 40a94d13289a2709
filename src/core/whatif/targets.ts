/**
 * @module core/whatif/targets
 * What an edit is addressed to. Kernel edits name a namespace of the assembled cluster with the
 * references `kpath trace` uses (`node/NAME`, `pod/NS/NAME`, `pod/NAME`) plus `router/NAME` and
 * `external/NAME` of the Topology. Object edits name an object as kubectl does: `KIND/NS/NAME`,
 * `KIND/NAME` (namespace `default` for namespaced kinds), or `KIND` alone for a kind the input
 * holds once (KubeProxyConfiguration, Topology). Kinds take kubectl's short names.
 */
import { netnsName } from '../model/cluster-state.js'
import type { NetnsTarget, ObjectTarget } from './types.js'

/** kubectl's short names (`kubectl api-resources`), and kpath's own `kube-proxy`. */
const KIND_ALIASES: Readonly<Record<string, string>> = {
  svc: 'service',
  po: 'pod',
  no: 'node',
  deploy: 'deployment',
  ds: 'daemonset',
  sts: 'statefulset',
  rs: 'replicaset',
  cm: 'configmap',
  ep: 'endpoints',
  'kube-proxy': 'kubeproxyconfiguration',
  kubeproxy: 'kubeproxyconfiguration',
}

/** Kinds whose objects live in a namespace (`KIND/NAME` then means namespace default). */
const NAMESPACED = new Set([
  'pod',
  'service',
  'deployment',
  'daemonset',
  'statefulset',
  'replicaset',
  'configmap',
  'endpoints',
  'endpointslice',
  'job',
])

/** The lower-case kind a written kind stands for (`svc` → `service`, `Service` → `service`). */
export function canonicalKind(kind: string): string {
  const k = kind.toLowerCase()
  return KIND_ALIASES[k] ?? k
}

const NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/

function validNames(parts: readonly string[]): boolean {
  return parts.every((p) => NAME.test(p))
}

/**
 * A namespace reference, or undefined when `ref` is not one.
 *
 * @example
 * parseNetnsTarget('pod/kube-system/coredns-1') // { ref, netns: 'pod-kube-system-coredns-1' }
 */
export function parseNetnsTarget(ref: string): NetnsTarget | undefined {
  const parts = ref.split('/')
  const [kind, a, b] = parts
  if (!validNames(parts.slice(1)) || a === undefined) return undefined
  if (parts.length === 2 && kind === 'node') return { ref, netns: netnsName.node(a) }
  if (parts.length === 2 && kind === 'router') return { ref, netns: netnsName.router(a) }
  if (parts.length === 2 && kind === 'external') return { ref, netns: netnsName.external(a) }
  if (kind === 'pod' && parts.length === 2) return { ref, netns: netnsName.pod('default', a) }
  if (kind === 'pod' && parts.length === 3 && b !== undefined)
    return { ref, netns: netnsName.pod(a, b) }
  return undefined
}

/**
 * An object reference, or undefined when `ref` is not one.
 *
 * @example
 * parseObjectTarget('svc/default/web') // { ref, kind: 'service', namespace: 'default', name: 'web' }
 * parseObjectTarget('kube-proxy')      // { ref, kind: 'kubeproxyconfiguration' }
 */
export function parseObjectTarget(ref: string): ObjectTarget | undefined {
  const parts = ref.split('/')
  const [written, a, b] = parts
  if (written === undefined || !/^[A-Za-z][-A-Za-z0-9.]*$/.test(written)) return undefined
  if (!validNames(parts.slice(1)) || parts.length > 3) return undefined
  const kind = canonicalKind(written)
  if (a === undefined) return { ref, kind }
  if (b !== undefined) return { ref, kind, namespace: a, name: b }
  return NAMESPACED.has(kind)
    ? { ref, kind, namespace: 'default', name: a }
    : { ref, kind, name: a }
}

/** `Service default/web`, `KubeProxyConfiguration`: an object target in messages. */
export function describeObject(t: ObjectTarget): string {
  const name = t.name === undefined ? '' : ` ${t.namespace ? `${t.namespace}/` : ''}${t.name}`
  return `${t.kind}${name}`
}
