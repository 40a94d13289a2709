/**
 * The kube-proxy conformance inputs (../shared/conformance/kube-proxy) load as kube-proxy saw
 * them: nothing added (no `kubernetes` Service, no NodePort for overall svc4), every object of
 * every document kept, and the quirks the README lists accepted.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { parseAllDocuments } from 'yaml'
import { KUBE_PROXY_CONFORMANCE, requireShared } from '../../../../test/support/shared.js'
import { loadCluster } from './index.js'

requireShared()

function clusterFiles(): { name: string; file: string }[] {
  const cases = join(KUBE_PROXY_CONFORMANCE, 'cases')
  return [
    { name: 'overall', file: join(KUBE_PROXY_CONFORMANCE, 'overall', 'cluster.yaml') },
    ...readdirSync(cases, { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => ({ name: d.name, file: join(cases, d.name, 'cluster.yaml') })),
  ]
}

/** Kinds per document, read with the YAML library alone: the loader must keep every one. */
function kindsIn(text: string): string[] {
  return parseAllDocuments(text)
    .map((d) => d.toJS() as { kind?: string } | null)
    .flatMap((o) => (o?.kind === undefined ? [] : [o.kind]))
}

describe('kube-proxy conformance inputs', () => {
  const files = clusterFiles()

  it('there are 49 inputs (overall + 48 cases)', () => {
    expect(files).toHaveLength(49)
  })

  for (const { name, file } of files)
    it(`${name} loads with every object, nothing added`, () => {
      const text = readFileSync(file, 'utf8')
      const c = loadCluster([{ file, text }])
      const kinds = kindsIn(text)
      const count = (k: string) => kinds.filter((x) => x === k).length
      expect(c.services).toHaveLength(count('Service'))
      expect(c.endpointSlices).toHaveLength(count('EndpointSlice'))
      expect(c.nodes).toHaveLength(count('Node'))
      expect(c.pods).toHaveLength(0)
      expect(c.ignored).toEqual([])
      for (const s of c.services) expect(c.locations.get(s)?.file).toBe(file)
      expect(c.locations.get(c.kubeProxy)?.file).toBe(file)
    })

  it('overall: svc4 keeps no nodePort, source ranges keep their space, mode and mark as given', () => {
    const file = join(KUBE_PROXY_CONFORMANCE, 'overall', 'cluster.yaml')
    const c = loadCluster([{ file, text: readFileSync(file, 'utf8') }])
    const svc = (n: string) => c.services.find((s) => s.metadata.name === n)?.spec
    expect(svc('svc4')?.ports).toEqual([{ name: 'p80', protocol: 'TCP', port: 80, targetPort: 80 }])
    expect(svc('svc5')?.loadBalancerSourceRanges).toEqual([' 203.0.113.0/25'])
    expect(svc('svc2')?.ports[0]?.nodePort).toBe(3001)
    expect(c.kubeProxy).toMatchObject({
      mode: 'iptables',
      clusterCIDR: '10.0.0.0/8',
      hostnameOverride: 'test-node',
    })
    expect(c.services.some((s) => s.metadata.name === 'kubernetes')).toBe(false)
    expect(c.warnings.map((w) => w.message)).toEqual([
      'Service ns6/svc6 has no selector and no EndpointSlices or Endpoints: it has no endpoints, and kube-proxy rejects its traffic',
    ])
  })
})
