/**
 * renderShareKey must never let two nodes share a render that differs: on every example
 * cluster and on variants that exercise each node-dependent input (Local traffic policies,
 * topology hints, NodeCIDR detection, nodePortAddresses, loadBalancerSourceRanges), nodes with
 * equal keys render byte-identical payloads, and the plain cluster does share.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { loadCluster } from '../load/index.js'
import type { Cluster } from '../model.js'
import { proxyNodeContext, renderKubeProxy } from './index.js'
import { renderShareKey } from './share-key.js'

const EXAMPLES = new URL('../../../../examples/', import.meta.url)

function exampleFiles(): string[] {
  return ['seeds/', 'clusters/'].flatMap((dir) =>
    readdirSync(new URL(dir, EXAMPLES))
      .filter((f) => f.endsWith('.yaml'))
      .map((f) => `${dir}${f}`),
  )
}

interface NodeRender {
  readonly node: string
  readonly key: string | undefined
  readonly text: string
}

/** Every node's key and rendered payloads (both families), as the assembly asks for them. */
function renders(cluster: Cluster): NodeRender[] {
  return cluster.nodes.map((n) => {
    const ctx = proxyNodeContext(cluster, { nodeName: n.metadata.name })
    const out = renderKubeProxy(cluster, ctx)
    const text = [out.iptables?.ipv4?.emitted, out.iptables?.ipv6?.emitted].join('\n--\n')
    return { node: n.metadata.name, key: renderShareKey(cluster, ctx), text }
  })
}

/** Nodes with the same defined key render the same text. */
function expectSound(all: readonly NodeRender[]): void {
  for (const a of all)
    for (const b of all)
      if (a.key !== undefined && a.key === b.key)
        expect(b.text, `${a.node} and ${b.node} share a key`).toBe(a.text)
}

const NODES = ['a', 'b', 'c']
  .map(
    (n, i) => `---
apiVersion: v1
kind: Node
metadata: {name: node-${n}, labels: {topology.kubernetes.io/zone: z${i % 2}}}
spec: {podCIDR: 10.244.${i}.0/24}
status: {addresses: [{type: InternalIP, address: 10.0.0.${i + 10}}]}`,
  )
  .join('\n')

/** Three nodes, a pod on each, and a Service whose spec gets `svc` appended. */
function variant(proxy: string, svc: string, slice = ''): string {
  const pods = ['a', 'b', 'c']
    .map(
      (n, i) => `---
apiVersion: v1
kind: Pod
metadata: {name: web-${n}, namespace: default, labels: {app: web}}
spec:
  nodeName: node-${n}
  containers: [{name: c, image: x, ports: [{containerPort: 8080}]}]
status: {podIP: 10.244.${i}.5}`,
    )
    .join('\n')
  return `apiVersion: kubeproxy.config.k8s.io/v1alpha1
kind: KubeProxyConfiguration
mode: iptables
clusterCIDR: 10.244.0.0/16
${proxy}
${NODES}
${pods}
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: default}
spec:
  selector: {app: web}
  ports: [{port: 80, targetPort: 8080}]
${svc}
${slice}`
}

const LB = `  type: LoadBalancer
status: {loadBalancer: {ingress: [{ip: 192.0.2.10}]}}`

/** A hand-written EndpointSlice whose endpoints carry zone hints. */
const HINTED = `---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata:
  name: web-hinted
  namespace: default
  labels: {kubernetes.io/service-name: web}
addressType: IPv4
ports: [{port: 8080, protocol: TCP, name: ''}]
endpoints:
${[0, 1, 2]
  .map(
    (i) =>
      `- {addresses: [10.244.${i}.5], conditions: {ready: true}, nodeName: node-${'abc'[i]}, hints: {forZones: [{name: z${i % 2}}]}}`,
  )
  .join('\n')}`

const load = (text: string) => loadCluster([{ file: 'variant.yaml', text }])

describe('renderShareKey', () => {
  it.each(exampleFiles())('nodes of %s that share a key render the same', (file) => {
    const text = readFileSync(new URL(file, EXAMPLES), 'utf8')
    expectSound(renders(load(text)))
  })

  it('a plain cluster renders once for every node', () => {
    const all = renders(load(variant('', '')))
    expectSound(all)
    expect(all[0]?.key).toBeDefined()
    expect(new Set(all.map((r) => r.key)).size).toBe(1)
    expect(new Set(all.map((r) => r.text)).size).toBe(1)
  })

  it.each([
    ['internalTrafficPolicy Local', '', '  internalTrafficPolicy: Local', ''],
    ['externalTrafficPolicy Local', '', `  externalTrafficPolicy: Local\n${LB}`, ''],
    ['zone hints', '', '', HINTED],
  ])('%s: every node renders its own', (_name, proxy, svc, slice) => {
    const all = renders(load(variant(proxy, svc, slice)))
    expect(all.map((r) => r.key)).toEqual([undefined, undefined, undefined])
    // The variant really is node-dependent.
    expect(new Set(all.map((r) => r.text)).size).toBeGreaterThan(1)
  })

  it.each([
    ['detectLocalMode NodeCIDR', 'detectLocalMode: NodeCIDR', ''],
    ['nodePortAddresses', 'nodePortAddresses: [10.0.0.0/24]', '  type: NodePort'],
    [
      'loadBalancerSourceRanges with a node inside',
      '',
      `  loadBalancerSourceRanges: [10.0.0.10/32]\n${LB}`,
    ],
  ])('%s: nodes whose rules differ get different keys', (_name, proxy, svc) => {
    const all = renders(load(variant(proxy, svc)))
    expectSound(all)
    // The variant really is node-dependent, and the keys say so.
    expect(new Set(all.map((r) => r.text)).size).toBeGreaterThan(1)
    expect(all.every((r) => r.key !== undefined)).toBe(true)
  })
})
