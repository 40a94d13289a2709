/**
 * @module bench/kube/probability
 * The `-m statistic --probability` values of a KUBE-SVC chain, as iptables-save prints them.
 *
 * kube-proxy (computeProbability in pkg/proxy/iptables/proxier.go) gives endpoint i of n
 * (0-based) the probability 1/(n−i), written with Go's `%0.10f`; the last endpoint gets no
 * statistic match. libxt_statistic stores `lround(p · 2^31)` in the kernel and iptables-save
 * prints `stored / 2^31` with `%.11f`, so 1/3 comes back as 0.33333333349. See
 * /work/shared/notes/kube-proxy-spec.md §2.7.
 */

const TWO_POW_31 = 0x80000000

/** What kube-proxy writes for `1/remaining` (Go `%0.10f`). */
export function writtenProbability(remaining: number): string {
  return (1 / remaining).toFixed(10)
}

/** What iptables-save prints after the kernel rounded the written value to a 31-bit fraction. */
export function savedProbability(remaining: number): string {
  const written = Number.parseFloat(writtenProbability(remaining))
  // Math.round is lround for the positive values used here (both round half away from zero).
  const stored = Math.round(written * TWO_POW_31)
  return (stored / TWO_POW_31).toFixed(11)
}

/**
 * The saved probability of each of `n` endpoint rules, or undefined for the last one, which
 * kube-proxy writes without a statistic match because it must catch whatever is left.
 */
export function endpointProbabilities(n: number): readonly (string | undefined)[] {
  const out: (string | undefined)[] = []
  for (let i = 0; i < n; i++) out.push(i === n - 1 ? undefined : savedProbability(n - i))
  return out
}
