/**
 * @module core/whatif/errors
 * Located errors for what-if edits: the option's text is quoted with a caret under the part
 * that is wrong (`--set:1:6: error: …`), or the patch file's line for a patch document.
 */
import { KpathError, type SourceLocation } from '../errors.js'
import type { EditSource } from './types.js'

/**
 * An error at `column` (1-based) of an edit's text.
 *
 * @example
 * editError({ option: '--set', text: 'nod/a:x=1' }, 1, 'unknown target nod/a', 'use node/NAME')
 */
export function editError(
  source: EditSource,
  column: number,
  message: string,
  hint?: string,
): KpathError {
  const location: SourceLocation = source.location ?? {
    file: source.option,
    line: 1,
    column,
    text: source.text,
  }
  return new KpathError('KPATH_INVALID_ARGUMENT', `${source.option}: ${message}`, {
    location,
    ...(hint === undefined ? {} : { hint }),
  })
}

/** Re-locate an error raised while reading an edit's payload (a rule, a route) onto the edit. */
export function relocate(e: unknown, source: EditSource, offset: number): unknown {
  if (!(e instanceof KpathError)) return e
  const column = offset + (e.location?.column ?? 1)
  return new KpathError(e.code, `${source.option}: ${e.message}`, {
    location: source.location ?? { file: source.option, line: 1, column, text: source.text },
    ...(e.hint === undefined ? {} : { hint: e.hint }),
    cause: e,
  })
}
