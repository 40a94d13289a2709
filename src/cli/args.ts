/**
 * @module cli/args
 * Option value parsers shared by the commands: a bad value is a KpathError (exit 2).
 */
import { KpathError } from '../core/errors.js'

/** `--port N`: 1-65535. */
export function portArg(v: string): number {
  const n = Number(v)
  if (!/^[0-9]+$/.test(v) || n < 1 || n > 65535)
    throw new KpathError('KPATH_INVALID_ARGUMENT', `--port ${v} is not a port (1-65535)`)
  return n
}
