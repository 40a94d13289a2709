/**
 * End to end: YAML in, the objects a cluster would hold out. And the EndpointSlice controller
 * checked against kube-proxy's own test inputs: each conformance case, rewritten as Pods behind
 * a selector, yields the EndpointSlices the case gives explicitly.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { stringify } from 'yaml'
import { KUBE_PROXY_CONFORMANCE } from '../../../../test/support/shared.js'
import type { Cluster, Endpoint, EndpointSlice, Pod, Service } from '../model.js'
import { loadCluster } from './index.js'

const APP = `kind: Cluster
apiVersion: kind.x-k8s.io/v1alpha4
nodes:
- role: control-plane
- role: worker
- role: worker
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  replicas: 3
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: nginx
        image: nginx
        ports: [{name: http, containerPort: 8080}]
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop}
spec:
  type: NodePort
  selector: {app: web}
  ports: [{name: http, port: 80, targetPort: http}]
`

describe('a Deployment and a Service on a kind cluster', () => {
  const c = loadCluster([{ file: 'app.yaml', text: APP }])

  it('makes three pods on the two workers (the control plane is tainted), with IPs', () => {
    expect(c.pods.map((p) => [p.spec.nodeName, p.status?.podIP, p.status?.phase])).toEqual([
      ['kind-worker', '10.244.1.2', 'Running'],
      ['kind-worker2', '10.244.2.2', 'Running'],
      ['kind-worker', '10.244.1.3', 'Running'],
    ])
    for (const p of c.pods) expect(p.metadata.name).toMatch(/^web-[456789bcdf]+-[a-z0-9]{5}$/)
  })

  it('allocates the kubernetes Service .1, the app .2 and a NodePort', () => {
    expect(
      c.services.map((s) => [s.metadata.name, s.spec.clusterIP, s.spec.ports[0]?.nodePort]),
    ).toEqual([
      ['kubernetes', '10.96.0.1', undefined],
      ['web', '10.96.0.2', 30000],
    ])
  })

  it('writes the EndpointSlices: the API server’s and the controller’s', () => {
    const [k, web] = c.endpointSlices
    expect(k?.endpoints[0]?.addresses).toEqual(['172.18.0.2'])
    expect(web?.metadata.labels?.['kubernetes.io/service-name']).toBe('web')
    expect(web?.ports).toEqual([{ name: 'http', port: 8080, protocol: 'TCP' }])
    expect(web?.endpoints.map((e) => [e.addresses[0], e.nodeName, e.conditions?.ready])).toEqual([
      ['10.244.1.2', 'kind-worker', true],
      ['10.244.2.2', 'kind-worker2', true],
      ['10.244.1.3', 'kind-worker', true],
    ])
  })

  it('locates given objects only', () => {
    const web = c.services.find((s) => s.metadata.name === 'web')
    expect(web && c.locations.get(web)).toMatchObject({ file: 'app.yaml', line: 22 })
    expect(c.pods.some((p) => c.locations.has(p))).toBe(false)
    expect(c.warnings).toEqual([])
  })

  it('is deterministic', () => {
    const again = loadCluster([{ file: 'app.yaml', text: APP }])
    expect(again.pods.map((p) => p.metadata.name)).toEqual(c.pods.map((p) => p.metadata.name))
    expect(again.endpointSlices).toEqual(c.endpointSlices)
  })
})

/** What kube-proxy reads from a slice, in a comparable order. */
function view(slices: readonly EndpointSlice[], svc: Service) {
  const mine = slices.filter(
    (s) =>
      s.metadata.namespace === svc.metadata.namespace &&
      s.metadata.labels?.['kubernetes.io/service-name'] === svc.metadata.name,
  )
  const key = (e: Endpoint) => e.addresses.join(',')
  return mine
    .filter((s) => s.endpoints.length > 0)
    .map((s) => ({
      addressType: s.addressType,
      ports: [...(s.ports ?? [])].sort((a, b) => `${a.name}`.localeCompare(`${b.name}`)),
      endpoints: [...s.endpoints]
        .sort((a, b) => key(a).localeCompare(key(b)))
        .map((e) => ({
          addresses: e.addresses,
          conditions: e.conditions,
          nodeName: e.nodeName ?? 'test-node',
        })),
    }))
}

/** The case with its slices replaced by Pods a selector picks, as a user would describe it. */
function asPods(c: Cluster): string {
  const docs: object[] = [...c.nodes, c.kubeProxy]
  for (const svc of c.services) {
    const slices = c.endpointSlices.filter(
      (s) =>
        s.metadata.namespace === svc.metadata.namespace &&
        s.metadata.labels?.['kubernetes.io/service-name'] === svc.metadata.name,
    )
    if (slices.length === 0) {
      docs.push(svc)
      continue
    }
    const selector = { 'kpath-test/svc': svc.metadata.name }
    const ports = svc.spec.ports.map((p) => {
      const sp = slices[0]?.ports?.find(
        (x) => (x.name ?? '') === (p.name ?? '') && x.protocol === p.protocol,
      )
      return { ...p, targetPort: sp?.port ?? p.targetPort }
    })
    docs.push({ ...svc, spec: { ...svc.spec, selector, ports } })
    slices.forEach((s, i) => {
      s.endpoints.forEach((e, j) => {
        docs.push(podFor(svc, selector, e, `${i}-${j}`))
      })
    })
  }
  return docs.map((d) => stringify(d)).join('---\n')
}

function podFor(svc: Service, labels: Record<string, string>, e: Endpoint, id: string): Pod {
  const serving = e.conditions?.serving ?? e.conditions?.ready ?? true
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: `${svc.metadata.name}-${id}`,
      namespace: svc.metadata.namespace ?? 'default',
      labels,
      ...(e.conditions?.terminating ? { deletionTimestamp: '2026-01-01T00:00:00Z' } : {}),
    },
    spec: { nodeName: e.nodeName ?? 'test-node', containers: [{ name: 'c' }] },
    status: {
      phase: 'Running',
      podIPs: e.addresses.map((ip) => ({ ip })),
      conditions: [{ type: 'Ready', status: serving ? 'True' : 'False' }],
    },
  }
}

describe('Pods + Service yield the EndpointSlices given explicitly (kube-proxy conformance cases)', () => {
  const root = join(KUBE_PROXY_CONFORMANCE, 'cases')
  const cases = readdirSync(root).filter((d) => !d.endsWith('.json'))

  for (const slug of [...cases, '../overall']) {
    const file = join(root, slug, 'cluster.yaml')
    const given = loadCluster([{ file, text: readFileSync(file, 'utf8') }])
    if (given.endpointSlices.length === 0) continue
    it(slug.replace('../', ''), () => {
      const built = loadCluster([{ file: 'pods.yaml', text: asPods(given) }])
      expect(built.pods.length).toBeGreaterThan(0)
      for (const svc of given.services)
        expect(view(built.endpointSlices, svc)).toEqual(view(given.endpointSlices, svc))
    })
  }
})
