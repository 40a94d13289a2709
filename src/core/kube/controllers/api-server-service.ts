/**
 * @module core/kube/controllers/api-server-service
 * kube-apiserver keeps the `kubernetes` Service in `default` (ClusterIP, port 443 `https` →
 * 6443) and writes its endpoints itself: an EndpointSlice named `kubernetes` listing the API
 * servers. kpath creates both when the Service is absent and the input is a cluster being
 * built (option `apiServerService: 'auto'`: a kind or kubeadm config, a new Service or a
 * workload is present); an input that is already an API server's stored state (every Service
 * has its clusterIP) is left as it is. The endpoint is the first control-plane Node's InternalIP
 * (the first Node's if none is labelled node-role.kubernetes.io/control-plane) on port 6443.
 */
import type { EndpointSlice, Node, Service } from '../model.js'
import { familyOf, parseRanges } from './ranges.js'
import { isNewService } from './service-alloc.js'
import type { ClusterDraft, ControllerOptions } from './types.js'

const NAME = 'kubernetes'
const API_PORT = 6443

export function addApiServerService(draft: ClusterDraft, options: ControllerOptions): ClusterDraft {
  const exists = draft.services.some(
    (s) => s.metadata.name === NAME && s.metadata.namespace === 'default',
  )
  if (exists || !wanted(draft, options.apiServerService)) return draft
  const family = parseRanges(draft.networking.serviceSubnet)[0]?.family ?? 4
  const address = apiServerAddress(draft.nodes, family)
  return {
    ...draft,
    services: [kubernetesService(family), ...draft.services],
    endpointSlices:
      address === undefined
        ? draft.endpointSlices
        : [...draft.endpointSlices, slice(address, family)],
  }
}

function wanted(draft: ClusterDraft, option: 'auto' | boolean): boolean {
  if (option !== 'auto') return option
  return draft.fromClusterConfig || draft.workloads.length > 0 || draft.services.some(isNewService)
}

function kubernetesService(family: 4 | 6): Service {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      name: NAME,
      namespace: 'default',
      labels: { component: 'apiserver', provider: 'kubernetes' },
    },
    spec: {
      type: 'ClusterIP',
      ipFamilies: [family === 4 ? 'IPv4' : 'IPv6'],
      ipFamilyPolicy: 'SingleStack',
      ports: [{ name: 'https', protocol: 'TCP', port: 443, targetPort: API_PORT }],
      sessionAffinity: 'None',
      internalTrafficPolicy: 'Cluster',
    },
  }
}

function apiServerAddress(nodes: readonly Node[], family: 4 | 6): string | undefined {
  const controlPlane = nodes.filter(
    (n) => n.metadata.labels?.['node-role.kubernetes.io/control-plane'] !== undefined,
  )
  for (const node of controlPlane.length > 0 ? controlPlane : nodes)
    for (const a of node.status.addresses)
      if (a.type === 'InternalIP' && familyOf(a.address) === family) return a.address
  return undefined
}

function slice(address: string, family: 4 | 6): EndpointSlice {
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { name: NAME, namespace: 'default', labels: { 'kubernetes.io/service-name': NAME } },
    addressType: family === 4 ? 'IPv4' : 'IPv6',
    endpoints: [{ addresses: [address], conditions: { ready: true } }],
    ports: [{ name: 'https', protocol: 'TCP', port: API_PORT }],
  }
}
