/**
 * @module core/netfilter/nft/parse
 * Parse `nft list ruleset` / `nft list table …` output (nft 1.0.6, with or without `-a`) into
 * the model. Errors are located (line, column, the quoted line) and carry a hint; valid nft that
 * kpath does not model is either kept as a raw statement (inside rules) or refused with
 * KPATH_UNSUPPORTED (named objects such as counters, quotas and flowtables).
 *
 * @example
 * const rs = parseNftRuleset(readFileSync('nft-list.txt', 'utf8'), { file: 'nft-list.txt' })
 */
import { isKpathError, type KpathError, unsupported } from '../../errors.js'
import { Cursor, describe, NotModelled } from './cursor.js'
import {
  NFT_FAMILIES,
  NFT_HOOKS,
  type NftBaseChain,
  type NftChain,
  type NftChainType,
  type NftFamily,
  type NftHook,
  type NftRule,
  type NftRuleset,
  type NftSet,
  type NftTable,
} from './model.js'
import { parseHandle, parseRuleLine } from './parse-rule.js'
import { parseSetBlock } from './parse-set.js'
import { priorityValue } from './priority.js'
import { tokenize } from './tokens.js'

export interface ParseNftOptions {
  /** File name for error locations. */
  readonly file?: string
}

const CHAIN_TYPES: ReadonlySet<string> = new Set(['filter', 'nat', 'route'])
const NAMED_OBJECTS: ReadonlySet<string> = new Set([
  'counter',
  'quota',
  'limit',
  'ct',
  'flowtable',
  'secmark',
  'synproxy',
])

function endOfLine(c: Cursor): void {
  const t = c.next('the end of the line')
  if (t.type !== 'nl') throw c.fail(`unexpected ${describe(t)}`, t)
}

/** `-110`, `filter`, `dstnat - 10`, `raw + 10`. */
function parsePriority(c: Cursor, family: NftFamily): number {
  const t = c.next('a priority')
  if (t.type === 'word' && /^-?[0-9]{1,10}$/.test(t.text)) return Number(t.text)
  const base = t.type === 'word' ? priorityValue(family, t.text) : undefined
  if (base === undefined) {
    throw c.fail(
      `unknown priority ${describe(t)} for family ${family}`,
      t,
      'a number, or raw, mangle, dstnat, filter, security, srcnat (± N)',
    )
  }
  const sign = c.word()
  if (sign !== '+' && sign !== '-') return base
  c.next()
  const n = c.integer('a priority offset')
  return sign === '+' ? base + n : base - n
}

/** `type T hook H [device "D"] priority P; policy X;` */
function parseBaseChain(c: Cursor, family: NftFamily): NftBaseChain {
  const type = c.next('a chain type')
  if (type.type !== 'word' || !CHAIN_TYPES.has(type.text)) {
    throw c.fail(`unknown chain type ${describe(type)}`, type, 'filter, nat or route')
  }
  c.expectWord('hook')
  const hook = c.next('a hook')
  if (hook.type !== 'word' || !(NFT_HOOKS as readonly string[]).includes(hook.text)) {
    throw c.fail(`unknown hook ${describe(hook)}`, hook, NFT_HOOKS.join(', '))
  }
  let device: string | undefined
  if (c.word() === 'device') {
    c.next()
    device = c.name('a device name')
  }
  c.expectWord('priority')
  const priority = parsePriority(c, family)
  c.expect('semi', '";"')
  let policy: 'accept' | 'drop' = 'accept'
  if (c.word() === 'policy') {
    c.next()
    const p = c.next('accept or drop')
    if (p.type !== 'word' || (p.text !== 'accept' && p.text !== 'drop')) {
      throw c.fail(`unknown policy ${describe(p)}`, p, 'accept or drop')
    }
    policy = p.text
    c.expect('semi', '";"')
  }
  return {
    type: type.text as NftChainType,
    hook: hook.text as NftHook,
    ...(device === undefined ? {} : { device }),
    priority,
    policy,
  }
}

/** The index of the newline token ending the line that starts at `from`. */
function lineEnd(c: Cursor, from: number): number {
  let i = from
  while (i < c.end && c.tokens[i]?.type !== 'nl') i++
  return i
}

