/**
 * @module adapters/node/scratch-netns
 * A throw-away network namespace for running the real tools (iptables-restore, ipset,
 * conntrack) as ground truth. The name is unique (`kpath-scratch-<pid>-<n>`); nothing is
 * created in the root namespace; {@link ScratchNetns.dispose} deletes only what was created.
 */
import type { Execer, ExecOptions, ExecResult } from '../../core/exec.js'

let counter = 0

export class ScratchNetns {
  private constructor(
    readonly name: string,
    private readonly execer: Execer,
  ) {}

  /** Create a namespace, or return undefined with the reason when this machine cannot. */
  static async create(
    execer: Execer,
    label = 'scratch',
  ): Promise<{ ns: ScratchNetns } | { reason: string }> {
    if (typeof process.getuid === 'function' && process.getuid() !== 0) {
      return { reason: 'not root: network namespaces need CAP_SYS_ADMIN' }
    }
    if (!(await execer.lookPath('ip'))) return { reason: 'iproute2 (ip) is not installed' }
    const name = `kpath-${label}-${process.pid}-${++counter}`
    const r = await execer.run(['ip', 'netns', 'add', name], { allowFailure: true })
    if (r.code !== 0) return { reason: `ip netns add failed: ${r.stderr.trim()}` }
    return { ns: new ScratchNetns(name, execer) }
  }

  /** Run a command inside the namespace. */
  exec(argv: readonly string[], options?: ExecOptions): Promise<ExecResult> {
    return this.execer.run(['ip', 'netns', 'exec', this.name, ...argv], options)
  }

  async dispose(): Promise<void> {
    await this.execer.run(['ip', 'netns', 'del', this.name], { allowFailure: true })
  }
}
