/**
 * @module core/netfilter/nft/parse-expr
 * Expressions of `nft list` output built on selectors (parse-selector.ts): binary operations
 * and concatenations, literals, anonymous sets and maps, `@name` references, map lookups,
 * verdicts and set elements.
 */
import { type Cursor, describe, NotModelled } from './cursor.js'
import type { NftBinop, NftElement, NftExpr, NftVerdict, NftVerdictName } from './model.js'
import { parseSelector, startsSelector } from './parse-selector.js'
import { PAYLOAD_FIELDS } from './selectors.js'
import { isDuration } from './time.js'
import type { Token } from './tokens.js'

const BINOPS: ReadonlySet<string> = new Set(['&', '|', '^', '<<', '>>'])

const VERDICTS: ReadonlySet<string> = new Set([
  'accept',
  'drop',
  'continue',
  'return',
  'jump',
  'goto',
])

/** A literal: one word or one string. */
export function parseValue(c: Cursor, what = 'a value'): NftExpr {
  const t = c.next(what)
  if (t.type === 'string') return { kind: 'value', text: t.text, quoted: true }
  if (t.type !== 'word' || t.text === '.' || t.text === ':' || BINOPS.has(t.text)) {
    throw c.fail(`expected ${what}, found ${describe(t)}`, t)
  }
  return { kind: 'value', text: t.text }
}

/**
 * `sel [op constant]*`: nft 1.0.6 prints chained bit operations flat, left to right, and their
 * right sides are always constants (`meta mark & 0x0000ff00 | 0x00000001`).
 */
function parseBinop(c: Cursor, first: (c: Cursor) => NftExpr): NftExpr {
  let e = first(c)
  while (c.word() !== undefined && BINOPS.has(c.word() as string)) {
    const op = c.next().text as NftBinop
    e = { kind: 'binop', op, left: e, right: parseValue(c, 'a constant') }
  }
  return e
}

/** `a . b . c` of operands parsed by `item`. */
function parseConcat(c: Cursor, item: (c: Cursor) => NftExpr): NftExpr {
  const items = [item(c)]
  while (c.word() === '.') {
    c.next()
    items.push(item(c))
  }
  return items.length === 1 ? (items[0] as NftExpr) : { kind: 'concat', items }
}

/** A selector expression: the left side of a match, the key of a lookup, `typeof`. */
export function parseLhs(c: Cursor): NftExpr {
  return parseConcat(c, (x) => parseBinop(x, parseSelector))
}

export function parseVerdict(c: Cursor): NftVerdict {
  const t = c.next('a verdict')
  if (t.type !== 'word' || !VERDICTS.has(t.text)) {
    throw c.fail(
      `expected a verdict, found ${describe(t)}`,
      t,
      'accept, drop, continue, return, jump CHAIN or goto CHAIN',
    )
  }
  const verdict = t.text as NftVerdictName
  if (verdict !== 'jump' && verdict !== 'goto') return { kind: 'verdict', verdict }
  return { kind: 'verdict', verdict, chain: c.name('a chain name') }
}

/** Map data: a verdict, or a value (concatenation). */
function parseData(c: Cursor): NftExpr {
  const w = c.word()
  if (w !== undefined && VERDICTS.has(w)) return parseVerdict(c)
  return parseConcat(c, (x) => parseValue(x))
}

/** A duration word (`3h`, `1m30s`, `59m59s988ms`). */
export function parseDuration(c: Cursor, what: string): string {
  const t = c.next(what)
  if (t.type !== 'word' || !isDuration(t.text)) {
    throw c.fail(`expected ${what}, found ${describe(t)}`, t, 'nft prints durations as 1d2h3m4s5ms')
  }
  return t.text
}

function skipNewlines(c: Cursor): void {
  while (c.peek()?.type === 'nl') c.next()
}

function elementOptions(c: Cursor): Omit<NftElement, 'key' | 'data'> {
  const out: { -readonly [K in keyof NftElement]?: NftElement[K] } = {}
  for (;;) {
    const w = c.word()
    if (w === 'counter' && out.counter === undefined) {
      c.next()
      c.expectWord('packets')
      const packets = BigInt(c.integer('a packet count'))
      c.expectWord('bytes')
      out.counter = { packets, bytes: BigInt(c.integer('a byte count')) }
    } else if (w === 'timeout' && out.timeout === undefined) {
      c.next()
      out.timeout = parseDuration(c, 'a timeout')
    } else if (w === 'expires' && out.expires === undefined) {
      c.next()
      out.expires = parseDuration(c, 'an expiry time')
    } else if (w === 'comment' && out.comment === undefined) {
      c.next()
      out.comment = c.expect('string', 'a quoted comment').text
    } else return out
  }
}

