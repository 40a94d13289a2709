/** Workload controllers and the scheduler. */
import { describe, expect, it } from 'vitest'
import type { Pod } from '../model.js'
import { podTemplateHash } from './pod-template-hash.js'
import { fits, pickNode, schedulePods, tolerates } from './scheduler.js'
import { draftOf, node, OPTIONS } from './test-drafts.js'
import { runWorkloads } from './workloads.js'

const template = (labels: string, spec = '') => `  template:
    metadata: {labels: ${labels}}
    spec:
${spec}      containers: [{name: c, image: nginx}]
`

const deploy = (name: string, replicas: number, extra = '') => `apiVersion: apps/v1
kind: Deployment
metadata: {name: ${name}, namespace: shop}
spec:
  replicas: ${replicas}
  selector: {matchLabels: {app: ${name}}}
${template(`{app: ${name}}`, extra)}`

const names = (pods: readonly Pod[]) => pods.map((p) => p.metadata.name)

describe('Deployment → ReplicaSet → Pods', () => {
  it('names pods <deploy>-<pod-template-hash>-<5 chars> and labels them', () => {
    const d = runWorkloads(draftOf(deploy('web', 3)), OPTIONS)
    const rs = d.workloads.find((w) => w.kind === 'ReplicaSet')
    const hash = rs?.metadata.labels?.['pod-template-hash'] ?? ''
    expect(hash).toMatch(/^[456789bcdf]{1,10}$/)
    expect(rs?.metadata.name).toBe(`web-${hash}`)
    expect(rs?.metadata.ownerReferences).toEqual([{ kind: 'Deployment', name: 'web' }])
    expect(d.pods).toHaveLength(3)
    for (const p of d.pods) {
      expect(p.metadata.name).toMatch(new RegExp(`^web-${hash}-[bcdfghjklmnpqrstvwxz2456789]{5}$`))
      expect(p.metadata.namespace).toBe('shop')
      expect(p.metadata.labels).toEqual({ app: 'web', 'pod-template-hash': hash })
      expect(p.metadata.ownerReferences).toEqual([{ kind: 'ReplicaSet', name: `web-${hash}` }])
      expect(p.spec.nodeName).toBeUndefined()
    }
    expect(new Set(names(d.pods)).size).toBe(3)
  })

  it('is deterministic, and the seed changes only the suffixes', () => {
    const a = runWorkloads(draftOf(deploy('web', 2)), OPTIONS)
    expect(names(runWorkloads(draftOf(deploy('web', 2)), OPTIONS).pods)).toEqual(names(a.pods))
    const b = runWorkloads(draftOf(deploy('web', 2)), { ...OPTIONS, seed: 'other' })
    expect(names(b.pods)).not.toEqual(names(a.pods))
    expect(b.pods[0]?.metadata.labels).toEqual(a.pods[0]?.metadata.labels)
  })

  it('the hash follows the template', () => {
    const a = runWorkloads(draftOf(deploy('web', 1)), OPTIONS).workloads[1]
    const b = runWorkloads(draftOf(deploy('web', 1).replace('nginx', 'httpd')), OPTIONS)
      .workloads[1]
    expect(a?.metadata.name).not.toBe(b?.metadata.name)
    const d = draftOf(deploy('web', 1)).workloads[0]
    expect(a?.metadata.name).toBe(`web-${podTemplateHash(d?.spec.template)}`)
  })

  it('given pods owned by the ReplicaSet count as replicas; a given ReplicaSet stands for the Deployment', () => {
    const rs = `apiVersion: apps/v1
kind: ReplicaSet
metadata: {name: web-abc, namespace: shop, ownerReferences: [{kind: Deployment, name: web}]}
spec:
  replicas: 2
${template('{app: web, pod-template-hash: abc}')}`
    const pod = `apiVersion: v1
kind: Pod
metadata: {name: web-abc-given, namespace: shop, labels: {app: web}, ownerReferences: [{kind: ReplicaSet, name: web-abc}]}
spec: {containers: [{name: c}]}
`
    const d = runWorkloads(draftOf(deploy('web', 5), rs, pod), OPTIONS)
    expect(d.workloads.filter((w) => w.kind === 'ReplicaSet')).toHaveLength(1)
    expect(names(d.pods)[0]).toBe('web-abc-given')
    expect(d.pods).toHaveLength(2)
    expect(d.pods[1]?.metadata.name).toMatch(/^web-abc-[a-z0-9]{5}$/)
    expect(d.pods[1]?.metadata.labels).toEqual({ app: 'web', 'pod-template-hash': 'abc' })
  })

  it('replicas default to 1; 0 makes none', () => {
    expect(runWorkloads(draftOf(deploy('a', 0)), OPTIONS).pods).toHaveLength(0)
    const noReplicas = deploy('a', 1).replace('  replicas: 1\n', '')
    expect(runWorkloads(draftOf(noReplicas), OPTIONS).pods).toHaveLength(1)
  })
})

