/**
 * @module core/exec
 * The one process seam. Every external command kpath runs (ip, iptables-restore, nft, ipset,
 * conntrack, …) goes through an {@link Execer}. The core only declares the interface; the Node
 * adapter implements it with child_process, and tests use the recording fake.
 */

export interface ExecOptions {
  /** Bytes or text written to the command's standard input. */
  readonly stdin?: string
  /** Milliseconds before the command is killed. */
  readonly timeoutMs?: number
  /** Resolve instead of rejecting on a non-zero exit. */
  readonly allowFailure?: boolean
}

export interface ExecResult {
  readonly code: number
  readonly stdout: string
  readonly stderr: string
}

export interface Execer {
  /** Run `argv[0]` with `argv.slice(1)`; never through a shell. */
  run(argv: readonly string[], options?: ExecOptions): Promise<ExecResult>
  /** Whether a command is on PATH. */
  lookPath(command: string): Promise<boolean>
}
