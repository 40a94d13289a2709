/**
 * @module core/cluster/testing/clusters
 * Test support: small clusters as YAML (nodes `alpha`, `beta`, `gamma` on 10.39.0.11-13, pods
 * `web-<node>-<i>` pinned with nodeName, kube-proxy with clusterCIDR 10.244.0.0/16, so podCIDRs
 * are 10.244.0.0/24, 10.244.1.0/24, … in node order and pods get .2, .3, …), plus helpers to
 * pick namespaces and routes out of an assembled cluster.
 */

import { loadCluster } from '../../kube/load/index.js'
import type { NetnsState, Route } from '../../model/netns.js'
import { type AssembledCluster, assembleCluster } from '../index.js'

export const NODE_NAMES = ['alpha', 'beta', 'gamma'] as const

export interface ClusterSpec {
  readonly nodes?: number
  readonly podsPerNode?: number
  /** Extra YAML documents (a ConfigMap, a Topology, a DaemonSet …). */
  readonly extra?: readonly string[]
  /** Give the pod network in a kubeadm ClusterConfiguration instead of a KubeProxyConfiguration. */
  readonly kubeadm?: boolean
  /** The nodes' InternalIPs (default 10.39.0.11, .12, .13). */
  readonly nodeIPs?: readonly string[]
  /** YAML lines added under each Node's metadata (annotations). */
  readonly nodeMeta?: (name: string) => string
}

export function clusterYaml(spec: ClusterSpec = {}): string {
  const nodes = NODE_NAMES.slice(0, spec.nodes ?? 3)
  const docs = [
    spec.kubeadm
      ? 'apiVersion: kubeadm.k8s.io/v1beta4\nkind: ClusterConfiguration\nnetworking: {podSubnet: 10.244.0.0/16}'
      : 'apiVersion: kubeproxy.config.k8s.io/v1alpha1\nkind: KubeProxyConfiguration\nclusterCIDR: 10.244.0.0/16',
    ...nodes.map(
      (n, i) =>
        `apiVersion: v1\nkind: Node\nmetadata:\n  name: ${n}\n${spec.nodeMeta?.(n) ?? ''}status:\n  addresses: [{type: InternalIP, address: ${spec.nodeIPs?.[i] ?? `10.39.0.${11 + i}`}}, {type: Hostname, address: ${n}}]`,
    ),
    ...nodes.flatMap((n) =>
      Array.from(
        { length: spec.podsPerNode ?? 2 },
        (_, i) =>
          `apiVersion: v1\nkind: Pod\nmetadata: {name: web-${n}-${i + 1}, labels: {app: web}}\nspec:\n  nodeName: ${n}\n  containers: [{name: web, image: nginx, ports: [{containerPort: 8080}]}]`,
      ),
    ),
    'apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec: {selector: {app: web}, ports: [{port: 80, targetPort: 8080}], clusterIP: 10.96.0.10}',
    ...(spec.extra ?? []),
  ]
  return `${docs.join('\n---\n')}\n`
}

export function assemble(spec: ClusterSpec = {}): AssembledCluster {
  return assembleCluster(loadCluster([{ file: 'cluster.yaml', text: clusterYaml(spec) }]))
}

export function netns(state: AssembledCluster, name: string): NetnsState {
  const n = state.namespaces.find((x) => x.name === name)
  if (n === undefined)
    throw new Error(`no namespace ${name} in ${state.namespaces.map((x) => x.name).join(', ')}`)
  return n
}

/** The cluster with namespace `name` replaced by `change` of it (a test's hand edit). */
export function withNetns(
  s: AssembledCluster,
  name: string,
  change: (n: NetnsState) => NetnsState,
): AssembledCluster {
  return { ...s, namespaces: s.namespaces.map((n) => (n.name === name ? change(n) : n)) }
}

/** `ip route`-like one-liners of the main table's IPv4 routes, in state order. */
export function mainRoutes(n: NetnsState): string[] {
  return n.routes.filter((r) => r.family === 4 && r.table === 254).map(routeText)
}

export function routeText(r: Route): string {
  const parts = [r.type === 'unicast' ? r.dst : `${r.type} ${r.dst}`]
  if (r.via) parts.push(`via ${r.via}`)
  if (r.dev) parts.push(`dev ${r.dev}`)
  if (r.proto && r.proto !== 'boot') parts.push(`proto ${r.proto}`)
  if (r.scope && r.scope !== 'global') parts.push(`scope ${r.scope}`)
  if (r.src) parts.push(`src ${r.src}`)
  if (r.onlink) parts.push('onlink')
  return parts.join(' ')
}

/** A ConfigMap kube-flannel-cfg with the given net-conf.json (and optionally cni-conf.json). */
export function flannelConfigMap(netConf: string, cniConf?: string): string {
  const indent = (s: string) =>
    s
      .split('\n')
      .map((l) => `    ${l}`)
      .join('\n')
  const cni = cniConf === undefined ? '' : `\n  cni-conf.json: |\n${indent(cniConf)}`
  return `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: kube-flannel-cfg, namespace: kube-flannel}\ndata:\n  net-conf.json: |\n${indent(netConf)}${cni}`
}

/** The kube-flannel DaemonSet with flanneld's arguments. */
export function flannelDaemonSet(args: readonly string[]): string {
  return `apiVersion: apps/v1\nkind: DaemonSet\nmetadata: {name: kube-flannel-ds, namespace: kube-flannel}\nspec:\n  selector: {matchLabels: {app: flannel}}\n  template:\n    metadata: {labels: {app: flannel}}\n    spec:\n      hostNetwork: true\n      containers:\n      - name: kube-flannel\n        image: ghcr.io/flannel-io/flannel:v0.28.0\n        command: [/opt/bin/flanneld]\n        args: [${args.join(', ')}]`
}
