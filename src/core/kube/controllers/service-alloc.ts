/**
 * @module core/kube/controllers/service-alloc
 * Which Services the API server's allocators still have to fill. A Service that carries a
 * `clusterIP` was read back from an API server (`kubectl get -o yaml`, or a kube-proxy test's
 * input): it is kept exactly as given, including a NodePort Service without a nodePort (see
 * README.md). A Service without one is new, as a manifest is, and gets what `kubectl apply`
 * would give it.
 */
import type { Service } from '../model.js'

export function isNewService(s: Service): boolean {
  if (s.spec.type === 'ExternalName') return false
  const ips = s.spec.clusterIPs ?? []
  return (s.spec.clusterIP === undefined || s.spec.clusterIP === '') && ips.every((ip) => ip === '')
}
