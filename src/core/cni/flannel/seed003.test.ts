/**
 * Seed 003 (/work/shared/seeds/003_d896be209be6cb8a.txt): flannel's udp backend, node eth0
 * 10.39.0.17/24, flannel0 on 192.168.82.0, Service 10.254.51.153:80 → 192.168.67.4:8082 on
 * another node, kube-proxy without a cluster CIDR. The node's routes must give what the seed's
 * logs show: a connection to the ClusterIP leaves by the default route with source 10.39.0.17,
 * while the endpoint itself is reached through flannel0 with source 192.168.82.0.
 */
import { describe, expect, it } from 'vitest'
import { assembleCluster } from '../../cluster/index.js'
import { mainRoutes, netns } from '../../cluster/testing/clusters.js'
import { loadCluster } from '../../kube/load/index.js'
import { lookupRoute } from '../../route/lookup.js'

const SEED = `apiVersion: kubeproxy.config.k8s.io/v1alpha1
kind: KubeProxyConfiguration
clusterCIDR: ""
---
apiVersion: v1
kind: ConfigMap
metadata: {name: kube-flannel-cfg, namespace: kube-system}
data:
  net-conf.json: |
    {"Network": "192.168.0.0/16", "Backend": {"Type": "udp"}}
---
apiVersion: v1
kind: Node
metadata: {name: slave1}
spec: {podCIDR: 192.168.82.0/24}
status: {addresses: [{type: InternalIP, address: 10.39.0.17}]}
---
apiVersion: v1
kind: Node
metadata: {name: slave2}
spec: {podCIDR: 192.168.67.0/24}
status: {addresses: [{type: InternalIP, address: 10.39.0.18}]}
---
apiVersion: v1
kind: Pod
metadata: {name: busybox-1865195333-zkwtt, labels: {app: busybox}}
spec:
  nodeName: slave2
  containers: [{name: busybox, ports: [{containerPort: 8082}]}]
status: {phase: Running, podIP: 192.168.67.4}
---
apiVersion: v1
kind: Service
metadata: {name: heapster}
spec: {clusterIP: 10.254.51.153, selector: {app: busybox}, ports: [{port: 80, targetPort: 8082}]}
`

describe('seed 003: flannel udp, node → ClusterIP through the default route', () => {
  const state = assembleCluster(loadCluster([{ file: 'seed003.yaml', text: SEED }]))
  const slave1 = netns(state, 'node-slave1')

  it('has flannel0 on 192.168.82.0 and the flannel Network routed into it', () => {
    expect(slave1.links.map((l) => `${l.name}:${l.kind}`)).toEqual([
      'lo:loopback',
      'eth0:veth',
      'flannel0:tun',
    ])
    expect(
      slave1.addresses
        .filter((a) => a.family === 4 && a.iface !== 'lo')
        .map((a) => `${a.iface} ${a.local}/${a.prefixLen}`),
    ).toEqual(['eth0 10.39.0.17/24', 'flannel0 192.168.82.0/32'])
    expect(mainRoutes(slave1)).toEqual([
      'default via 10.39.0.1 dev eth0',
      '192.168.0.0/16 dev flannel0',
      '10.39.0.0/24 dev eth0 proto kernel scope link src 10.39.0.17',
    ])
    expect(slave1.daemons?.[0]?.config['route:192.168.67.0/24']).toBe('10.39.0.18')
  })

  it('routes the ClusterIP by the default route (source 10.39.0.17) and the endpoint into flannel0 (source 192.168.82.0)', () => {
    expect(pick(lookupRoute(slave1, { dst: '10.254.51.153', input: false }))).toEqual({
      dev: 'eth0',
      src: '10.39.0.17',
      via: '10.39.0.1',
    })
    expect(pick(lookupRoute(slave1, { dst: '192.168.67.4', input: false }))).toEqual({
      dev: 'flannel0',
      src: '192.168.82.0',
      via: undefined,
    })
  })

  it('has kube-proxy DNAT the ClusterIP to the endpoint without masquerading the node (no cluster CIDR)', () => {
    const nat = slave1.iptables.ipv4?.tables.find((t) => t.name === 'nat')
    const svc = nat?.chains.find((c) => c.name.startsWith('KUBE-SVC-'))
    expect(svc?.rules.map((r) => r.target?.name)).toEqual([expect.stringMatching(/^KUBE-SEP-/)])
    const sep = nat?.chains.find((c) => c.name.startsWith('KUBE-SEP-'))
    expect(sep?.rules.at(-1)?.target?.options.map((o) => o.values.join(' '))).toEqual([
      '192.168.67.4:8082',
    ])
  })
})

function pick(r: { dev?: string; src?: string; via?: string }) {
  return { dev: r.dev, src: r.src, via: r.via }
}
