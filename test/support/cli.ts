/**
 * Run the kpath command in a child process, as a user runs it (through tsx, with NO_COLOR), and
 * return its exit code and output.
 */
import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { REPO_ROOT } from './shared.js'

/** The example node's iptables-save (kube-proxy's rules for a 3-endpoint `web` Service). */
export const EXAMPLE_RULES = join(REPO_ROOT, 'examples/iptables/kube-proxy-node.rules')

/** `iptables trace` of a pod's SYN (10.244.1.9, in by cni0) to `dst`:80 through that node. */
export function podTrace(dst: string): string[] {
  return [
    ...['iptables', 'trace', '--ruleset', EXAMPLE_RULES, '--proto', 'tcp'],
    ...['--src', '10.244.1.9', '--dst', dst, '--dport', '80'],
    ...['--in', 'cni0', '--local', '192.168.49.2'],
  ]
}

/** The trace to the `web` Service (three endpoint branches). */
export const POD_TO_WEB: readonly string[] = podTrace('10.96.100.50')

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
