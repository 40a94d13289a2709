/**
 * @module bench/stats
 * The few statistics the benchmarks report: medians of wall-clock samples, and the formatting
 * of milliseconds and byte sizes for the console table and BENCHMARKS.md.
 */
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { KpathError } from '../src/core/errors.js'

/** The median; the mean of the two middle samples for an even count. */
export function median(samples: readonly number[]): number {
  if (samples.length === 0) throw new KpathError('KPATH_INVALID_ARGUMENT', 'median of no samples')
  const sorted = [...samples].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  const hi = sorted[mid] ?? 0
  return sorted.length % 2 === 1 ? hi : ((sorted[mid - 1] ?? 0) + hi) / 2
}

/** Wall-clock milliseconds of one call, with its result. */
export async function timed<T>(fn: () => T | Promise<T>): Promise<{ ms: number; result: T }> {
  const start = performance.now()
  const result = await fn()
  return { ms: performance.now() - start, result }
}

/** `1234.5` → `1,235 ms`; below 10 ms one decimal is kept. */
export function formatMs(ms: number): string {
  return ms < 10 ? `${ms.toFixed(1)} ms` : `${Math.round(ms).toLocaleString('en-US')} ms`
}

export function formatMiB(bytes: number): string {
  return `${(bytes / 2 ** 20).toFixed(1)} MiB`
}

let gc: (() => void) | undefined

/**
 * Run a full garbage collection before a timed run, so that one run's garbage is not collected
 * on the next run's clock. `npm run bench` starts Node without `--expose-gc`; setting the flag at
 * run time makes `gc` available to contexts created afterwards.
 */
export function collectGarbage(): void {
  if (!gc) {
    setFlagsFromString('--expose-gc')
    gc = runInNewContext('gc') as () => void
  }
  gc()
}

/** Wall-clock runs of `fn` after `warmups` untimed ones, each after a full collection. */
export async function timedRuns(
  fn: () => unknown,
  warmups: number,
  count: number,
): Promise<number[]> {
  const runs: number[] = []
  for (let i = 0; i < warmups + count; i++) {
    collectGarbage()
    const { ms } = await timed(fn)
    if (i >= warmups) runs.push(ms)
  }
  return runs
}

/** Microseconds of each of `n` back-to-back synchronous calls (too short for a collection each). */
export function timeUs(fn: () => unknown, n: number): number[] {
  const out: number[] = []
  for (let i = 0; i < n; i++) {
    const t = performance.now()
    fn()
    out.push((performance.now() - t) * 1000)
  }
  return out
}
