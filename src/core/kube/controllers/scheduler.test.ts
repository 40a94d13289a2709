/**
 * schedulePods binds pods with a heap per constraint set; this checks, on random nodes and
 * pods, that it binds exactly as picking with `pickNode` pod after pod does (the scoring's
 * definition: tolerated PreferNoSchedule first, fewest pods, then node name).
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { Node, Pod, Taint } from '../model.js'
import { pickNode, schedulePods } from './scheduler.js'
import { draftOf } from './test-drafts.js'
import type { ClusterDraft } from './types.js'

const KEYS = ['k1', 'k2'] as const

const taintArb: fc.Arbitrary<Taint> = fc.record({
  key: fc.constantFrom(...KEYS),
  value: fc.constantFrom('x', 'y'),
  effect: fc.constantFrom('NoSchedule', 'PreferNoSchedule', 'NoExecute'),
})

const nodeArb = (name: string): fc.Arbitrary<Node> =>
  fc
    .record({
      labels: fc.dictionary(fc.constantFrom(...KEYS), fc.constantFrom('x', 'y')),
      taints: fc.array(taintArb, { maxLength: 2 }),
      unschedulable: fc.boolean(),
    })
    .map(
      (r): Node => ({
        apiVersion: 'v1',
        kind: 'Node',
        metadata: { name, labels: r.labels },
        spec: { taints: r.taints, ...(r.unschedulable ? { unschedulable: true } : {}) },
        status: { addresses: [] },
      }),
    )

const podArb = (i: number, nodes: readonly string[]): fc.Arbitrary<Pod> =>
  fc
    .record({
      selector: fc.dictionary(fc.constantFrom(...KEYS), fc.constantFrom('x', 'y'), {
        maxKeys: 1,
      }),
      tolerations: fc.array(
        fc.record({ key: fc.constantFrom(...KEYS), operator: fc.constant('Exists' as const) }),
        { maxLength: 2 },
      ),
      bound: fc.option(fc.constantFrom(...nodes), { freq: 5 }),
    })
    .map(
      (r): Pod => ({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: `p${i}`, namespace: 'default' },
        spec: {
          containers: [{ name: 'c', image: 'x' }],
          nodeSelector: r.selector,
          tolerations: r.tolerations,
          ...(r.bound === null ? {} : { nodeName: r.bound }),
        },
      }),
    )

const clusterArb = fc.integer({ min: 1, max: 8 }).chain((n) => {
  const names = Array.from({ length: n }, (_, i) => `n${(i * 7) % n}-${i}`)
  return fc.record({
    nodes: fc.tuple(...names.map(nodeArb)),
    pods: fc
      .integer({ min: 0, max: 40 })
      .chain((p) => fc.tuple(...Array.from({ length: p }, (_, i) => podArb(i, names)))),
  })
})

/** The definition: each unbound pod, in order, goes where pickNode says given the counts. */
function reference(nodes: readonly Node[], pods: readonly Pod[]): (string | undefined)[] {
  const load = new Map<string, number>()
  for (const p of pods)
    if (p.spec.nodeName !== undefined)
      load.set(p.spec.nodeName, (load.get(p.spec.nodeName) ?? 0) + 1)
  return pods.map((p) => {
    if (p.spec.nodeName !== undefined) return p.spec.nodeName
    const n = pickNode(p.spec, nodes, load)?.metadata.name
    if (n !== undefined) load.set(n, (load.get(n) ?? 0) + 1)
    return n
  })
}

const EMPTY = draftOf()

function draft(nodes: readonly Node[], pods: readonly Pod[]): ClusterDraft {
  return { ...EMPTY, nodes, pods }
}

describe('schedulePods', () => {
  it('binds as pickNode, pod after pod, does', () => {
    fc.assert(
      fc.property(clusterArb, ({ nodes, pods }) => {
        const got = schedulePods(draft(nodes, pods)).pods.map((p) => p.spec.nodeName)
        expect(got).toEqual(reference(nodes, pods))
      }),
      { numRuns: 300 },
    )
  })
})