describe('StatefulSet, DaemonSet, Job', () => {
  it('StatefulSet pods are <name>-<ordinal> with hostname, subdomain and ordinal labels', () => {
    const sts = `apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db}
spec:
  replicas: 3
  serviceName: db-hl
  selector: {matchLabels: {app: db}}
${template('{app: db}')}`
    const given =
      'apiVersion: v1\nkind: Pod\nmetadata: {name: db-1, labels: {app: db}}\nspec: {containers: [{name: c}]}\n'
    const d = runWorkloads(draftOf(sts, given), OPTIONS)
    expect(names(d.pods)).toEqual(['db-1', 'db-0', 'db-2'])
    expect(d.pods[1]?.spec).toMatchObject({ hostname: 'db-0', subdomain: 'db-hl' })
    expect(d.pods[2]?.metadata.labels).toEqual({
      app: 'db',
      'statefulset.kubernetes.io/pod-name': 'db-2',
      'apps.kubernetes.io/pod-index': '2',
    })
  })

  it('DaemonSet: one bound pod per node it fits, cordoned nodes included, tainted ones not', () => {
    const ds = `apiVersion: apps/v1
kind: DaemonSet
metadata: {name: agent, namespace: kube-system}
spec:
  selector: {matchLabels: {app: agent}}
${template('{app: agent}')}`
    const d = runWorkloads(
      draftOf(
        ds,
        node('a', '10.0.0.1'),
        node('cordoned', '10.0.0.2', 'spec: {unschedulable: true}\n'),
        node(
          'cp',
          '10.0.0.3',
          'spec: {taints: [{key: node-role.kubernetes.io/control-plane, effect: NoSchedule}]}\n',
        ),
      ),
      OPTIONS,
    )
    expect(d.pods.map((p) => p.spec.nodeName)).toEqual(['a', 'cordoned'])
    expect(d.pods[0]?.metadata.name).toMatch(/^agent-[a-z0-9]{5}$/)
  })

  it('Job runs min(parallelism, completions) pods labelled with the job name', () => {
    const job = (p: string) => `apiVersion: batch/v1
kind: Job
metadata: {name: migrate}
spec:
${p}${template('{}')}`
    expect(runWorkloads(draftOf(job('')), OPTIONS).pods).toHaveLength(1)
    expect(
      runWorkloads(draftOf(job('  parallelism: 4\n  completions: 2\n')), OPTIONS).pods,
    ).toHaveLength(2)
    const pods = runWorkloads(draftOf(job('  parallelism: 3\n')), OPTIONS).pods
    expect(pods).toHaveLength(3)
    expect(pods[0]?.metadata.labels).toEqual({
      'batch.kubernetes.io/job-name': 'migrate',
      'job-name': 'migrate',
    })
  })
})

