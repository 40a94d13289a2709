/**
 * @module core/testing/chi-square
 * Pearson's chi-square goodness-of-fit test: do observed counts agree with given category
 * probabilities? Used to check the kernel's random choices (`-m statistic --mode random`, nft
 * `numgen random`) against the emulator's branch probabilities over many connections, where no
 * single connection can be predicted.
 *
 * The p-value is the upper tail of the chi-square distribution with k − 1 degrees of freedom,
 * Q(df/2, x/2) (the regularised upper incomplete gamma function), computed by its power series
 * below a + 1 and by its continued fraction above (the usual split: each converges fast on its
 * side). The approximation behind the test wants every expected count at least 5, so smaller
 * samples are refused rather than given a misleading p-value.
 */
import { KpathError } from '../errors.js'

/** ln Γ(a) for a a positive multiple of 1/2 (all a chi-square test needs), exactly by recurrence. */
function lnGammaHalf(a: number): number {
  if (a <= 0 || !Number.isInteger(a * 2))
    throw new KpathError('KPATH_INVALID_ARGUMENT', `ln Γ(${a}): only positive halves are needed`)
  // Γ(1) = 1, Γ(1/2) = √π, Γ(z + 1) = z Γ(z).
  let z = Number.isInteger(a) ? 1 : 0.5
  let sum = Number.isInteger(a) ? 0 : 0.5 * Math.log(Math.PI)
  for (; z < a; z++) sum += Math.log(z)
  return sum
}

const EPS = 1e-15
const MAX_TERMS = 10_000

/** e^(−x) x^a / Γ(a), in logs: the factor both expansions share. */
function prefactor(a: number, x: number): number {
  return Math.exp(a * Math.log(x) - x - lnGammaHalf(a))
}

/** P(a, x) = γ(a, x)/Γ(a) = e^(−x) x^a / Γ(a) · Σₙ xⁿ / (a (a+1) … (a+n)). */
function lowerSeries(a: number, x: number): number {
  let term = 1 / a
  let sum = term
  for (let n = 1; n < MAX_TERMS && Math.abs(term) > Math.abs(sum) * EPS; n++) {
    term *= x / (a + n)
    sum += term
  }
  return sum * prefactor(a, x)
}

/**
 * Q(a, x) = e^(−x) x^a / Γ(a) · 1/(x+1−a− 1(1−a)/(x+3−a− 2(2−a)/(x+5−a− …))), evaluated
 * front to back with the modified Lentz method (tiny values stand in for zero denominators).
 */
function upperFraction(a: number, x: number): number {
  const tiny = 1e-300
  let b = x + 1 - a
  let c = 1 / tiny
  let d = 1 / b
  let f = d
  for (let n = 1; n < MAX_TERMS; n++) {
    const an = -n * (n - a)
    b += 2
    d = an * d + b
    if (Math.abs(d) < tiny) d = tiny
    c = b + an / c
    if (Math.abs(c) < tiny) c = tiny
    d = 1 / d
    const step = d * c
    f *= step
    if (Math.abs(step - 1) < EPS) break
  }
  return f * prefactor(a, x)
}

/** Q(a, x), the regularised upper incomplete gamma function, for a a positive half. */
export function upperGamma(a: number, x: number): number {
  if (x <= 0) return 1
  return x < a + 1 ? 1 - lowerSeries(a, x) : upperFraction(a, x)
}

/** P(X ≥ x) for X chi-square distributed with `df` degrees of freedom. */
export function chiSquareSurvival(x: number, df: number): number {
  if (!Number.isInteger(df) || df < 1)
    throw new KpathError('KPATH_INVALID_ARGUMENT', `chi-square needs df ≥ 1, got ${df}`)
  return Math.min(1, Math.max(0, upperGamma(df / 2, x / 2)))
}

export interface FitResult {
  /** Sum of the counts. */
  readonly n: number
  /** Σ (observed − expected)² / expected over the categories with a probability. */
  readonly statistic: number
  readonly df: number
  /** P(a statistic at least this large | the probabilities hold); 0 when `unexpected`. */
  readonly pValue: number
  /** Observed categories the probabilities give no chance: the fit fails outright. */
  readonly unexpected: readonly string[]
}

/** The smallest expected count the chi-square approximation is trusted with. */
export const MIN_EXPECTED = 5

/**
 * Test `counts` against `probabilities` (which must sum to 1). A category with a probability
 * and no count counts as 0; a counted category without a probability makes `unexpected`.
 * @throws KpathError KPATH_INVALID_ARGUMENT when the probabilities do not sum to 1 or an
 *   expected count is below {@link MIN_EXPECTED} (the sample is too small for the test)
 */
export function chiSquareFit(
  counts: ReadonlyMap<string, number>,
  probabilities: ReadonlyMap<string, number>,
): FitResult {
  const n = [...counts.values()].reduce((s, c) => s + c, 0)
  const total = [...probabilities.values()].reduce((s, p) => s + p, 0)
  if (Math.abs(total - 1) > 1e-9)
    throw new KpathError('KPATH_INVALID_ARGUMENT', `probabilities sum to ${total}, not 1`)
  const unexpected = [...counts.keys()].filter(
    (k) => (counts.get(k) ?? 0) > 0 && (probabilities.get(k) ?? 0) <= 0,
  )
  const live = [...probabilities].filter(([, p]) => p > 0)
  let statistic = 0
  for (const [k, p] of live) {
    const expected = n * p
    if (expected < MIN_EXPECTED)
      throw new KpathError(
        'KPATH_INVALID_ARGUMENT',
        `expected count ${expected.toFixed(2)} of ${k} is below ${MIN_EXPECTED}`,
        {
          hint: `the chi-square test needs a larger sample: at least ${Math.ceil(MIN_EXPECTED / p)}`,
        },
      )
    statistic += ((counts.get(k) ?? 0) - expected) ** 2 / expected
  }
  const df = live.length - 1
  const pValue = unexpected.length > 0 ? 0 : df === 0 ? 1 : chiSquareSurvival(statistic, df)
  return { n, statistic, df, pValue, unexpected }
}
