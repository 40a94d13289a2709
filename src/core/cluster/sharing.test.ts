/**
 * What nodes share after assembly (README.md, "Scale"): kube-proxy's chains are the same
 * objects on every node whose render is shared, while chains the CNI writes per node are
 * not; flannel's entries for a peer are one object on every other node; and a trace still
 * crosses the cluster with namespaces built on first use.
 */
import { describe, expect, it } from 'vitest'
import { allDelivered, traceBetween } from '../app/cluster-trace.js'
import { loadCluster } from '../kube/load/index.js'
import { findNetns } from '../model/cluster-state.js'
import type { Ruleset } from '../netfilter/rule.js'
import { assembleCluster } from './index.js'

const NODES = [0, 1, 2]
  .map(
    (i) => `---
apiVersion: v1
kind: Node
metadata: {name: n${i}}
spec: {podCIDR: 10.244.${i}.0/24}
status: {addresses: [{type: InternalIP, address: 10.39.0.${i + 11}}]}`,
  )
  .join('\n')

const YAML = `apiVersion: kubeproxy.config.k8s.io/v1alpha1
kind: KubeProxyConfiguration
mode: iptables
clusterCIDR: 10.244.0.0/16
---
apiVersion: v1
kind: ConfigMap
metadata: {name: kube-flannel-cfg, namespace: kube-flannel}
data:
  net-conf.json: '{"Network": "10.244.0.0/16", "Backend": {"Type": "vxlan"}}'
${NODES}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: default}
spec:
  replicas: 3
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: nginx, ports: [{containerPort: 8080}]}]}
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: default}
spec:
  selector: {app: web}
  ports: [{port: 80, targetPort: 8080}]
`

function chainOf(rs: Ruleset | undefined, table: string, name: string) {
  return rs?.tables.find((t) => t.name === table)?.chains.find((c) => c.name === name)
}

describe('assembled nodes share what they have in common', () => {
  const cluster = loadCluster([{ file: 'sharing.yaml', text: YAML }])
  const state = assembleCluster(cluster)
  const node = (n: string) => findNetns(state, `node-${n}`)

  it("kube-proxy's chains are shared, the CNI's own are not", () => {
    const [a, b] = [node('n0')?.iptables.ipv4, node('n1')?.iptables.ipv4]
    expect(chainOf(a, 'nat', 'KUBE-SERVICES')).toBeDefined()
    expect(chainOf(a, 'nat', 'KUBE-SERVICES')).toBe(chainOf(b, 'nat', 'KUBE-SERVICES'))
    expect(chainOf(a, 'nat', 'KUBE-POSTROUTING')).toBe(chainOf(b, 'nat', 'KUBE-POSTROUTING'))
    // flanneld's masquerade rules name the node's own subnet.
    expect(chainOf(a, 'nat', 'FLANNEL-POSTRTG')).not.toEqual(chainOf(b, 'nat', 'FLANNEL-POSTRTG'))
    // POSTROUTING holds kube-proxy's jump and flanneld's: a per-node copy.
    expect(chainOf(a, 'nat', 'POSTROUTING')?.rules).toHaveLength(2)
  })

  it("flannel's route, neighbour and FDB entry for a peer are one object on every node", () => {
    const toN2 = (n: string) => node(n)?.routes.find((r) => r.dst === '10.244.2.0/24')
    expect(toN2('n0')).toBeDefined()
    expect(toN2('n0')).toBe(toN2('n1'))
    const neigh = (n: string) => node(n)?.neighbours.find((x) => x.dst === '10.244.2.0')
    expect(neigh('n0')).toBeDefined()
    expect(neigh('n0')).toBe(neigh('n1'))
    const fdb = (n: string) => node(n)?.fdb?.find((x) => x.dst === '10.39.0.13')
    expect(fdb('n0')).toBeDefined()
    expect(fdb('n0')).toBe(fdb('n1'))
  })

  it('traces across the cluster, and again the same on the warm World', () => {
    const world = { cluster, state, warnings: [] }
    const pod = cluster.pods.find((p) => p.spec.nodeName === 'n0')
    const ask = () =>
      traceBetween({
        inputs: [],
        world,
        from: `pod/default/${pod?.metadata.name}`,
        to: 'svc/default/web',
      })
    const first = ask()
    expect(first.trace.branches).toHaveLength(3)
    expect(allDelivered(first.trace)).toBe(true)
    // The World's caches (ARP answers, floods, routes) change nothing in the answer.
    expect(ask().trace).toEqual(first.trace)
  })
})
