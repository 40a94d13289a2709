/**
 * The chi-square test itself: its tail probabilities against published critical values and
 * closed forms, and its behaviour on samples drawn (from a seeded PRNG) from a known
 * distribution (accepted, at about the promised rate) and from skewed ones (rejected).
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { seededRandom } from '../netfilter/engine/chooser.js'
import { chiSquareFit, chiSquareSurvival, upperGamma } from './chi-square.js'

function relClose(actual: number, expected: number, rel: number): void {
  expect(Math.abs(actual - expected) / expected, `${actual} vs ${expected}`).toBeLessThan(rel)
}

/** n draws from `probs` (category names as keys), counted. */
function sample(probs: ReadonlyMap<string, number>, n: number, seed: number): Map<string, number> {
  const rand = seededRandom(seed)
  const cats = [...probs]
  const counts = new Map<string, number>()
  for (let i = 0; i < n; i++) {
    let u = rand()
    let pick = cats[cats.length - 1]?.[0] ?? ''
    for (const [k, p] of cats) {
      if (u < p) {
        pick = k
        break
      }
      u -= p
    }
    counts.set(pick, (counts.get(pick) ?? 0) + 1)
  }
  return counts
}

const third = 1 / 3
const UNIFORM3 = new Map([
  ['a', third],
  ['b', third],
  ['c', third],
])

describe('chiSquareSurvival', () => {
  it('gives the upper-tail probabilities of published critical values', () => {
    // Critical values of the chi-square distribution (any statistics table).
    const table: [x: number, df: number, p: number][] = [
      [3.841459, 1, 0.05],
      [6.634897, 1, 0.01],
      [10.827566, 1, 0.001],
      [15.136705, 1, 1e-4],
      [5.991465, 2, 0.05],
      [18.420681, 2, 1e-4],
      [7.814728, 3, 0.05],
      [9.487729, 4, 0.05],
      [11.070498, 5, 0.05],
      [18.307038, 10, 0.05],
    ]
    for (const [x, df, p] of table) relClose(chiSquareSurvival(x, df), p, 2e-5)
  })

  it('equals the closed form for even df, e^(−x/2) Σ_{k<df/2} (x/2)^k / k!', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 30 }),
        fc.double({ min: 0.001, max: 300, noNaN: true }),
        (m, x) => {
          let term = 1
          let sum = 1
          for (let k = 1; k < m; k++) {
            term *= x / 2 / k
            sum += term
          }
          const exact = Math.exp(-x / 2) * sum
          if (exact < 1e-280) return
          relClose(chiSquareSurvival(x, 2 * m), exact, 1e-9)
        },
      ),
    )
  })

  it('satisfies Q(a+1, x) = Q(a, x) + e^(−x) x^a / Γ(a+1) for halves, across both expansions', () => {
    const gammaHalf = (a: number) => {
      let g = Number.isInteger(a) ? 1 : Math.sqrt(Math.PI)
      for (let z = Number.isInteger(a) ? 1 : 0.5; z < a; z++) g *= z
      return g
    }
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 20 }),
        fc.double({ min: 0.01, max: 60, noNaN: true }),
        (k, x) => {
          const a = k + 0.5
          const step = (Math.exp(-x) * x ** a) / gammaHalf(a + 1)
          const want = upperGamma(a, x) + step
          if (want < 1e-250) return
          relClose(upperGamma(a + 1, x), want, 1e-8)
        },
      ),
    )
  })

  it('is 1 at 0 and decreases', () => {
    expect(chiSquareSurvival(0, 3)).toBe(1)
    let last = 1
    for (let x = 0.5; x < 80; x += 0.5) {
      const q = chiSquareSurvival(x, 3)
      expect(q).toBeLessThan(last)
      last = q
    }
  })

  it('refuses a df that is not a positive integer', () => {
    expect(() => chiSquareSurvival(1, 0)).toThrow(/df/)
    expect(() => chiSquareSurvival(1, 1.5)).toThrow(/df/)
  })
})

