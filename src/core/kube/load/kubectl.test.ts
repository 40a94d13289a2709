/**
 * Manifests as kubectl writes them (testdata/kubectl-app.yaml, made by the real kubectl), on a
 * kind cluster: what the API server and controllers would make of them.
 */
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { loadCluster } from './index.js'

const FILE = new URL('./testdata/kubectl-app.yaml', import.meta.url)
const TEXT = readFileSync(FILE, 'utf8')
const KIND =
  'kind: Cluster\napiVersion: kind.x-k8s.io/v1alpha4\nnodes: [{role: control-plane}, {role: worker}]\n'

describe('kubectl-made manifests', () => {
  const c = loadCluster([
    { file: 'kind.yaml', text: KIND },
    { file: 'kubectl-app.yaml', text: TEXT },
  ])
  const svc = (name: string) => c.services.find((s) => s.metadata.name === name)

  it('lists the Namespace as ignored and keeps the ConfigMap for the CNI models', () => {
    expect(c.ignored.map((i) => `${i.kind}/${i.name}`)).toEqual(['Namespace/shop'])
    expect(c.extensions.map((e) => `${e.kind}/${e.metadata.namespace}/${e.metadata.name}`)).toEqual(
      ['ConfigMap/shop/cfg'],
    )
  })

  it('keeps kubectl’s port names and the given nodePort; allocates the rest', () => {
    expect(svc('web')?.spec.ports).toEqual([
      { name: '80-8080', port: 80, protocol: 'TCP', targetPort: 8080 },
    ])
    expect(svc('web-np')?.spec.ports[0]?.nodePort).toBe(30080)
    expect(svc('web-lb')?.spec.ports[0]?.nodePort).toBe(30000)
    expect(c.services.map((s) => [s.metadata.name, s.spec.clusterIP])).toEqual([
      ['kubernetes', '10.96.0.1'],
      ['web', '10.96.0.2'],
      ['web-np', '10.96.0.3'],
      ['web-lb', '10.96.0.4'],
      ['ext', undefined],
    ])
  })

  it('runs 3 web pods and the job’s pod on the worker', () => {
    expect(c.pods.map((p) => p.metadata.name.replace(/-[a-z0-9]{5}$/, '-*'))).toEqual([
      expect.stringMatching(/^web-[456789bcdf]+-\*$/),
      expect.stringMatching(/^web-[456789bcdf]+-\*$/),
      expect.stringMatching(/^web-[456789bcdf]+-\*$/),
      'migrate-*',
    ])
    expect(new Set(c.pods.map((p) => p.spec.nodeName))).toEqual(new Set(['kind-worker']))
    expect(c.pods.map((p) => p.status?.podIP)).toEqual([
      '10.244.1.2',
      '10.244.1.3',
      '10.244.1.4',
      '10.244.1.5',
    ])
  })

  it('gives web its endpoints; web-np and web-lb select nothing (a warning each)', () => {
    const slices = (name: string) =>
      c.endpointSlices.filter((s) => s.metadata.labels?.['kubernetes.io/service-name'] === name)
    expect(slices('web').flatMap((s) => s.endpoints.map((e) => e.addresses[0]))).toEqual([
      '10.244.1.2',
      '10.244.1.3',
      '10.244.1.4',
    ])
    expect(slices('web')[0]?.ports).toEqual([{ name: '80-8080', port: 8080, protocol: 'TCP' }])
    expect(slices('ext')).toEqual([])
    expect(c.warnings.map((w) => [w.message.replace(/:.*/, ''), w.location?.line])).toEqual([
      ['Service shop/web-np', 58],
      ['Service shop/web-lb', 79],
    ])
  })
})
