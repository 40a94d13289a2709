/**
 * @module core/lab/spread
 * The kernel's random choices over many connections, against the emulator's probabilities
 * (issue 5 §3). One connection through `-m statistic --mode random` or nft `numgen random`
 * cannot be predicted, only checked to be one of the emulator's branches; many can be
 * counted. The emulator's branches give each verdict (core/lab/compare) a probability, the sum
 * over the branches that end in it; the kernel's verdicts over N connections are tested against
 * those probabilities with Pearson's chi-square (core/testing/chi-square).
 *
 * {@link SPREAD_ALPHA} is the test's false-failure rate: when the kernel does pick with the
 * emulator's probabilities, a run fails this rarely (once in 10,000 runs per flow tested).
 */
import { KpathError } from '../errors.js'
import { chiSquareFit, type FitResult } from '../testing/chi-square.js'
import type { ClusterTrace } from '../walk/types.js'
import { predictedVerdict } from './compare.js'

/** The p-value below which the kernel's spread is declared different from the emulator's. */
export const SPREAD_ALPHA = 1e-4

/** Each verdict the emulator allows with its probability (the sum of its branches'). */
export function verdictProbabilities(t: ClusterTrace, proto: string): Map<string, number> {
  const out = new Map<string, number>()
  for (const b of t.branches) {
    const v = predictedVerdict(b, proto)
    out.set(v, (out.get(v) ?? 0) + b.probability)
  }
  const total = [...out.values()].reduce((s, p) => s + p, 0)
  // The walk stops enumerating at its branch limit; a partial set cannot be tested.
  if (Math.abs(total - 1) > 1e-9)
    throw new KpathError('KPATH_INVALID_ARGUMENT', `the trace's branches cover ${total} of 1`, {
      hint: 'the trace was cut at its branch limit; raise it to enumerate every branch',
    })
  return out
}

/** How often each verdict occurs. */
export function tally(verdicts: readonly string[]): Map<string, number> {
  const out = new Map<string, number>()
  for (const v of verdicts) out.set(v, (out.get(v) ?? 0) + 1)
  return out
}

export interface SpreadResult extends FitResult {
  readonly counts: ReadonlyMap<string, number>
  readonly probabilities: ReadonlyMap<string, number>
  /** pValue ≥ {@link SPREAD_ALPHA} and no verdict outside the emulator's. */
  readonly agrees: boolean
}

/** The kernel's verdicts over many connections against the emulator's trace of the flow. */
export function spreadFit(
  observed: readonly string[],
  t: ClusterTrace,
  proto: string,
): SpreadResult {
  const counts = tally(observed)
  const probabilities = verdictProbabilities(t, proto)
  const fit = chiSquareFit(counts, probabilities)
  return {
    ...fit,
    counts,
    probabilities,
    agrees: fit.unexpected.length === 0 && fit.pValue >= SPREAD_ALPHA,
  }
}

/** One line per verdict, `observed/expected`, and the statistic: for a failing test's message. */
export function spreadText(r: SpreadResult): string {
  const rows = [...r.probabilities].map(
    ([v, p]) => `  ${r.counts.get(v) ?? 0} / ${(p * r.n).toFixed(1)}  ${v}`,
  )
  for (const v of r.unexpected) rows.push(`  ${r.counts.get(v)} / 0  ${v}`)
  return [
    `chi-square ${r.statistic.toFixed(2)}, df ${r.df}, p ${r.pValue.toExponential(2)} over ${r.n}`,
    ...rows,
  ].join('\n')
}
