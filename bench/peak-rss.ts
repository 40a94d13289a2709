/**
 * @module bench/peak-rss
 * Peak resident memory of one piece of work, measured in a fresh Node process so that the
 * generator's garbage and earlier cases do not count. The child is a TypeScript script run
 * through tsx; it reads the dump from stdin, does its work, and prints one JSON line whose
 * `maxRssKiB` is `process.resourceUsage().maxRSS` (getrusage ru_maxrss, KiB on Linux).
 */
import { fileURLToPath } from 'node:url'
import { KpathError } from '../src/core/errors.js'
import type { Execer } from '../src/core/exec.js'

/** The loader `tsx bench/run.ts` itself runs with, so the child sees the same TS setup. */
const TSX_LOADER = import.meta.resolve('tsx')

export interface ChildReport {
  readonly maxRssBytes: number
  /** The child's whole JSON report. */
  readonly report: Readonly<Record<string, unknown>>
}

/** Run `script` with `args`, pipe `stdin` to it, and read its JSON report. */
export async function runMeasuredChild(
  execer: Execer,
  script: URL,
  args: readonly string[],
  stdin: string,
): Promise<ChildReport> {
  const argv = [process.execPath, '--import', TSX_LOADER, fileURLToPath(script), ...args]
  const { stdout } = await execer.run(argv, { stdin })
  const last = stdout.trim().split('\n').at(-1) ?? ''
  let report: unknown
  try {
    report = JSON.parse(last)
  } catch (e) {
    throw new KpathError('KPATH_EXEC', `${fileURLToPath(script)} printed no JSON report: ${last}`, {
      cause: e,
    })
  }
  if (typeof report !== 'object' || report === null || !('maxRssKiB' in report)) {
    throw new KpathError('KPATH_EXEC', `${fileURLToPath(script)} report lacks maxRssKiB: ${last}`)
  }
  const kib = Number(report.maxRssKiB)
  return { maxRssBytes: kib * 1024, report: report as Record<string, unknown> }
}

/** The helper a child uses to report: resource usage plus its own fields. */
export function printChildReport(fields: Readonly<Record<string, unknown>>): void {
  const maxRssKiB = process.resourceUsage().maxRSS
  process.stdout.write(`${JSON.stringify({ ...fields, maxRssKiB })}\n`)
}

/** All of stdin as UTF-8 text. */
export async function readStdin(): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks).toString('utf8')
}
