/**
 * The same Service given two ways must render the same rules: with Pods, from which the
 * loader's EndpointSlice controller derives the slices, and with a hand-written EndpointSlice
 * holding what that controller would write (in another order, conditions partly left to their
 * defaults). Chain names hash only service port, protocol and endpoint address, so they agree.
 */
import { describe, expect, it } from 'vitest'
import { loadCluster } from '../load/index.js'
import { proxyNodeContext } from './context.js'
import { renderKubeProxy } from './index.js'

const COMMON = `apiVersion: v1
kind: Node
metadata:
  name: node-a
  labels:
    topology.kubernetes.io/zone: zone-a
status:
  addresses:
  - type: InternalIP
    address: 192.168.0.2
---
apiVersion: v1
kind: Node
metadata:
  name: node-b
status:
  addresses:
  - type: InternalIP
    address: 192.168.0.3
---
apiVersion: kubeproxy.config.k8s.io/v1alpha1
kind: KubeProxyConfiguration
mode: iptables
hostnameOverride: node-a
clusterCIDR: 10.244.0.0/16
---
apiVersion: v1
kind: Service
metadata:
  name: web
  namespace: shop
spec:
  type: NodePort
  clusterIP: 10.96.0.50
  selector:
    app: web
  externalTrafficPolicy: Local
  ports:
  - name: http
    port: 80
    targetPort: 8080
    nodePort: 30080`

const PODS = `apiVersion: v1
kind: Pod
metadata:
  name: web-1
  namespace: shop
  labels:
    app: web
spec:
  nodeName: node-a
  containers:
  - name: app
    image: nginx
status:
  phase: Running
  podIP: 10.244.1.5
  conditions:
  - type: Ready
    status: "True"
---
apiVersion: v1
kind: Pod
metadata:
  name: web-2
  namespace: shop
  labels:
    app: web
spec:
  nodeName: node-b
  containers:
  - name: app
    image: nginx
status:
  phase: Running
  podIP: 10.244.2.7
  conditions:
  - type: Ready
    status: "True"
---
apiVersion: v1
kind: Pod
metadata:
  name: web-3
  namespace: shop
  labels:
    app: web
  deletionTimestamp: "2026-01-01T00:00:00Z"
spec:
  nodeName: node-a
  containers:
  - name: app
    image: nginx
status:
  phase: Running
  podIP: 10.244.1.9
  conditions:
  - type: Ready
    status: "True"
---
apiVersion: v1
kind: Pod
metadata:
  name: web-4
  namespace: shop
  labels:
    app: web
spec:
  nodeName: node-b
  containers:
  - name: app
    image: nginx
status:
  phase: Running
  podIP: 10.244.2.8
  conditions:
  - type: Ready
    status: "False"
`

const SLICE = `apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata:
  name: web-manual
  namespace: shop
  labels:
    kubernetes.io/service-name: web
addressType: IPv4
ports:
- name: http
  port: 8080
  protocol: TCP
endpoints:
- addresses: [10.244.2.8]
  conditions: {ready: false, serving: false, terminating: false}
  nodeName: node-b
- addresses: [10.244.1.9]
  conditions: {ready: false, serving: true, terminating: true}
  nodeName: node-a
  zone: zone-a
- addresses: [10.244.2.7]
  conditions: {ready: true, serving: true, terminating: false}
  nodeName: node-b
- addresses: [10.244.1.5]
  nodeName: node-a
  zone: zone-a`

function render(text: string, mode: 'iptables' | 'nftables') {
  const loaded = loadCluster([{ text, file: 'cluster.yaml' }])
  const cluster = { ...loaded, kubeProxy: { ...loaded.kubeProxy, mode } }
  return renderKubeProxy(cluster, proxyNodeContext(cluster))
}

describe('Pods + Service render the same rules as Service + explicit EndpointSlice', () => {
  it('iptables: same payloads and node views, both families', () => {
    const fromPods = render(`${COMMON}\n---\n${PODS}`, 'iptables')
    const fromSlice = render(`${COMMON}\n---\n${SLICE}`, 'iptables')
    const v4 = fromPods.iptables?.ipv4?.payload ?? ''
    // Not trivially equal: both ready endpoints, and the local one in KUBE-SVL (ETP Local);
    // the terminating pod is not used while a ready local one exists, the unready one never.
    expect(v4.match(/^:KUBE-SEP-\w+ - \[0:0\]$/gm)).toHaveLength(2)
    expect(v4).toMatch(
      /^-A KUBE-SVL-\w+ -m comment --comment "shop\/web:http -> 10\.244\.1\.5:8080" -j KUBE-SEP-/m,
    )
    expect(v4).toContain('--to-destination 10.244.2.7:8080')
    expect(v4).not.toContain('10.244.1.9')
    expect(v4).not.toContain('10.244.2.8')
    expect(fromSlice.iptables?.ipv4?.payload).toBe(v4)
    expect(fromSlice.iptables?.ipv4?.emitted).toBe(fromPods.iptables?.ipv4?.emitted)
    expect(fromSlice.iptables?.ipv6?.payload).toBe(fromPods.iptables?.ipv6?.payload)
  })

  it('nftables: same tables', () => {
    const fromPods = render(`${COMMON}\n---\n${PODS}`, 'nftables')
    const fromSlice = render(`${COMMON}\n---\n${SLICE}`, 'nftables')
    expect(fromPods.nftables?.ipv4).toContain('dnat to 10.244.2.7:8080')
    expect(fromSlice.nftables?.ipv4).toBe(fromPods.nftables?.ipv4)
  })
})