/** After `chain`: `NAME { [# handle N]` NL, comment, base chain line, rules, `}`. */
function parseChain(c: Cursor, family: NftFamily): NftChain {
  const name = c.name('the chain name')
  c.expect('lbrace', '"{"')
  const handle = c.peek()?.type === 'hash' ? parseHandle(c, c.next()) : undefined
  endOfLine(c)
  let comment: string | undefined
  let base: NftBaseChain | undefined
  const rules: NftRule[] = []
  for (;;) {
    const t = c.peek()
    if (!t) throw c.failAfter(`chain ${name} is not closed`, 'expected "}"')
    if (t.type === 'rbrace') {
      c.next()
      break
    }
    if (t.type === 'nl') {
      c.next()
      continue
    }
    const isComment =
      t.type === 'word' &&
      t.text === 'comment' &&
      c.peek(1)?.type === 'string' &&
      c.peek(2)?.type === 'nl'
    if (isComment && rules.length === 0 && comment === undefined) {
      c.next()
      comment = c.next().text
    } else if (t.type === 'word' && t.text === 'type' && rules.length === 0 && !base) {
      c.next()
      base = parseBaseChain(c, family)
    } else {
      const end = lineEnd(c, c.pos)
      rules.push(parseRuleLine(c.tokens, c.lines, c.pos, end, c.file))
      c.pos = end
    }
    endOfLine(c)
  }
  return {
    name,
    ...(handle === undefined ? {} : { handle }),
    ...(comment === undefined ? {} : { comment }),
    ...(base ? { base } : {}),
    rules,
  }
}

interface TableParts {
  flags?: string[]
  comment?: string
  sets: NftSet[]
  chains: NftChain[]
}

/** One line inside a table; false at the closing brace. */
function parseTableLine(c: Cursor, family: NftFamily, parts: TableParts): boolean {
  const t = c.next('a table member or "}"')
  if (t.type === 'rbrace') return false
  if (t.type === 'nl') return true
  const w = t.type === 'word' ? t.text : ''
  if (w === 'flags' && parts.flags === undefined && parts.sets.length + parts.chains.length === 0) {
    parts.flags = c.name('table flags').split(',')
  } else if (w === 'comment' && parts.comment === undefined) {
    parts.comment = c.expect('string', 'a quoted comment').text
  } else if (w === 'set' || w === 'map') {
    parts.sets.push(parseSetBlock(c, w))
  } else if (w === 'chain') {
    parts.chains.push(parseChain(c, family))
  } else if (NAMED_OBJECTS.has(w)) {
    throw unsupported(
      `nft ${w} objects are not modelled`,
      { line: t.line, column: t.col, text: c.lines[t.line - 1] ?? '' },
      'kpath models tables, chains, rules, sets and maps',
    )
  } else {
    throw c.fail(
      `unexpected ${describe(t)} in a table`,
      t,
      'expected set, map, chain, flags, comment or "}"',
    )
  }
  endOfLine(c)
  return true
}

function parseTable(c: Cursor): NftTable {
  const fam = c.next('a family')
  if (fam.type !== 'word' || !(NFT_FAMILIES as readonly string[]).includes(fam.text)) {
    throw c.fail(`unknown family ${describe(fam)}`, fam, NFT_FAMILIES.join(', '))
  }
  const family = fam.text as NftFamily
  const name = c.name('the table name')
  c.expect('lbrace', '"{"')
  const handle = c.peek()?.type === 'hash' ? parseHandle(c, c.next()) : undefined
  endOfLine(c)
  const parts: TableParts = { sets: [], chains: [] }
  while (parseTableLine(c, family, parts)) {
    // one member per line
  }
  const t = c.peek()
  if (t && t.type !== 'nl') throw c.fail(`unexpected ${describe(t)} after the table`, t)
  return {
    family,
    name,
    ...(handle === undefined ? {} : { handle }),
    ...(parts.flags ? { flags: parts.flags } : {}),
    ...(parts.comment === undefined ? {} : { comment: parts.comment }),
    sets: parts.sets,
    chains: parts.chains,
  }
}

/** Unmodelled syntax outside a rule (e.g. in a `typeof`) cannot be kept as raw text. */
function notModelledHere(e: NotModelled, text: string): KpathError {
  const t = e.token
  return unsupported(
    `"${t.text}" is valid nft that kpath does not model here`,
    { line: t.line, column: t.col, text: text.split('\n')[t.line - 1] ?? '' },
    'only rules may hold unmodelled statements (kept as raw text)',
  )
}

export function parseNftRuleset(text: string, options: ParseNftOptions = {}): NftRuleset {
  try {
    const { tokens, lines } = tokenize(text)
    const c = new Cursor(tokens, lines, 0, tokens.length, options.file)
    const tables: NftTable[] = []
    for (;;) {
      while (c.peek()?.type === 'nl') c.next()
      const t = c.peek()
      if (!t) break
      if (t.type !== 'word' || t.text !== 'table') {
        throw c.fail(
          `expected "table", found ${describe(t)}`,
          t,
          'the input should be `nft list ruleset` output',
        )
      }
      c.next()
      tables.push(parseTable(c))
    }
    return { tables }
  } catch (e) {
    const err = e instanceof NotModelled ? notModelledHere(e, text) : e
    if (isKpathError(err) && options.file !== undefined) throw err.inFile(options.file)
    throw err
  }
}
