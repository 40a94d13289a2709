/**
 * @module core/netfilter/nft/cursor
 * A cursor over tokens with located errors: every failure names the line and column of the
 * token it stopped at and quotes the line, as the iptables-save and ipset parsers do.
 */
import { type KpathError, parseError } from '../../errors.js'
import type { Token, TokenType } from './tokens.js'

/**
 * Thrown inside a rule when the text is valid nft that kpath does not parse structurally
 * (`limit rate 10/second`, `tcp option maxseg size`): the rule keeps it as a raw statement.
 */
export class NotModelled extends Error {
  constructor(readonly token: Token) {
    super(`not modelled: ${token.text}`)
  }
}

export class Cursor {
  pos: number

  constructor(
    readonly tokens: readonly Token[],
    readonly lines: readonly string[],
    start = 0,
    /** One past the last token this cursor may read. */
    readonly end = tokens.length,
    /** The file being read, for the locations kept in the model. */
    readonly file?: string,
  ) {
    this.pos = start
  }

  peek(k = 0): Token | undefined {
    const i = this.pos + k
    return i < this.end ? this.tokens[i] : undefined
  }

  /** The word at the cursor (undefined for other token types). */
  word(k = 0): string | undefined {
    const t = this.peek(k)
    return t?.type === 'word' ? t.text : undefined
  }

  atEnd(): boolean {
    return this.pos >= this.end
  }

  /** The last token before the end, for errors at the end of input. */
  /** The last token read that is not a newline (errors at the end point past it). */
  private last(): Token {
    let i = Math.min(this.pos, this.end) - 1
    while (i > 0 && this.tokens[i]?.type === 'nl') i--
    const t = this.tokens[i] ?? this.tokens[0]
    if (!t) throw parseError('empty input', 1, 1, '')
    return t
  }

  next(what = 'more input'): Token {
    const t = this.peek()
    if (!t) throw this.failAfter(`expected ${what}, found the end of the line`)
    this.pos++
    return t
  }

  expect(type: TokenType, what: string): Token {
    const t = this.next(what)
    if (t.type !== type) throw this.fail(`expected ${what}, found ${describe(t)}`, t)
    return t
  }

  expectWord(text: string, hint?: string): Token {
    const t = this.next(`"${text}"`)
    if (t.type !== 'word' || t.text !== text) {
      throw this.fail(`expected "${text}", found ${describe(t)}`, t, hint)
    }
    return t
  }

  /** A word or a string (names may be printed either way). */
  name(what: string): string {
    const t = this.next(what)
    if (t.type !== 'word' && t.type !== 'string') {
      throw this.fail(`expected ${what}, found ${describe(t)}`, t)
    }
    return t.text
  }

  /** A non-negative decimal integer. */
  integer(what: string): number {
    const t = this.next(what)
    if (t.type !== 'word' || !/^[0-9]+$/.test(t.text) || t.text.length > 15) {
      throw this.fail(`expected ${what} (a number), found ${describe(t)}`, t)
    }
    return Number(t.text)
  }

  fail(message: string, t: Token, hint?: string): KpathError {
    return parseError(message, t.line, t.col, this.lines[t.line - 1] ?? '', hint)
  }

  failAfter(message: string, hint?: string): KpathError {
    const t = this.last()
    return parseError(
      message,
      t.line,
      t.col + (t.end - t.start),
      this.lines[t.line - 1] ?? '',
      hint,
    )
  }
}

export function describe(t: Token): string {
  switch (t.type) {
    case 'word':
      return `"${t.text}"`
    case 'string':
      return `the string "${t.text}"`
    case 'nl':
      return 'the end of the line'
    case 'hash':
      return `the comment "#${t.text}"`
    default:
      return `"${t.text}"`
  }
}