describe('scheduler', () => {
  it('spreads: fewest pods first, ties by node name', () => {
    const d = schedulePods(
      runWorkloads(
        draftOf(
          deploy('web', 5),
          node('b', '10.0.0.2'),
          node('a', '10.0.0.1'),
          node('c', '10.0.0.3'),
        ),
        OPTIONS,
      ),
    )
    expect(d.pods.map((p) => p.spec.nodeName)).toEqual(['a', 'b', 'c', 'a', 'b'])
  })

  it('counts pods already bound', () => {
    const bound =
      'apiVersion: v1\nkind: Pod\nmetadata: {name: x}\nspec: {nodeName: a, containers: [{name: c}]}\n'
    const d = schedulePods(
      runWorkloads(
        draftOf(bound, deploy('web', 2), node('a', '10.0.0.1'), node('b', '10.0.0.2')),
        OPTIONS,
      ),
    )
    expect(d.pods.map((p) => p.spec.nodeName)).toEqual(['a', 'b', 'a'])
  })

  it('nodeSelector, NoSchedule taints with tolerations, unschedulable, PreferNoSchedule', () => {
    const nodes = [
      node(
        'gpu',
        '10.0.0.1',
        '  labels: {gpu: "yes"}\nspec: {taints: [{key: gpu, value: "yes", effect: NoSchedule}]}\n',
      ),
      node('plain', '10.0.0.2'),
      node('soft', '10.0.0.3', 'spec: {taints: [{key: x, effect: PreferNoSchedule}]}\n'),
      node('off', '10.0.0.4', 'spec: {unschedulable: true}\n'),
    ]
    const gpuPod = deploy(
      'ml',
      2,
      '      nodeSelector: {gpu: "yes"}\n      tolerations: [{key: gpu, operator: Equal, value: "yes", effect: NoSchedule}]\n',
    )
    const d = schedulePods(runWorkloads(draftOf(gpuPod, deploy('web', 3), ...nodes), OPTIONS))
    expect(d.pods.map((p) => `${p.metadata.labels?.app}:${p.spec.nodeName}`)).toEqual([
      'ml:gpu',
      'ml:gpu',
      'web:plain',
      'web:plain',
      'web:plain',
    ])
  })

  it('a pod no node fits stays Pending with a warning located at its workload', () => {
    const d = schedulePods(
      runWorkloads(
        draftOf(deploy('web', 1, '      nodeSelector: {disk: ssd}\n'), node('a', '10.0.0.1')),
        OPTIONS,
      ),
    )
    expect(d.pods[0]?.spec.nodeName).toBeUndefined()
    expect(d.warnings.map((w) => w.message)).toEqual([
      expect.stringMatching(/^pod shop\/web-[a-z0-9]+-[a-z0-9]{5} stays Pending: no Node fits/),
    ])
    expect(d.warnings[0]?.location).toMatchObject({ file: 'test.yaml', line: 1 })
  })

  it('toleration matching follows the API rules', () => {
    const taint = { key: 'k', value: 'v', effect: 'NoSchedule' as const }
    expect(tolerates({ operator: 'Exists' }, taint)).toBe(true)
    expect(tolerates({ key: 'k', operator: 'Exists', effect: 'NoExecute' }, taint)).toBe(false)
    expect(tolerates({ key: 'k', value: 'v' }, taint)).toBe(true)
    expect(tolerates({ key: 'k', value: 'w' }, taint)).toBe(false)
    expect(tolerates({ key: 'k', operator: 'Exists' }, { key: 'k', effect: 'NoExecute' })).toBe(
      true,
    )
  })

  it('fits and pickNode on their own', () => {
    const [n] = draftOf(node('a', '10.0.0.1', '  labels: {zone: z1}\n')).nodes
    if (n === undefined) throw new Error('no node')
    expect(fits({ containers: [], nodeSelector: { zone: 'z1' } }, n)).toBe(true)
    expect(fits({ containers: [], nodeSelector: { zone: 'z2' } }, n)).toBe(false)
    expect(pickNode({ containers: [] }, [], new Map())).toBeUndefined()
  })
})

describe('size bound', () => {
  it('a workload asking for more than 10,000 pods is unsupported, located at replicas', () => {
    let caught: unknown
    try {
      runWorkloads(draftOf(deploy('big', 20000)), OPTIONS)
    } catch (e) {
      caught = e
    }
    expect(caught).toMatchObject({ code: 'KPATH_UNSUPPORTED', location: { line: 5, column: 13 } })
  })
})
