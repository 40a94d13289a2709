/**
 * @module bench/kube/cluster-yaml
 * The input of the 1,000-node benchmark (issue 4): Kubernetes YAML as a user gives it to
 * `kpath trace`, generated deterministically. kube-proxy in iptables mode, flannel with its
 * VXLAN backend, N Nodes (each with a podCIDR), S Deployments of P/S replicas and one
 * ClusterIP Service each. The controllers make the pods, schedule them, give them addresses
 * and make the EndpointSlices, as for any input.
 *
 * Addresses: nodes 172.16.0.2 and up (250 per /24 of the default underlay segment), pod
 * CIDRs 10.128.0.0/24 and up inside flannel's 10.128.0.0/9, ClusterIPs 10.96.0.12 and up.
 */

export interface ClusterSize {
  readonly nodes: number
  readonly pods: number
  readonly services: number
}

export const ISSUE_4: ClusterSize = { nodes: 1000, pods: 30_000, services: 5000 }

const HEADER = `apiVersion: kubeproxy.config.k8s.io/v1alpha1
kind: KubeProxyConfiguration
mode: iptables
clusterCIDR: 10.128.0.0/9
---
apiVersion: v1
kind: ConfigMap
metadata: {name: kube-flannel-cfg, namespace: kube-flannel}
data:
  net-conf.json: '{"Network": "10.128.0.0/9", "Backend": {"Type": "vxlan"}}'`

function node(i: number): string {
  const ip = `172.16.${Math.floor(i / 250)}.${(i % 250) + 2}`
  return `---
apiVersion: v1
kind: Node
metadata: {name: node-${i}}
spec: {podCIDR: 10.${128 + Math.floor(i / 256)}.${i % 256}.0/24}
status:
  addresses:
  - {type: InternalIP, address: ${ip}}`
}

/** The ClusterIP of Service `s` (the first ten addresses of 10.96.0.0/12 are left free). */
export function serviceIP(s: number): string {
  return `10.96.${Math.floor((s + 10) / 250)}.${((s + 10) % 250) + 2}`
}

function app(s: number, replicas: number): string {
  return `---
apiVersion: apps/v1
kind: Deployment
metadata: {name: app-${s}, namespace: default}
spec:
  replicas: ${replicas}
  selector: {matchLabels: {app: app-${s}}}
  template:
    metadata: {labels: {app: app-${s}}}
    spec:
      containers:
      - {name: c, image: nginx, ports: [{containerPort: 8080}]}
---
apiVersion: v1
kind: Service
metadata: {name: svc-${s}, namespace: default}
spec:
  selector: {app: app-${s}}
  clusterIP: ${serviceIP(s)}
  ports: [{port: 80, targetPort: 8080}]`
}

/** The YAML text; pods are spread evenly over the Deployments (the remainder is dropped). */
export function clusterYaml(size: ClusterSize): string {
  const out = [HEADER]
  for (let i = 0; i < size.nodes; i++) out.push(node(i))
  const replicas = Math.floor(size.pods / size.services)
  for (let s = 0; s < size.services; s++) out.push(app(s, replicas))
  return `${out.join('\n')}\n`
}
