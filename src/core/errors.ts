/**
 * @module core/errors
 * Typed errors with a stable code, a source location and a hint. Every user-facing failure in
 * kpath is a {@link KpathError}; the CLI prints {@link formatError} and exits 2, never a stack.
 */

/** Stable machine-readable codes. Tests assert on these, not on message text. */
export type ErrorCode =
  | 'KPATH_PARSE' // malformed input text (iptables-save, ipset, conntrack -L, …)
  | 'KPATH_UNSUPPORTED' // valid input that kpath does not model: said loudly, never skipped
  | 'KPATH_UNKNOWN_CHAIN' // a jump/goto to a chain that does not exist
  | 'KPATH_INVALID_ARGUMENT' // a bad CLI flag or API argument
  | 'KPATH_IO' // a file could not be read or written
  | 'KPATH_EXEC' // an external command failed (lab, benchmarks)
  | 'KPATH_LOOP' // a chain loop or a walk that exceeded the kernel's limits

/** Where in a text input something went wrong. Lines and columns are 1-based. */
export interface SourceLocation {
  readonly file?: string
  readonly line: number
  readonly column: number
  /** The whole offending line, quoted in the message. */
  readonly text?: string
}

export interface KpathErrorOptions {
  readonly location?: SourceLocation
  readonly hint?: string
  readonly cause?: unknown
}

export class KpathError extends Error {
  override readonly name = 'KpathError'
  readonly code: ErrorCode
  readonly location: SourceLocation | undefined
  readonly hint: string | undefined

  constructor(code: ErrorCode, message: string, options: KpathErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    this.code = code
    this.location = options.location
    this.hint = options.hint
  }

  /** The same error, located in `file` (parsers run on text; callers know the file name). */
  inFile(file: string): KpathError {
    if (!this.location) return this
    return new KpathError(this.code, this.message, {
      location: { ...this.location, file },
      ...(this.hint === undefined ? {} : { hint: this.hint }),
      cause: this.cause,
    })
  }
}

export function isKpathError(e: unknown): e is KpathError {
  return e instanceof KpathError
}

/** Shorthand for a located parse error. `column` points at the offending token. */
export function parseError(
  message: string,
  line: number,
  column: number,
  text: string,
  hint?: string,
): KpathError {
  return new KpathError('KPATH_PARSE', message, {
    location: { line, column, text },
    ...(hint === undefined ? {} : { hint }),
  })
}

/** Shorthand for input kpath understands but does not model. */
export function unsupported(message: string, location?: SourceLocation, hint?: string): KpathError {
  return new KpathError('KPATH_UNSUPPORTED', message, {
    ...(location === undefined ? {} : { location }),
    ...(hint === undefined ? {} : { hint }),
  })
}

/**
 * Render an error the way compilers do:
 *
 * ```
 * rules.txt:12:27: error: unknown option "--dprot" for match "tcp" [KPATH_PARSE]
 *    12 | -A INPUT -p tcp -m tcp --dprot 80 -j ACCEPT
 *       |                        ^
 * hint: did you mean --dport?
 * ```
 */
export function formatError(e: KpathError): string {
  const loc = e.location
  const where = loc ? `${loc.file ?? '<input>'}:${loc.line}:${loc.column}: ` : ''
  const lines = [`${where}error: ${e.message} [${e.code}]`]
  if (loc?.text !== undefined) {
    const gutter = String(loc.line).padStart(5)
    lines.push(`${gutter} | ${loc.text}`)
    lines.push(`${' '.repeat(gutter.length)} | ${' '.repeat(Math.max(0, loc.column - 1))}^`)
  }
  if (e.hint) lines.push(`hint: ${e.hint}`)
  return lines.join('\n')
}
