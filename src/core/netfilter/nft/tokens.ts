/**
 * @module core/netfilter/nft/tokens
 * The tokens of `nft list` output. nft prints every separator with spaces around it (` . `,
 * ` : `, `{ `, ` }`), so a word is any run of non-blank characters, with four exceptions: a
 * quoted string, a brace, a semicolon, and a comma *followed by a blank* (an element separator;
 * a comma inside a word, as in `established,related`, is part of the word). `#` starts a
 * comment running to the end of the line (`# handle 5`). Newlines are tokens: they end rules.
 */
import { parseError } from '../../errors.js'

export type TokenType = 'word' | 'string' | 'lbrace' | 'rbrace' | 'comma' | 'semi' | 'nl' | 'hash'

export interface Token {
  readonly type: TokenType
  /** The word, the string without quotes, or the comment text after `#`. */
  readonly text: string
  /** 1-based line and column of the first character. */
  readonly line: number
  readonly col: number
  /** 0-based offsets of the token in its line: [start, end). */
  readonly start: number
  readonly end: number
}

const BLANK = /[ \t\r]/

function isBlank(ch: string | undefined): boolean {
  return ch === undefined || BLANK.test(ch) || ch === '\n'
}

/** Tokenize one line; `lineNo` is 1-based. */
function lineTokens(text: string, lineNo: number, out: Token[]): void {
  let i = 0
  const push = (type: TokenType, value: string, start: number, end: number) =>
    out.push({ type, text: value, line: lineNo, col: start + 1, start, end })
  while (i < text.length) {
    const ch = text[i] as string
    if (BLANK.test(ch)) {
      i++
      continue
    }
    if (ch === '"') {
      const close = text.indexOf('"', i + 1)
      if (close < 0) {
        throw parseError('unterminated string', lineNo, i + 1, text, 'nft strings end with "')
      }
      push('string', text.slice(i + 1, close), i, close + 1)
      i = close + 1
      continue
    }
    if (ch === '#') {
      push('hash', text.slice(i + 1).trim(), i, text.length)
      return
    }
    if (ch === '{' || ch === '}' || ch === ';') {
      push(ch === '{' ? 'lbrace' : ch === '}' ? 'rbrace' : 'semi', ch, i, i + 1)
      i++
      continue
    }
    if (ch === ',' && isBlank(text[i + 1])) {
      push('comma', ch, i, i + 1)
      i++
      continue
    }
    let j = i
    while (j < text.length) {
      const c = text[j] as string
      if (BLANK.test(c) || c === '"' || c === '{' || c === '}' || c === ';') break
      if (c === ',' && isBlank(text[j + 1])) break
      j++
    }
    push('word', text.slice(i, j), i, j)
    i = j
  }
}

/** The tokens of a whole listing, with a newline token after every line. */
export function tokenize(text: string): { tokens: Token[]; lines: string[] } {
  const lines = text.split('\n')
  const tokens: Token[] = []
  lines.forEach((l, n) => {
    lineTokens(l, n + 1, tokens)
    tokens.push({
      type: 'nl',
      text: '\n',
      line: n + 1,
      col: l.length + 1,
      start: l.length,
      end: l.length,
    })
  })
  return { tokens, lines }
}
