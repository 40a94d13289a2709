/** REF resolution of `kpath trace` / `kpath show` on the small bridge cluster of core/cluster/testing. */
import { describe, expect, it } from 'vitest'
import { assembleCluster } from '../cluster/index.js'
import { clusterYaml } from '../cluster/testing/clusters.js'
import { loadCluster } from '../kube/load/index.js'
import { resolveRef, senderNetns } from './refs.js'

const cluster = loadCluster([{ file: 'c.yaml', text: clusterYaml({ nodes: 2 }) }])
const w = { cluster, state: assembleCluster(cluster) }

describe('resolveRef', () => {
  it('pods, nodes, externals and Services', () => {
    expect(resolveRef(w, 'pod/web-beta-1')).toMatchObject({
      netns: 'pod-default-web-beta-1',
      addr: '10.244.1.2',
      containerPort: 8080,
    })
    expect(resolveRef(w, 'pod/default/web-alpha-2')).toMatchObject({ addr: '10.244.0.3' })
    expect(resolveRef(w, 'node/beta')).toMatchObject({ netns: 'node-beta', addr: '10.39.0.12' })
    expect(resolveRef(w, 'external/client')).toMatchObject({
      netns: 'ext-client',
      addr: '203.0.113.10',
    })
    expect(resolveRef(w, 'svc/default/web')).toEqual({
      label: 'svc/default/web',
      addr: '10.96.0.10',
      port: 80,
      proto: 'tcp',
    })
    expect(resolveRef(w, 'svc/default/web:80')).toMatchObject({ port: 80 })
  })

  it('an IP: its owner, or outside the cluster (sent from the first external host)', () => {
    expect(resolveRef(w, '10.244.0.2')).toMatchObject({ netns: 'pod-default-web-alpha-1' })
    const out = resolveRef(w, '198.18.0.1')
    expect(out.netns).toBeUndefined()
    expect(senderNetns(w, out)).toBe('ext-client')
  })

  it('unknown references list what exists', () => {
    expect(() => resolveRef(w, 'node/nope')).toThrow(/no node nope/)
    let err: unknown
    try {
      resolveRef(w, 'svc/default/nope')
    } catch (e) {
      err = e
    }
    expect(err).toMatchObject({ code: 'KPATH_INVALID_ARGUMENT' })
    expect(String((err as { hint?: string }).hint)).toContain('svc/default/web')
    expect(() => resolveRef(w, 'svc/default/web:9')).toThrow(/no port 9/)
    expect(() => resolveRef(w, 'pod/a/b/c')).toThrow(/cannot read the reference/)
    expect(() => resolveRef(w, '10.0.0.300')).toThrow(/cannot read the reference/)
  })

  it('a hint names at most 12 of many pods, and says how many more exist', () => {
    const big = loadCluster([{ file: 'c.yaml', text: clusterYaml({ nodes: 2, podsPerNode: 10 }) }])
    const bw = { cluster: big, state: assembleCluster(big) }
    let err: unknown
    try {
      resolveRef(bw, 'pod/nope')
    } catch (e) {
      err = e
    }
    const hint = String((err as { hint?: string }).hint)
    expect(hint.match(/pod\/default\//g)).toHaveLength(12)
    expect(hint).toContain(`… and ${big.pods.length - 12} more`)
  })
})
