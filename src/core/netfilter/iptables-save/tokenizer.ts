/**
 * @module core/netfilter/iptables-save/tokenizer
 * Splits one iptables-restore rule line into words exactly as iptables 1.8.9 does
 * (`add_param_to_argv` in iptables/xshared.c):
 *
 * - words are separated by spaces, tabs and newlines;
 * - `"` opens a quoted part anywhere in a word; inside it `\` escapes any character and the
 *   closing `"` *ends the word* (`"a"b` is two words), so `""` is an empty word;
 * - outside quotes `\` and `'` are ordinary characters (single quotes do not quote);
 * - a word is at most 1023 characters ("Parameter too long!").
 *
 * iptables-restore takes an unterminated quote to run to the end of the line, newline included,
 * which makes a value that iptables-save then prints across two lines; kpath rejects it instead.
 *
 * The hot path (150k-line dumps) writes into a reusable {@link TokenList} and slices bare words
 * straight out of the line, with no per-character allocation.
 */
import { parseError } from '../../errors.js'

/** One word of a rule line. */
export interface Token {
  readonly text: string
  /** 1-based column of the word's first character (its opening quote, if quoted). */
  readonly column: number
  /** Whether any part of the word was in double quotes. */
  readonly quoted: boolean
}

/** xt_param_buf holds 1024 bytes including the NUL. */
export const MAX_WORD = 1023

/** A growable, reusable list of words: parallel arrays instead of one object per word. */
export class TokenList {
  texts: string[] = []
  columns: number[] = []
  quoted: boolean[] = []
  length = 0

  push(text: string, column: number, quoted: boolean): void {
    const i = this.length++
    this.texts[i] = text
    this.columns[i] = column
    this.quoted[i] = quoted
  }

  text(i: number): string {
    return this.texts[i] ?? ''
  }

  column(i: number): number {
    return this.columns[i] ?? 1
  }

  toArray(): Token[] {
    const out: Token[] = []
    for (let i = 0; i < this.length; i++)
      out.push({ text: this.text(i), column: this.column(i), quoted: this.quoted[i] === true })
    return out
  }
}

const SPACE = 32
const TAB = 9
const NL = 10
const QUOTE = 34
const BACKSLASH = 92

/** Where the words are read from: `src[start, end)` is line `lineNo`, starting at `base`. */
interface Span {
  readonly src: string
  readonly base: number
  readonly end: number
  readonly lineNo: number
}

function tooLong(s: Span, at: number): never {
  throw parseError(
    'Parameter too long!',
    s.lineNo,
    at - s.base + 1,
    s.src.slice(s.base, s.end),
    `iptables-restore takes words of at most ${MAX_WORD} characters`,
  )
}

/** The quoted remainder of a word that started at `start`; returns the index after it. */
function quotedWord(s: Span, start: number, quoteAt: number, out: TokenList): number {
  const { src, end } = s
  let text = src.slice(start, quoteAt)
  let seg = quoteAt + 1
  let i = seg
  while (i < end) {
    const c = src.charCodeAt(i)
    if (c === BACKSLASH) {
      text += src.slice(seg, i)
      if (i + 1 < end) text += src[i + 1]
      i += 2
      seg = i
      continue
    }
    if (c === QUOTE) {
      text += src.slice(seg, i)
      if (text.length > MAX_WORD) tooLong(s, start)
      out.push(text, start - s.base + 1, true)
      return i + 1
    }
    i++
  }
  throw parseError(
    'unterminated quoted string',
    s.lineNo,
    quoteAt - s.base + 1,
    src.slice(s.base, end),
    'close the value with a double quote; iptables-restore would swallow the rest of the line',
  )
}

/**
 * Tokenize `src[from, end)` into `out` (cleared first); the line starts at `base`, so columns
 * are `index - base + 1`. Reading a big input in place is faster than slicing each line first.
 * Throws a located KPATH_PARSE error for an unterminated quote or an over-long word.
 */
export function tokenizeRange(
  src: string,
  base: number,
  from: number,
  end: number,
  lineNo: number,
  out: TokenList,
): void {
  out.length = 0
  let span: Span | undefined
  let i = from
  while (i < end) {
    let c = src.charCodeAt(i)
    if (c === SPACE || c === TAB || c === NL) {
      i++
      continue
    }
    const start = i
    while (i < end) {
      c = src.charCodeAt(i)
      if (c === SPACE || c === TAB || c === NL || c === QUOTE) break
      i++
    }
    if (i < end && c === QUOTE) {
      span ??= { src, base, end, lineNo }
      i = quotedWord(span, start, i, out)
      continue
    }
    if (i - start > MAX_WORD) tooLong({ src, base, end, lineNo }, start)
    out.push(src.slice(start, i), start - base + 1, false)
  }
}

/** Tokenize a whole line from index `from` (see {@link tokenizeRange}). */
export function tokenizeInto(line: string, from: number, lineNo: number, out: TokenList): void {
  tokenizeRange(line, 0, from, line.length, lineNo, out)
}

/**
 * Tokenize one line into words.
 *
 * @example
 * tokenize('-A INPUT -m comment --comment "a \\"b\\"" -j ACCEPT')
 * // texts: -A INPUT -m comment --comment 'a "b"' -j ACCEPT
 */
export function tokenize(line: string, lineNo = 1): Token[] {
  const out = new TokenList()
  tokenizeInto(line, 0, lineNo, out)
  return out.toArray()
}
