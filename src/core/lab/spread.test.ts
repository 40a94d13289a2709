/**
 * The emulator's verdict probabilities and the spread test over them: branches ending in the
 * same verdict add up, a truncated trace is refused, and kernel-like counts are judged by the
 * chi-square test at SPREAD_ALPHA (accepted when they follow the probabilities, rejected when
 * skewed or when a verdict no branch gives turns up).
 */
import { describe, expect, it } from 'vitest'
import type { ClusterBranch, ClusterTrace } from '../walk/types.js'
import { SPREAD_ALPHA, spreadFit, spreadText, tally, verdictProbabilities } from './spread.js'

function branch(netns: string, probability: number, src = '10.244.0.2'): ClusterBranch {
  const delivered = {
    kind: 'delivered',
    netns,
    port: 8080,
    serverSaw: { src, sport: 40000 },
    ttlAtArrival: 64,
  } as const
  return {
    probability,
    decisions: [],
    hops: [],
    outcome: delivered,
    reply: { hops: [], outcome: { ...delivered, netns: 'pod-client' } },
  }
}

const V = (netns: string) => `delivered ${netns} saw 10.244.0.2:40000 ttl 64`

// Three endpoints as kube-proxy writes them: 1/3, then 1/2 of the rest, then the rest; the
// second pod reached by two branches (as when two rules lead to one endpoint).
const trace: ClusterTrace = {
  branches: [
    branch('pod-a', 1 / 3),
    branch('pod-b', 1 / 6),
    branch('pod-b', 1 / 6),
    branch('pod-c', 1 / 3),
  ],
}

function repeat(counts: Record<string, number>): string[] {
  return Object.entries(counts).flatMap(([ns, n]) => Array<string>(n).fill(V(ns)))
}

describe('verdictProbabilities', () => {
  it('adds up the branches that end in the same verdict', () => {
    const p = verdictProbabilities(trace, 'tcp')
    expect([...p.keys()]).toEqual([V('pod-a'), V('pod-b'), V('pod-c')])
    expect(p.get(V('pod-b'))).toBeCloseTo(1 / 3, 12)
  })

  it('refuses a trace whose branches do not cover every outcome (cut at the branch limit)', () => {
    expect(() =>
      verdictProbabilities({ branches: [branch('pod-a', 0.5), branch('pod-b', 0.25)] }, 'tcp'),
    ).toThrow(/cover 0.75 of 1/)
  })
})

describe('spreadFit', () => {
  it('counts verdicts', () => {
    expect([...tally(['x', 'y', 'x'])]).toEqual([
      ['x', 2],
      ['y', 1],
    ])
  })

  it('accepts counts within chance of the probabilities', () => {
    const r = spreadFit(repeat({ 'pod-a': 210, 'pod-b': 190, 'pod-c': 200 }), trace, 'tcp')
    expect(r.agrees).toBe(true)
    expect(r.n).toBe(600)
    expect(r.df).toBe(2)
    // (10² + 10² + 0²) / 200 = 1; p = e^(−1/2).
    expect(r.statistic).toBeCloseTo(1, 9)
    expect(r.pValue).toBeCloseTo(Math.exp(-0.5), 9)
  })

  it('rejects a skew the kernel would show with a wrong probability', () => {
    // 1/3, 2/9, 4/9 of 600: what 1/3 on every rule would give.
    const r = spreadFit(repeat({ 'pod-a': 200, 'pod-b': 133, 'pod-c': 267 }), trace, 'tcp')
    expect(r.pValue).toBeLessThan(SPREAD_ALPHA)
    expect(r.agrees).toBe(false)
    expect(spreadText(r)).toContain(`133 / 200.0  ${V('pod-b')}`)
  })

  it('rejects a verdict no branch gives, whatever the rest', () => {
    const r = spreadFit(
      [...repeat({ 'pod-a': 200, 'pod-b': 200, 'pod-c': 200 }), V('pod-x')],
      trace,
      'tcp',
    )
    expect(r.unexpected).toEqual([V('pod-x')])
    expect(r.agrees).toBe(false)
    expect(spreadText(r)).toContain(`1 / 0  ${V('pod-x')}`)
  })
})
