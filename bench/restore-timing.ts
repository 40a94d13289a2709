/**
 * @module bench/restore-timing
 * The reference figure: how long the real `iptables-legacy-restore` takes over the same dump.
 * `--test` parses the whole payload and builds the table blobs in libiptc but skips the final
 * commit to the kernel, so it is the closest real counterpart of our parser. One real load is
 * timed too, for scale. Everything runs inside a throw-away `kpath-bench-…` network namespace;
 * the root namespace is never touched.
 *
 * Times are wall clock from spawn to exit of `ip netns exec NS iptables-legacy-restore`, so they
 * include about 3 ms of `ip netns exec` (kernel-lab §8) and piping the dump through stdin.
 */
import { ScratchNetns } from '../src/adapters/node/scratch-netns.js'
import { KpathError } from '../src/core/errors.js'
import type { Execer } from '../src/core/exec.js'
import { median, timed } from './stats.js'

export const RESTORE_COMMAND = 'iptables-legacy-restore'

export interface RestoreTiming {
  readonly kind: 'measured'
  /** Each `--test` run, in milliseconds, in the order they ran. */
  readonly testRunsMs: readonly number[]
  readonly testMedianMs: number
  /** One real load into the empty namespace. */
  readonly loadMs: number
  readonly netns: string
}

export interface RestoreSkipped {
  readonly kind: 'skipped'
  readonly reason: string
}

export interface RestoreTimingOptions {
  /** `--test` runs to take the median of (at least 3). */
  readonly runs?: number
}

/** Time the real tool on `text`, or say why this machine cannot. Throws KPATH_EXEC if it fails. */
export async function timeLegacyRestore(
  execer: Execer,
  text: string,
  options: RestoreTimingOptions = {},
): Promise<RestoreTiming | RestoreSkipped> {
  const runs = options.runs ?? 3
  if (!Number.isInteger(runs) || runs < 3) {
    throw new KpathError(
      'KPATH_INVALID_ARGUMENT',
      `restore runs must be an integer ≥ 3, got ${runs}`,
    )
  }
  if (!(await execer.lookPath(RESTORE_COMMAND))) {
    return { kind: 'skipped', reason: `${RESTORE_COMMAND} is not installed` }
  }
  const created = await ScratchNetns.create(execer, 'bench')
  if ('reason' in created) return { kind: 'skipped', reason: created.reason }
  const ns = created.ns
  try {
    const testRunsMs: number[] = []
    for (let i = 0; i < runs; i++) testRunsMs.push(await restoreOnce(ns, ['--test'], text))
    const loadMs = await restoreOnce(ns, [], text)
    return {
      kind: 'measured',
      testRunsMs,
      testMedianMs: median(testRunsMs),
      loadMs,
      netns: ns.name,
    }
  } finally {
    await ns.dispose()
  }
}

async function restoreOnce(
  ns: ScratchNetns,
  args: readonly string[],
  text: string,
): Promise<number> {
  const { ms, result } = await timed(() =>
    ns.exec([RESTORE_COMMAND, ...args], { stdin: text, allowFailure: true }),
  )
  if (result.code !== 0) {
    throw new KpathError(
      'KPATH_EXEC',
      `${RESTORE_COMMAND} ${args.join(' ')} exited ${result.code}: ${result.stderr.trim()}`,
      { hint: 'the generated dump must load into the real tool; run bench/gen-kube-dump.test.ts' },
    )
  }
  return ms
}