describe('chiSquareFit', () => {
  it('gives statistic 0 and p 1 when the counts are the expected ones', () => {
    const r = chiSquareFit(
      new Map([
        ['a', 100],
        ['b', 100],
        ['c', 100],
      ]),
      UNIFORM3,
    )
    expect(r).toMatchObject({ n: 300, df: 2, unexpected: [] })
    expect(r.statistic).toBeCloseTo(0, 9)
    expect(r.pValue).toBeCloseTo(1, 9)
  })

  it('computes Pearson’s statistic (a worked example)', () => {
    // (90−100)²/100 + (100−100)²/100 + (110−100)²/100 = 2; df 2: p = e^(−1).
    const r = chiSquareFit(
      new Map([
        ['a', 90],
        ['b', 100],
        ['c', 110],
      ]),
      UNIFORM3,
    )
    expect(r.statistic).toBeCloseTo(2, 9)
    relClose(r.pValue, Math.exp(-1), 1e-9)
  })

  it('accepts samples of the distribution itself at about its nominal rate', () => {
    const probs = new Map([
      ['a', 0.5],
      ['b', 0.3],
      ['c', 0.2],
    ])
    const p = Array.from({ length: 400 }, (_, seed) =>
      chiSquareFit(sample(probs, 300, seed), probs),
    )
    // At 1e-4, none of 400 honest samples fails; at 0.05 about 5% do (20 of 400, ± noise).
    expect(p.filter((r) => r.pValue < 1e-4)).toEqual([])
    const at5 = p.filter((r) => r.pValue < 0.05).length
    expect(at5).toBeGreaterThan(8)
    expect(at5).toBeLessThan(36)
  })

  it('rejects skewed samples at 1e-4', () => {
    // The mistake a renderer could make: 1/3 on every rule instead of 1/3, 1/2, 1 (giving
    // 1/3, 2/9, 4/9). With 600 connections the test catches it almost always.
    const wrong = new Map([
      ['a', third],
      ['b', 2 / 9],
      ['c', 4 / 9],
    ])
    const caught = Array.from({ length: 200 }, (_, seed) =>
      chiSquareFit(sample(wrong, 600, seed + 1000), UNIFORM3),
    ).filter((r) => r.pValue < 1e-4).length
    expect(caught).toBeGreaterThan(190)
    // Half to one endpoint: caught every time.
    const half = new Map([
      ['a', 0.5],
      ['b', 0.25],
      ['c', 0.25],
    ])
    for (let seed = 0; seed < 50; seed++)
      expect(chiSquareFit(sample(half, 600, seed), UNIFORM3).pValue).toBeLessThan(1e-4)
  })

  it('fails outright on a category the probabilities exclude, and counts missing ones as 0', () => {
    const r = chiSquareFit(
      new Map([
        ['a', 150],
        ['b', 150],
        ['z', 1],
      ]),
      UNIFORM3,
    )
    expect(r.unexpected).toEqual(['z'])
    expect(r.pValue).toBe(0)
    // 'c' never observed: (0 − 100.33)² / 100.33 alone is far beyond any threshold.
    expect(r.statistic).toBeGreaterThan(100)
  })

  it('refuses samples too small for the approximation and probabilities not summing to 1', () => {
    expect(() => chiSquareFit(new Map([['a', 10]]), UNIFORM3)).toThrow(/below 5/)
    expect(() =>
      chiSquareFit(
        new Map([['a', 100]]),
        new Map([
          ['a', 0.5],
          ['b', 0.4],
        ]),
      ),
    ).toThrow(/sum to/)
  })

  it('gives p 1 for a single certain category', () => {
    expect(chiSquareFit(new Map([['a', 7]]), new Map([['a', 1]]))).toMatchObject({
      df: 0,
      pValue: 1,
    })
  })
})