/** One element: `key [options] [: data]`; `key` is parsed by `key`. */
export function parseElement(c: Cursor, key: (c: Cursor) => NftExpr = parseElementKey): NftElement {
  const k = key(c)
  const opts = elementOptions(c)
  if (c.word() !== ':') return { key: k, ...opts }
  c.next()
  return { key: k, ...opts, data: parseData(c) }
}

function parseElementKey(c: Cursor): NftExpr {
  return parseConcat(c, (x) => parseValue(x, 'a set element'))
}

/** `{ el, el, … }`, possibly spread over lines (named sets' `elements = { … }`). */
export function parseSetLiteral(c: Cursor): NftExpr {
  const open = c.expect('lbrace', '"{"')
  const elements: NftElement[] = []
  skipNewlines(c)
  if (c.peek()?.type === 'rbrace') throw c.fail('empty set', open, 'nft never prints "{ }"')
  for (;;) {
    elements.push(parseElement(c))
    skipNewlines(c)
    const t = c.next('"," or "}"')
    if (t.type === 'rbrace') return { kind: 'set', elements }
    if (t.type !== 'comma') throw c.fail(`expected "," or "}", found ${describe(t)}`, t)
    skipNewlines(c)
  }
}

/** `@name` */
export function parseRef(c: Cursor, t: Token): NftExpr {
  if (t.type !== 'word' || !t.text.startsWith('@') || t.text.length < 2) {
    throw c.fail(`expected @set, found ${describe(t)}`, t)
  }
  return { kind: 'ref', name: t.text.slice(1) }
}

/** A set or map operand: `{ … }` or `@name`. */
export function parseSetOperand(c: Cursor): NftExpr {
  if (c.peek()?.type === 'lbrace') return parseSetLiteral(c)
  return parseRef(c, c.next('a set ({ … } or @name)'))
}

/** The right side of a match: a set, a reference, values (`a . b`), or `value / mask`. */
export function parseRhs(c: Cursor): NftExpr {
  const t = c.peek()
  if (t?.type === 'lbrace' || (t?.type === 'word' && t.text.startsWith('@')))
    return parseSetOperand(c)
  const v = parseConcat(c, (x) => parseValue(x))
  if (c.word() !== '/') return v
  c.next()
  return { kind: 'flagmask', value: v, mask: parseValue(c, 'a mask') }
}

/** Statements of nft 1.0.6 that kpath keeps as raw text (nft(8), STATEMENTS). */
export const RAW_STATEMENTS: ReadonlySet<string> = new Set([
  'limit',
  'quota',
  'queue',
  'meter',
  'dup',
  'fwd',
  'tproxy',
  'synproxy',
  'flow',
  'xt',
  'secmark',
  'last',
  'objref',
  'connlimit',
])

/** Words that start a statement (or NAT flags): after a value, they begin what comes next. */
const STATEMENT_WORDS: ReadonlySet<string> = new Set([
  ...VERDICTS,
  ...RAW_STATEMENTS,
  'counter',
  'log',
  'notrack',
  'reject',
  'dnat',
  'snat',
  'masquerade',
  'redirect',
  'add',
  'update',
  'delete',
  'random',
  'fully-random',
  'persistent',
])

/**
 * In a value position a protocol name is a literal (`meta l4proto set tcp`) unless a field of
 * that header follows (`tcp dport`); an unknown word after it is syntax kpath does not parse.
 */
function selectorInValue(c: Cursor): boolean {
  const w = c.word() ?? ''
  const fields = PAYLOAD_FIELDS[w]
  if (!fields) return startsSelector(c)
  const next = c.word(1)
  if (next !== undefined && next in fields) return true
  if (next === undefined || STATEMENT_WORDS.has(next) || BINOPS.has(next)) return false
  const save = c.pos
  c.next()
  const selector = startsSelector(c)
  c.pos = save
  if (selector) return false
  throw new NotModelled(c.next())
}

/** A value for `set`, `to`: a literal, or a selector expression with an optional map lookup. */
export function parseValueExpr(c: Cursor): NftExpr {
  if (!selectorInValue(c)) return parseValue(c)
  const key = parseLhs(c)
  if (c.word() !== 'map') return key
  c.next()
  return { kind: 'map', key, map: parseSetOperand(c) }
}
