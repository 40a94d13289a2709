/**
 * Run the kpath command in a child process, as a user runs it (through tsx, with NO_COLOR), and
 * return its exit code and output.
 */
import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { REPO_ROOT } from './shared.js'

export interface CliResult {
  readonly code: number | null
  readonly stdout: string
  readonly stderr: string
}

export function kpath(...args: string[]): CliResult {
  const r = spawnSync(
    process.execPath,
    ['--import', 'tsx', join(REPO_ROOT, 'src/cli/main.ts'), ...args],
    {
      cwd: REPO_ROOT,
      encoding: 'utf8',
      env: { ...process.env, NO_COLOR: '1' },
    },
  )
  return { code: r.status, stdout: r.stdout, stderr: r.stderr }
}
