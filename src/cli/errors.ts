/**
 * @module cli/errors
 * How the CLI ends: exit 0 when the packet is delivered or the asked-for output was printed,
 * 1 when the traced packet is not delivered, 2 on bad input or usage. Never a stack trace.
 */
import { formatError, isKpathError, KpathError } from '../core/errors.js'

export const EXIT_OK = 0
export const EXIT_NOT_DELIVERED = 1
export const EXIT_BAD_INPUT = 2

export function reportError(e: unknown): number {
  if (isKpathError(e)) {
    process.stderr.write(`${formatError(e)}\n`)
    return EXIT_BAD_INPUT
  }
  const message = e instanceof Error ? e.message : String(e)
  const wrapped = new KpathError('KPATH_INVALID_ARGUMENT', `internal error: ${message}`, {
    hint: 'this is a bug in kpath; please report it with the command you ran',
  })
  process.stderr.write(`${formatError(wrapped)}\n`)
  return EXIT_BAD_INPUT
}
