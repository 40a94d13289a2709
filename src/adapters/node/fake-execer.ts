/**
 * @module adapters/node/fake-execer
 * A recording {@link Execer} for tests: it answers from a script of expected commands and
 * fails on anything unexpected, so a test states exactly which commands run, with what stdin.
 */
import type { Execer, ExecOptions, ExecResult } from '../../core/exec.js'

export interface ExpectedCommand {
  readonly argv: readonly string[]
  readonly stdin?: string
  readonly result?: Partial<ExecResult>
}

export class FakeExecer implements Execer {
  readonly calls: { argv: readonly string[]; stdin: string | undefined }[] = []
  private readonly expected: ExpectedCommand[]
  private readonly available: ReadonlySet<string>

  constructor(expected: readonly ExpectedCommand[] = [], available: readonly string[] = []) {
    this.expected = [...expected]
    this.available = new Set(available)
  }

  async run(argv: readonly string[], options: ExecOptions = {}): Promise<ExecResult> {
    this.calls.push({ argv, stdin: options.stdin })
    const next = this.expected.shift()
    if (!next) throw new Error(`unexpected command: ${argv.join(' ')}`)
    if (next.argv.join('\0') !== argv.join('\0')) {
      throw new Error(`expected command ${next.argv.join(' ')}, got ${argv.join(' ')}`)
    }
    if (next.stdin !== undefined && next.stdin !== options.stdin) {
      throw new Error(`stdin of ${argv.join(' ')} differs from what was expected`)
    }
    const result = { code: 0, stdout: '', stderr: '', ...next.result }
    if (result.code !== 0 && !options.allowFailure) {
      throw new Error(`${argv.join(' ')} exited ${result.code}`)
    }
    return result
  }

  async lookPath(command: string): Promise<boolean> {
    return this.available.has(command)
  }

  /** Commands still expected but never run. */
  pending(): readonly ExpectedCommand[] {
    return this.expected
  }
}
