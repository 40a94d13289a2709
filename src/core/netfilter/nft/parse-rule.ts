/**
 * @module core/netfilter/nft/parse-rule
 * One rule line of a chain: statements, then the trailing `comment "…"` and `# handle N` that
 * nft prints after them.
 */
import { Cursor, NotModelled } from './cursor.js'
import type { NftRule, NftStmt } from './model.js'
import { parseStmt } from './parse-stmt.js'
import type { Token } from './tokens.js'

/** `# handle 12` → 12. */
export function parseHandle(c: Cursor, t: Token): number {
  const m = /^handle ([0-9]{1,15})$/.exec(t.text)
  if (!m) throw c.fail(`expected "# handle N", found "#${t.text}"`, t, 'nft -a prints "# handle N"')
  return Number(m[1])
}

/** The rule made of tokens [start, end) of one line. */
export function parseRuleLine(
  tokens: readonly Token[],
  lines: readonly string[],
  start: number,
  end: number,
  file?: string,
): NftRule {
  const c = new Cursor(tokens, lines, start, end)
  let stop = end
  let handle: number | undefined
  const last = tokens[stop - 1]
  if (last?.type === 'hash') {
    handle = parseHandle(c, last)
    stop--
  }
  let comment: string | undefined
  const s = tokens[stop - 1]
  const k = tokens[stop - 2]
  if (stop - 2 > start && s?.type === 'string' && k?.type === 'word' && k.text === 'comment') {
    comment = s.text
    stop -= 2
  }
  const first = tokens[start] as Token
  const text = lines[first.line - 1] ?? ''
  const body = new Cursor(tokens, lines, start, stop)
  const stmts: NftStmt[] = []
  while (!body.atEnd()) {
    const at = body.pos
    try {
      stmts.push(parseStmt(body))
    } catch (e) {
      if (!(e instanceof NotModelled)) throw e
      const from = tokens[at] as Token
      const to = tokens[stop - 1] as Token
      stmts.push({ kind: 'raw', text: text.slice(from.start, to.end) })
      break
    }
  }
  if (stmts.length === 0) throw c.fail('a rule needs at least one statement', first)
  return {
    stmts,
    ...(comment === undefined ? {} : { comment }),
    ...(handle === undefined ? {} : { handle }),
    location: {
      ...(file === undefined ? {} : { file }),
      line: first.line,
      column: first.col,
      text,
    },
  }
}
