/**
 * @module adapters/node/execer
 * {@link Execer} on Node's child_process. Commands run without a shell; stdin is piped.
 */
import { spawn } from 'node:child_process'
import { access, constants } from 'node:fs/promises'
import { delimiter, join } from 'node:path'
import { KpathError } from '../../core/errors.js'
import type { Execer, ExecOptions, ExecResult } from '../../core/exec.js'

export class NodeExecer implements Execer {
  run(argv: readonly string[], options: ExecOptions = {}): Promise<ExecResult> {
    const [cmd, ...args] = argv
    if (cmd === undefined) throw new KpathError('KPATH_INVALID_ARGUMENT', 'empty command')
    return new Promise((resolve, reject) => {
      const child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'] })
      const out: Buffer[] = []
      const err: Buffer[] = []
      const timer =
        options.timeoutMs === undefined
          ? undefined
          : setTimeout(() => child.kill('SIGKILL'), options.timeoutMs)
      child.stdout.on('data', (b: Buffer) => out.push(b))
      child.stderr.on('data', (b: Buffer) => err.push(b))
      child.on('error', (e) =>
        reject(new KpathError('KPATH_EXEC', `cannot run ${cmd}: ${e.message}`, { cause: e })),
      )
      child.on('close', (code) => {
        if (timer) clearTimeout(timer)
        const result = {
          code: code ?? -1,
          stdout: Buffer.concat(out).toString('utf8'),
          stderr: Buffer.concat(err).toString('utf8'),
        }
        if (result.code !== 0 && !options.allowFailure) {
          reject(
            new KpathError(
              'KPATH_EXEC',
              `${argv.join(' ')} exited ${result.code}: ${result.stderr.trim()}`,
            ),
          )
        } else resolve(result)
      })
      child.stdin.on('error', () => {}) // the command may exit before reading all of stdin
      child.stdin.end(options.stdin ?? '')
    })
  }

  async lookPath(command: string): Promise<boolean> {
    for (const dir of (process.env.PATH ?? '').split(delimiter)) {
      try {
        await access(join(dir, command), constants.X_OK)
        return true
      } catch {
        // not in this directory
      }
    }
    return false
  }
}
