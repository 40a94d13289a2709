/**
 * @module core/ipset/line-error
 * A problem found inside one input line, before it is turned into a located {@link KpathError}.
 * Sub-parsers (elements, options) know the column but not the line; the line parser adds it.
 */
import { type KpathError, parseError, unsupported } from '../errors.js'

export class LineError extends Error {
  constructor(
    message: string,
    /** 1-based column in the line, or 0 when the input has no line (a model value). */
    readonly column: number,
    readonly hint?: string,
    /** `unsupported`: valid for ipset, but outside what kpath models. */
    readonly unsupported = false,
  ) {
    super(message)
  }

  /** The located error for line `line` (1-based) whose text is `text`. */
  at(line: number, text: string, file?: string): KpathError {
    const column = Math.max(1, this.column)
    const e = this.unsupported
      ? unsupported(this.message, { line, column, text }, this.hint)
      : parseError(this.message, line, column, text, this.hint)
    return file === undefined ? e : e.inFile(file)
  }
}
