/**
 * @module core/netfilter/nft/parse-set
 * A named set or map block: its declaration lines (`type`/`typeof`, `policy`, `size`, `flags`,
 * `counter`, `auto-merge`, `timeout`, `gc-interval`, `comment`) and `elements = { … }`.
 */
import { type Cursor, describe } from './cursor.js'
import type { NftElement, NftSet, NftSetKey } from './model.js'
import { parseDuration, parseLhs, parseSetLiteral } from './parse-expr.js'
import { parseHandle } from './parse-rule.js'
import { startsSelector } from './parse-selector.js'
import type { Token } from './tokens.js'

const TYPE_NAME = /^[a-z][a-z0-9_]*$/

function typeNames(c: Cursor): string[] {
  const out: string[] = []
  for (;;) {
    const t = c.next('a datatype')
    if (t.type !== 'word' || !TYPE_NAME.test(t.text)) {
      throw c.fail(
        `expected a datatype, found ${describe(t)}`,
        t,
        'e.g. ipv4_addr, inet_service, verdict',
      )
    }
    out.push(t.text)
    if (c.word() !== '.') return out
    c.next()
  }
}

function parseKeyDecl(c: Cursor, kind: 'type' | 'typeof'): { key: NftSetKey; data?: NftSetKey } {
  const key: NftSetKey =
    kind === 'type' ? { kind: 'type', types: typeNames(c) } : { kind: 'typeof', expr: parseLhs(c) }
  if (c.word() !== ':') return { key }
  c.next()
  const data: NftSetKey =
    kind === 'typeof' && startsSelector(c)
      ? { kind: 'typeof', expr: parseLhs(c) }
      : { kind: 'type', types: typeNames(c) }
  return { key, data }
}

function endOfLine(c: Cursor): void {
  const t = c.next('the end of the line')
  if (t.type !== 'nl') throw c.fail(`unexpected ${describe(t)}`, t)
}

type Mutable<T> = { -readonly [K in keyof T]?: T[K] }

/** One declaration line of a set block; false at the closing brace. */
function parseSetLine(c: Cursor, out: Mutable<NftSet>): boolean {
  const t = c.next('a set declaration or "}"')
  if (t.type === 'rbrace') return false
  if (t.type === 'nl') return true
  const w = t.type === 'word' ? t.text : ''
  const seen = (k: keyof NftSet) => {
    if (out[k] !== undefined) throw c.fail(`duplicate "${w}"`, t)
  }
  switch (w) {
    case 'type':
    case 'typeof': {
      seen('key')
      const d = parseKeyDecl(c, w)
      out.key = d.key
      if (d.data) out.data = d.data
      break
    }
    case 'policy':
      seen('policy')
      out.policy = c.name('a set policy')
      break
    case 'size':
      seen('size')
      out.size = c.integer('the set size')
      break
    case 'flags':
      seen('flags')
      out.flags = c.name('set flags').split(',')
      break
    case 'counter':
      seen('counter')
      out.counter = true
      break
    case 'auto-merge':
      seen('autoMerge')
      out.autoMerge = true
      break
    case 'timeout':
      seen('timeout')
      out.timeout = parseDuration(c, 'a timeout')
      break
    case 'gc-interval':
      seen('gcInterval')
      out.gcInterval = parseDuration(c, 'a gc interval')
      break
    case 'comment':
      seen('comment')
      out.comment = c.expect('string', 'a quoted comment').text
      break
    case 'elements': {
      seen('elements')
      c.expectWord('=')
      const lit = parseSetLiteral(c)
      out.elements = lit.kind === 'set' ? lit.elements : []
      break
    }
    default:
      throw c.fail(
        `unknown set declaration ${describe(t)}`,
        t,
        'expected type, typeof, flags, timeout, elements, …',
      )
  }
  endOfLine(c)
  return true
}

function checkElements(
  c: Cursor,
  kind: 'set' | 'map',
  els: readonly NftElement[],
  at: number,
): void {
  const bad = els.find((e) => (kind === 'map') !== (e.data !== undefined))
  if (!bad) return
  const t = c.tokens[at]
  if (!t) return
  throw c.fail(
    kind === 'map' ? 'a map element needs ": data"' : 'a set element has no ": data"',
    t,
    'sets hold keys; maps hold key : data pairs',
  )
}

/** After `set`/`map`: `NAME { [# handle N]` NL, declarations, `}`. */
export function parseSetBlock(c: Cursor, kind: 'set' | 'map'): NftSet {
  const at = c.pos - 1
  const name = c.name(`the ${kind} name`)
  c.expect('lbrace', '"{"')
  const out: Mutable<NftSet> = { kind, name }
  if (c.peek()?.type === 'hash') out.handle = parseHandle(c, c.next())
  endOfLine(c)
  while (parseSetLine(c, out)) {
    // one declaration per line
  }
  const key = out.key
  const start = c.tokens[at] as Token
  if (!key)
    throw c.fail(`${kind} ${name} has no type`, start, 'nft always lists "type" or "typeof"')
  if ((kind === 'map') !== (out.data !== undefined)) {
    throw c.fail(
      kind === 'map' ? `map ${name} has no data type` : `set ${name} has a data type`,
      start,
      'a map is declared "type KEY : DATA"',
    )
  }
  checkElements(c, kind, out.elements ?? [], at)
  const set: NftSet = { ...out, kind, name, key }
  return set
}
