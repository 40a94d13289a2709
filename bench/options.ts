/**
 * @module bench/options
 * Command-line options of `npm run bench` (node:util parseArgs; unknown flags are errors).
 */
import { parseArgs } from 'node:util'
import { KpathError } from '../src/core/errors.js'

export interface BenchOptions {
  readonly services: number
  readonly endpoints: number
  readonly runs: number
  readonly warmups: number
  readonly restoreRuns: number
  readonly largeCluster: boolean
  /** Also write the dump to bench/out/. */
  readonly out: boolean
  /** Append the results to BENCHMARKS.md. */
  readonly record: boolean
  /** Run only these cases (all when empty). */
  readonly only: readonly string[]
  readonly help: boolean
}

export const USAGE = `usage: npm run bench -- [options]

  --services <n>       ClusterIP services in the dump (default 10000)
  --endpoints <n>      endpoints per service (default 3)
  --runs <n>           timed runs per in-process benchmark, ≥ 5 (default 5)
  --warmups <n>        untimed warm-up runs, ≥ 1 (default 1)
  --restore-runs <n>   iptables-legacy-restore --test runs, ≥ 3 (default 3)
  --large-cluster      drop SVC/SEP comments as kube-proxy does above 1000 endpoints
  --out                also write the dump to bench/out/
  --only <name>        run only this case (repeatable)
  --no-record          do not append the results to BENCHMARKS.md
  -h, --help           this text

Targets that are missed are printed as MISSED; the exit code stays 0 unless a case errors.`

export function parseBenchOptions(argv: readonly string[]): BenchOptions {
  let values: ReturnType<typeof parse>['values']
  try {
    values = parse(argv).values
  } catch (e) {
    throw new KpathError('KPATH_INVALID_ARGUMENT', e instanceof Error ? e.message : String(e), {
      hint: 'see npm run bench -- --help',
    })
  }
  return {
    services: integer(values.services, 'services', 10_000, 1),
    endpoints: integer(values.endpoints, 'endpoints', 3, 1),
    runs: integer(values.runs, 'runs', 5, 5),
    warmups: integer(values.warmups, 'warmups', 1, 1),
    restoreRuns: integer(values['restore-runs'], 'restore-runs', 3, 3),
    largeCluster: values['large-cluster'] ?? false,
    out: values.out ?? false,
    record: !(values['no-record'] ?? false),
    only: values.only ?? [],
    help: values.help ?? false,
  }
}

function parse(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    strict: true,
    allowPositionals: false,
    options: {
      services: { type: 'string' },
      endpoints: { type: 'string' },
      runs: { type: 'string' },
      warmups: { type: 'string' },
      'restore-runs': { type: 'string' },
      'large-cluster': { type: 'boolean' },
      out: { type: 'boolean' },
      only: { type: 'string', multiple: true },
      'no-record': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  })
}

function integer(text: string | undefined, name: string, fallback: number, min: number): number {
  if (text === undefined) return fallback
  const n = Number(text)
  if (!/^[0-9]+$/.test(text) || n < min) {
    throw new KpathError(
      'KPATH_INVALID_ARGUMENT',
      `--${name} must be an integer ≥ ${min}, got "${text}"`,
    )
  }
  return n
}
