/**
 * @module bench/case
 * The contract between `npm run bench` (bench/run.ts) and one benchmark. Each file in
 * bench/cases/ default-exports a {@link Benchmark}; run.ts imports every such file, runs it
 * with one shared {@link BenchContext}, prints a row and records it in BENCHMARKS.md. A case
 * whose import fails (e.g. the module it measures does not exist yet) is reported as "not
 * available" and the other cases still run.
 *
 * @example
 * ```ts
 * // bench/cases/trace-first-packet.ts
 * export default defineBenchmark({
 *   name: 'trace-first-packet',
 *   target: { description: '≤ 50 ms', maxValue: 50 },
 *   async run(ctx) {
 *     const { dump } = ctx // trace a TCP SYN from dump.podIp to dump.lastServiceIp:lastServicePort
 *     …
 *     return { value: medianMs, unit: 'ms' }
 *   },
 * })
 * ```
 */
import type { Execer } from '../src/core/exec.js'
import type { KubeDump } from './gen-kube-dump.js'
import type { RestoreSkipped, RestoreTiming } from './restore-timing.js'

/** What every case receives. One context is shared by all cases of a run. */
export interface BenchContext {
  /**
   * The kube-proxy-shaped iptables-save dump (N services × E endpoints), generated once in
   * memory. `dump.text` is the text; `lastServiceIp`/`lastServicePort` are the ClusterIP whose
   * KUBE-SERVICES rule is the last before the NodePorts catch-all (the longest walk for a first
   * packet); `podIp` is a client pod in 10.244.0.0/16 that is not an endpoint.
   */
  readonly dump: KubeDump
  /** Runs real commands (Node child_process). Use it only inside a `kpath-…` namespace. */
  readonly execer: Execer
  /** Timed runs per in-process measurement (≥ 5); report their median. */
  readonly runs: number
  /** Untimed warm-up runs before them (≥ 1), so the JIT has compiled the hot paths. */
  readonly warmups: number
  /**
   * `iptables-legacy-restore --test` over `dump.text`, timed in a scratch namespace. Measured
   * on first call and shared by later calls, so every ratio of a run uses the same figure.
   * `kind: 'skipped'` (with the reason) when not root or the tool is missing.
   */
  restoreReference(): Promise<RestoreTiming | RestoreSkipped>
  /** Progress lines for the console (not recorded). */
  log(message: string): void
}

/** What a benchmark is expected to achieve. Every given bound must hold for MET. */
export interface Target {
  /** How the target reads in the table, e.g. `≤ 0.5 × iptables-legacy-restore --test`. */
  readonly description: string
  /** Upper bound on {@link BenchResult.ratio}. */
  readonly maxRatio?: number
  /** Upper bound on {@link BenchResult.value}, in its unit. */
  readonly maxValue?: number
}

export interface BenchReference {
  /** What was measured, e.g. `iptables-legacy-restore --test (median of 3)`. */
  readonly label: string
  readonly value: number
  readonly unit: string
}

export interface BenchResult {
  readonly value: number
  readonly unit: string
  /** The figure the value is compared with, measured in the same run. */
  readonly reference?: BenchReference
  /** value / reference.value; absent when there is no reference. */
  readonly ratio?: number
  /** Extra figures to record (runs, peak RSS, …), already formatted. */
  readonly details?: Readonly<Record<string, string>>
  /**
   * Further figures the target bounds besides `value` (a benchmark whose acceptance names
   * several, e.g. a time, a peak memory and a second time). Any one above its `max` is MISSED.
   */
  readonly bounds?: readonly Bound[]
}

/** One more bounded figure of a result, in its unit. */
export interface Bound {
  /** What it is, e.g. `peak RSS`. */
  readonly label: string
  readonly value: number
  readonly max: number
  readonly unit: string
}

export interface Benchmark {
  /** Short kebab-case name, unique among the cases; `--only <name>` selects it. */
  readonly name: string
  readonly target: Target
  run(ctx: BenchContext): Promise<BenchResult>
}

/** Identity, for type checking a case's default export. */
export function defineBenchmark(benchmark: Benchmark): Benchmark {
  return benchmark
}

export type Verdict = 'MET' | 'MISSED' | 'NO REFERENCE'

/** MET when every bound of the target holds; NO REFERENCE when a ratio bound has no ratio. */
export function judge(target: Target, result: BenchResult): Verdict {
  if (target.maxValue !== undefined && result.value > target.maxValue) return 'MISSED'
  if (result.bounds?.some((b) => b.value > b.max)) return 'MISSED'
  if (target.maxRatio === undefined) return 'MET'
  if (result.ratio === undefined) return 'NO REFERENCE'
  return result.ratio <= target.maxRatio ? 'MET' : 'MISSED'
}
