/**
 * @module core/conntrack/list-scan
 * Tokens of one `conntrack -L` line, with their columns for error messages, and a cursor that
 * reads the `key=value` items in the fixed order the tool prints them.
 */
import { type KpathError, parseError } from '../errors.js'

export interface Token {
  readonly text: string
  /** 1-based column of the first character. */
  readonly column: number
}

/**
 * Split on runs of spaces. A bracketed item (`[start=Sat Nov  1 00:00:00 2026]`) may contain
 * spaces and is one token, taken verbatim up to its closing bracket.
 */
export function scanTokens(line: string): Token[] {
  const out: Token[] = []
  let i = 0
  while (i < line.length) {
    if (line[i] === ' ') {
      i++
      continue
    }
    const start = i
    if (line[i] === '[') {
      const close = line.indexOf(']', i)
      i = close < 0 ? line.length : close + 1
    } else {
      while (i < line.length && line[i] !== ' ') i++
    }
    out.push({ text: line.slice(start, i), column: start + 1 })
  }
  return out
}

/** Reads tokens left to right; every failure is a located parse error. */
export class Cursor {
  private pos = 0

  constructor(
    private readonly tokens: readonly Token[],
    private readonly lineNo: number,
    private readonly line: string,
  ) {}

  peek(): Token | undefined {
    return this.tokens[this.pos]
  }

  done(): boolean {
    return this.pos >= this.tokens.length
  }

  next(what: string): Token {
    const t = this.tokens[this.pos]
    if (!t) throw this.errorAtEnd(`expected ${what}, found the end of the line`)
    this.pos++
    return t
  }

  /** The key of the next token (`src` of `src=1.2.3.4`), or its whole text if it has no `=`. */
  peekKey(): string | undefined {
    const t = this.peek()
    if (!t) return undefined
    const eq = t.text.indexOf('=')
    return eq < 0 ? t.text : t.text.slice(0, eq)
  }

  /** Consume `key=value` and return the value; the key must be the next token's. */
  value(key: string): { text: string; token: Token } {
    const t = this.next(`${key}=`)
    if (!t.text.startsWith(`${key}=`)) {
      throw this.error(
        t,
        `expected ${key}=, found "${t.text}"`,
        'fields must appear in conntrack -L order',
      )
    }
    return { text: t.text.slice(key.length + 1), token: t }
  }

  /** Consume the next token if its key is `key`. */
  optional(key: string): { text: string; token: Token } | undefined {
    return this.peekKey() === key ? this.value(key) : undefined
  }

  /** Consume the next token if it is exactly `text`. */
  flag(text: string): boolean {
    if (this.peek()?.text !== text) return false
    this.pos++
    return true
  }

  error(t: Token, message: string, hint?: string): KpathError {
    return parseError(message, this.lineNo, t.column, this.line, hint)
  }

  errorAtEnd(message: string): KpathError {
    return parseError(message, this.lineNo, this.line.length + 1, this.line)
  }
}

/** A decimal unsigned integer no larger than `max`. */
export function readUint(
  cur: Cursor,
  value: { text: string; token: Token },
  max: number,
  what: string,
): number {
  if (!/^[0-9]+$/.test(value.text) || value.text.length > 20 || Number(value.text) > max) {
    throw cur.error(value.token, `${what} "${value.text}" is not a number from 0 to ${max}`)
  }
  return Number(value.text)
}
