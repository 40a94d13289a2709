/**
 * @module core/ipset/tokens
 * Splitting one `ipset restore` line into words. ipset's restore reader splits on blanks and
 * treats `"` as a toggle: quoted text may hold blanks, the quotes themselves are dropped, and
 * there is no escape character (so a comment can never contain `"`). Checked against ipset 7.17:
 * `ab"c d"` is the one word `abc d`; an unbalanced quote is an error.
 */

export interface Token {
  /** The word with its quotes removed. */
  readonly text: string
  /** 1-based column of the word's first character in the line. */
  readonly column: number
  /** The word had at least one quote (so an empty text was written as `""`). */
  readonly quoted: boolean
}

export type TokenizeResult =
  | { readonly ok: true; readonly tokens: readonly Token[] }
  | { readonly ok: false; readonly column: number }

function isBlank(c: string): boolean {
  return c === ' ' || c === '\t' || c === '\r' || c === '\v' || c === '\f'
}

/** Split a line into words; on an unbalanced quote, report the column of the opening quote. */
export function tokenizeLine(line: string): TokenizeResult {
  const tokens: Token[] = []
  let i = 0
  while (i < line.length) {
    if (isBlank(line[i] ?? '')) {
      i++
      continue
    }
    const start = i
    let text = ''
    let quoted = false
    let openAt = -1
    while (i < line.length && (openAt >= 0 || !isBlank(line[i] ?? ''))) {
      const c = line[i] ?? ''
      if (c === '"') {
        quoted = true
        openAt = openAt >= 0 ? -1 : i
      } else text += c
      i++
    }
    if (openAt >= 0) return { ok: false, column: openAt + 1 }
    tokens.push({ text, column: start + 1, quoted })
  }
  return { ok: true, tokens }
}
