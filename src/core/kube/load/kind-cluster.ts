/**
 * @module core/kube/load/kind-cluster
 * kind's Cluster config (kind.x-k8s.io/v1alpha4) → the Nodes kind would create and the
 * cluster's networking. Names follow kind: `<cluster>-control-plane`, `<cluster>-control-plane2`,
 * …, `<cluster>-worker`, `<cluster>-worker2`, …, with the cluster name defaulting to `kind`.
 * Subnets default as kind defaults them (pkg/apis/config/v1alpha4/default.go): pods
 * 10.244.0.0/16 and fd00:10:244::/56, services 10.96.0.0/16 and fd00:10:96::/112.
 *
 * Node addresses are a stand-in: docker assigns them in container start order, which kind does
 * in parallel. kpath gives 172.18.0.2, .3, … (and fc00:f853:ccd:e793::2, …, kind's IPv6 network)
 * in config order, the usual result on a host with one kind network.
 */
import { formatIPv4, formatIPv6, parseIPv4, parseIPv6 } from '../../net/ip.js'
import type { ClusterNetworking, Node, Taint } from '../model.js'
import type { KindCluster } from './schema-config.js'

const SUBNETS = {
  ipv4: { pods: '10.244.0.0/16', services: '10.96.0.0/16' },
  ipv6: { pods: 'fd00:10:244::/56', services: 'fd00:10:96::/112' },
  dual: { pods: '10.244.0.0/16,fd00:10:244::/56', services: '10.96.0.0/16,fd00:10:96::/112' },
} as const

const V4_NETWORK = parseIPv4('172.18.0.0') ?? 0
const V6_NETWORK = parseIPv6('fc00:f853:ccd:e793::') ?? 0n

/** The control-plane taint kubeadm sets; kind removes it when the cluster has no workers. */
const CONTROL_PLANE_TAINT: Taint = {
  key: 'node-role.kubernetes.io/control-plane',
  effect: 'NoSchedule',
}

export function kindNetworking(k: KindCluster): ClusterNetworking {
  const family = k.networking.ipFamily ?? 'ipv4'
  return {
    podSubnet: k.networking.podSubnet ?? SUBNETS[family].pods,
    serviceSubnet: k.networking.serviceSubnet ?? SUBNETS[family].services,
  }
}

export function kindNodes(k: KindCluster): Node[] {
  const cluster = k.name ?? 'kind'
  const specs = k.nodes ?? [{ role: 'control-plane' as const }]
  const hasWorkers = specs.some((n) => n.role === 'worker')
  const seen = { 'control-plane': 0, worker: 0 }
  const family = k.networking.ipFamily ?? 'ipv4'
  return specs.map((spec, i) => {
    seen[spec.role]++
    const n = seen[spec.role]
    const name = `${cluster}-${spec.role}${n === 1 ? '' : n}`
    const controlPlane = spec.role === 'control-plane'
    return {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name, labels: nodeLabels(name, controlPlane, spec.labels) },
      spec: controlPlane && hasWorkers ? { taints: [CONTROL_PLANE_TAINT] } : {},
      status: { addresses: nodeAddresses(name, i, family) },
    }
  })
}

function nodeLabels(
  name: string,
  controlPlane: boolean,
  given: Readonly<Record<string, string>> | undefined,
): Record<string, string> {
  return {
    'kubernetes.io/hostname': name,
    'kubernetes.io/os': 'linux',
    ...(controlPlane
      ? {
          'node-role.kubernetes.io/control-plane': '',
          'node.kubernetes.io/exclude-from-external-load-balancers': '',
        }
      : {}),
    ...given,
  }
}

function nodeAddresses(name: string, index: number, family: 'ipv4' | 'ipv6' | 'dual') {
  const v4 = { type: 'InternalIP' as const, address: formatIPv4(V4_NETWORK + 2 + index) }
  const v6 = { type: 'InternalIP' as const, address: formatIPv6(V6_NETWORK + BigInt(2 + index)) }
  const ips = family === 'ipv4' ? [v4] : family === 'ipv6' ? [v6] : [v4, v6]
  return [...ips, { type: 'Hostname' as const, address: name }]
}
