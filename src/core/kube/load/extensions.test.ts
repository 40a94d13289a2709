/**
 * Extension kinds: kpath's Topology, ConfigMaps and Calico's kinds are kept as written, located,
 * and validated by their reader through validateExtension.
 */
import { describe, expect, it } from 'vitest'
import * as z from 'zod'
import { thrown } from '../../testing/errors.js'
import { loadCluster, validateExtension } from './index.js'

const TEXT = `apiVersion: v1
kind: ConfigMap
metadata:
  name: kube-flannel-cfg
  namespace: kube-flannel
data:
  net-conf.json: |
    {"Network": "10.244.0.0/16", "Backend": {"Type": "vxlan"}}
---
apiVersion: crd.projectcalico.org/v1
kind: IPPool
metadata: {name: default-ipv4-ippool}
spec: {cidr: 192.168.0.0/16, ipipMode: Always}
---
apiVersion: projectcalico.org/v3
kind: FelixConfiguration
metadata: {name: default}
---
apiVersion: kpath.dev/v1alpha1
kind: Topology
metadata: {name: lab}
spec: {cni: flannel}
`

describe('extension kinds', () => {
  const c = loadCluster([{ file: 'x.yaml', text: TEXT }])

  it('keeps them in input order with their metadata, none ignored', () => {
    expect(c.ignored).toEqual([])
    expect(c.extensions.map((e) => `${e.apiVersion} ${e.kind} ${e.metadata.name}`)).toEqual([
      'v1 ConfigMap kube-flannel-cfg',
      'crd.projectcalico.org/v1 IPPool default-ipv4-ippool',
      'projectcalico.org/v3 FelixConfiguration default',
      'kpath.dev/v1alpha1 Topology lab',
    ])
  })

  it('keeps the whole object and locates its fields', () => {
    const cm = c.extensions[0]
    expect(cm?.metadata.namespace).toBe('kube-flannel')
    expect(cm?.object.data).toEqual({
      'net-conf.json': '{"Network": "10.244.0.0/16", "Backend": {"Type": "vxlan"}}\n',
    })
    expect(cm?.location).toMatchObject({ file: 'x.yaml', line: 1 })
    expect(cm?.at(['data', 'net-conf.json'])).toMatchObject({ line: 7 })
    expect(c.extensions[1]?.at(['spec', 'ipipMode'])).toMatchObject({ line: 13, column: 40 })
  })

  it('defaults a ConfigMap namespace to default, leaves cluster-scoped kinds alone', () => {
    const d = loadCluster([
      { file: 'y.yaml', text: 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n' },
    ])
    expect(d.extensions[0]?.metadata.namespace).toBe('default')
    expect(c.extensions[1]?.metadata.namespace).toBeUndefined()
  })

  it('validates a part with the reader’s schema, located at the field', () => {
    const pool = c.extensions[1]
    if (pool === undefined) throw new Error('no pool')
    const schema = z.looseObject({ ipipMode: z.enum(['Never', 'CrossSubnet']) })
    const err = thrown(() => validateExtension(schema, pool, pool.object.spec, ['spec']))
    expect(err.code).toBe('KPATH_PARSE')
    expect(err.message).toMatch(/^spec\.ipipMode: /)
    expect(err.location).toMatchObject({ file: 'x.yaml', line: 13, column: 40 })
  })

  it('refuses a duplicate, a missing name, and unknown kpath.dev kinds or versions', () => {
    const dup = `${TEXT}---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: kube-flannel-cfg, namespace: kube-flannel}\n`
    expect(thrown(() => loadCluster([{ file: 'd.yaml', text: dup }])).code).toBe(
      'KPATH_INVALID_ARGUMENT',
    )
    const noName = 'apiVersion: v1\nkind: ConfigMap\nmetadata: {}\n'
    const e1 = thrown(() => loadCluster([{ file: 'n.yaml', text: noName }]))
    expect([e1.code, e1.message]).toEqual(['KPATH_PARSE', 'metadata.name: is required'])
    const badKind = 'apiVersion: kpath.dev/v1alpha1\nkind: Topolgy\nmetadata: {name: t}\n'
    const e2 = thrown(() => loadCluster([{ file: 'k.yaml', text: badKind }]))
    expect([e2.code, e2.location?.line]).toEqual(['KPATH_UNSUPPORTED', 2])
    const badVersion = 'apiVersion: kpath.dev/v1\nkind: Topology\nmetadata: {name: t}\n'
    const e3 = thrown(() => loadCluster([{ file: 'v.yaml', text: badVersion }]))
    expect([e3.code, e3.location?.line]).toEqual(['KPATH_UNSUPPORTED', 1])
  })
})
