/**
 * @module core/netfilter/iptables-save/fast-words
 * The words of one rule line as offsets into the whole input, for the fast path (fast-path.ts):
 * nothing is sliced until a word's text is needed. It splits exactly as tokenizer.ts does for
 * the words it accepts (space and tab separate words, a word that starts with `"` runs to the
 * next `"`), and declines the rest — a quote inside a word, a `\` inside quotes, an unterminated
 * quote, a word over {@link MAX_WORD} characters — which the tokenizer then reads or reports.
 */
import { MAX_WORD } from './tokenizer.js'

const SPACE = 32
const TAB = 9
const QUOTE = 34
const BACKSLASH = 92
/** The characters {@link LineWords.next} looks ahead for, by its index. */
const AHEAD = ['\t', '"', '\\']

/** A growable, reusable list of word offsets (one per parse, refilled for every line). */
export class LineWords {
  /** Where each word starts in the input, its opening quote included. */
  raw = new Int32Array(64)
  /** Where each word's text starts and ends (inside the quotes, if quoted). */
  from = new Int32Array(64)
  to = new Int32Array(64)
  quoted = new Uint8Array(64)
  length = 0
  /** The line's end in the input: where a last word's span ends. */
  end = 0
  /** The next tab, quote and backslash found in the input (see {@link next}); -1: not yet. */
  private readonly ahead = [-1, -1, -1]

  constructor(readonly src: string) {}

  private grow(): void {
    const n = this.raw.length * 2
    const raw = new Int32Array(n)
    const from = new Int32Array(n)
    const to = new Int32Array(n)
    const quoted = new Uint8Array(n)
    raw.set(this.raw)
    from.set(this.from)
    to.set(this.to)
    quoted.set(this.quoted)
    this.raw = raw
    this.from = from
    this.to = to
    this.quoted = quoted
  }

  private push(raw: number, from: number, to: number, quoted: number): void {
    if (this.length === this.raw.length) this.grow()
    const k = this.length++
    this.raw[k] = raw
    this.from[k] = from
    this.to[k] = to
    this.quoted[k] = quoted
  }

  /**
   * Split `src[from, end)` into words; false when the line needs the tokenizer. Word ends are
   * found with `indexOf`, which scans far faster than a loop over characters; the next tab,
   * quote and backslash are looked up once and kept until passed, so that each is searched
   * for once per occurrence in the whole input.
   */
  split(from: number, end: number): boolean {
    const src = this.src
    this.length = 0
    this.end = end
    let i = from
    while (i < end) {
      const c = src.charCodeAt(i)
      if (c === SPACE || c === TAB) {
        i++
        continue
      }
      if (c === QUOTE) {
        const close = src.indexOf('"', i + 1)
        if (close < 0 || close >= end || close - i - 1 > MAX_WORD) return false
        if (this.next(BACKSLASH, i) < close) return false
        this.push(i, i + 1, close, 1)
        i = close + 1
        continue
      }
      let stop = src.indexOf(' ', i)
      if (stop < 0 || stop > end) stop = end
      const tab = this.next(TAB, i)
      if (tab < stop) stop = tab
      if (this.next(QUOTE, i) < stop || stop - i > MAX_WORD) return false
      this.push(i, i, stop, 0)
      i = stop
    }
    return true
  }

  /**
   * Where the next tab, quote or backslash at or after `i` is (MAX_SAFE_INTEGER: none). Lines are
   * split in input order, so `i` only grows and a position found earlier stays the next one.
   */
  private next(c: number, i: number): number {
    const k = c === TAB ? 0 : c === QUOTE ? 1 : 2
    const at = this.ahead[k] as number
    if (at >= i) return at
    const found = this.src.indexOf(AHEAD[k] as string, i)
    const next = found < 0 ? Number.MAX_SAFE_INTEGER : found
    this.ahead[k] = next
    return next
  }

  /** The text of word `k`. */
  text(k: number): string {
    return this.src.slice(this.from[k] as number, this.to[k] as number)
  }

  size(k: number): number {
    return (this.to[k] as number) - (this.from[k] as number)
  }

  /** Character `at` of word `k`'s text (NaN past its end). */
  char(k: number, at: number): number {
    const i = (this.from[k] as number) + at
    return i < (this.to[k] as number) ? this.src.charCodeAt(i) : Number.NaN
  }

  /** Whether the text of word `k` is `text` (quoted or not). */
  equals(k: number, text: string): boolean {
    return this.size(k) === text.length && this.src.startsWith(text, this.from[k] as number)
  }

  /** Whether the text of word `k` is the same as `src[at, at + length)` (compared from the end). */
  sameAs(k: number, at: number, length: number): boolean {
    const from = this.from[k] as number
    if ((this.to[k] as number) - from !== length) return false
    const src = this.src
    for (let i = length - 1; i >= 0; i--)
      if (src.charCodeAt(from + i) !== src.charCodeAt(at + i)) return false
    return true
  }

  /** Whether word `k` is a lone `!`, unquoted. */
  isBang(k: number): boolean {
    const from = this.from[k] as number
    return (
      this.quoted[k] === 0 &&
      (this.to[k] as number) - from === 1 &&
      this.src.charCodeAt(from) === 33
    )
  }

  /** A two-character unquoted option word `-X`: the code of X, else 0. */
  shortOption(k: number): number {
    if (this.quoted[k] !== 0 || this.size(k) !== 2) return 0
    const at = this.from[k] as number
    return this.src.charCodeAt(at) === 45 /* - */ ? this.src.charCodeAt(at + 1) : 0
  }

  /** `xs_has_arg`: word `k` exists and its text does not start with `-` or `!`. */
  hasArg(k: number): boolean {
    if (k >= this.length) return false
    const c = this.char(k, 0)
    return c !== 45 /* - */ && c !== 33 /* ! */
  }

  /** Where the span of words up to `k` ends: the start of word `k + 1`, else the line end. */
  spanEnd(k: number): number {
    return k + 1 < this.length ? (this.raw[k + 1] as number) : this.end
  }
}
