/**
 * @module bench/kube/cluster
 * A {@link Cluster} object for the render benchmark: one node, N ClusterIP Services × E ready
 * endpoints on other nodes, built directly as the loader would return it, so the benchmark
 * times kube-proxy's rendering, not YAML parsing.
 */
import type { Cluster, EndpointSlice, Node, Service } from '../../src/core/kube/model.js'

function ip(base: number, i: number): string {
  const v = (base + i) >>> 0
  return `${v >>> 24}.${(v >>> 16) & 255}.${(v >>> 8) & 255}.${v & 255}`
}

const SERVICE_BASE = (10 << 24) | (96 << 16) // 10.96.0.0
const POD_BASE = (10 << 24) | (244 << 16) // 10.244.0.0

export function benchCluster(services: number, endpoints: number): Cluster {
  const node: Node = {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name: 'node-1' },
    spec: { podCIDR: '10.244.0.0/24' },
    status: { addresses: [{ type: 'InternalIP', address: '192.168.0.2' }] },
  }
  const svcs: Service[] = []
  const slices: EndpointSlice[] = []
  for (let s = 0; s < services; s++) {
    const name = `svc-${s}`
    svcs.push({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name, namespace: 'bench' },
      spec: {
        type: 'ClusterIP',
        clusterIP: ip(SERVICE_BASE, s + 2),
        ports: [{ name: 'http', protocol: 'TCP', port: 80, targetPort: 8080 }],
        internalTrafficPolicy: 'Cluster',
        sessionAffinity: 'None',
      },
    })
    slices.push({
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: {
        name: `${name}-1`,
        namespace: 'bench',
        labels: { 'kubernetes.io/service-name': name },
      },
      addressType: 'IPv4',
      endpoints: Array.from({ length: endpoints }, (_, e) => ({
        addresses: [ip(POD_BASE, 256 + s * endpoints + e)],
        conditions: { ready: true, serving: true, terminating: false },
        nodeName: 'node-2',
      })),
      ports: [{ name: 'http', protocol: 'TCP', port: 8080 }],
    })
  }
  return {
    nodes: [node],
    pods: [],
    services: svcs,
    endpointSlices: slices,
    workloads: [],
    kubeProxy: {
      apiVersion: 'kubeproxy.config.k8s.io/v1alpha1',
      kind: 'KubeProxyConfiguration',
      mode: 'iptables',
      clusterCIDR: '10.244.0.0/16',
      detectLocalMode: 'ClusterCIDR',
      nodePortAddresses: [],
      iptables: { masqueradeAll: false, masqueradeBit: 14, localhostNodePorts: true },
    },
    networking: { podSubnet: '10.244.0.0/16', serviceSubnet: '10.96.0.0/12' },
    ignored: [],
    extensions: [],
    warnings: [],
    locations: new Map(),
  }
}
