/**
 * @module core/netfilter/nft/parse-stmt
 * A rule's statements, left to right: matches, verdicts, counters, log, `set`, `vmap`, NAT,
 * reject, notrack and dynamic-set updates. A statement nft accepts but kpath does not parse
 * (`limit rate …`, `queue …`, `tcp option …`) is kept as raw text from where it starts to the
 * end of the rule; the engine refuses to run past it. Anything else unknown is a parse error.
 */
import { type Cursor, describe, NotModelled } from './cursor.js'
import type { NftExpr, NftLogOption, NftNatType, NftRelOp, NftStmt } from './model.js'
import {
  parseElement,
  parseLhs,
  parseRef,
  parseRhs,
  parseSetOperand,
  parseValue,
  parseValueExpr,
  parseVerdict,
  RAW_STATEMENTS,
} from './parse-expr.js'
import { startsSelector } from './parse-selector.js'

const REL_OPS: ReadonlySet<string> = new Set(['==', '!=', '<', '>', '<=', '>='])

const LOG_OPTIONS: ReadonlySet<string> = new Set([
  'prefix',
  'level',
  'flags',
  'group',
  'snaplen',
  'queue-threshold',
])

const NAT_FLAGS = /^(random|fully-random|persistent)(,(random|fully-random|persistent))*$/
const REJECT_TYPES: ReadonlySet<string> = new Set(['icmp', 'icmpv6', 'icmpx'])

function parseCounter(c: Cursor): NftStmt {
  c.next()
  if (c.word() === 'name') throw new NotModelled(c.next())
  if (c.word() !== 'packets') return { kind: 'counter' }
  c.next()
  const packets = BigInt(c.integer('a packet count'))
  c.expectWord('bytes')
  return { kind: 'counter', packets, bytes: BigInt(c.integer('a byte count')) }
}

function parseLog(c: Cursor): NftStmt {
  c.next()
  const options: NftLogOption[] = []
  while (c.word() !== undefined && LOG_OPTIONS.has(c.word() as string)) {
    const name = c.next().text
    const v = c.next(`the value of log ${name}`)
    if (v.type !== 'word' && v.type !== 'string')
      throw c.fail(`expected a value, found ${describe(v)}`, v)
    options.push({ name, value: v.text, ...(v.type === 'string' ? { quoted: true } : {}) })
  }
  return { kind: 'log', options }
}

function parseReject(c: Cursor): NftStmt {
  c.next()
  if (c.word() !== 'with') return { kind: 'reject' }
  c.next()
  const type = c.next('tcp, icmp, icmpv6 or icmpx')
  if (type.type === 'word' && type.text === 'tcp') {
    c.expectWord('reset')
    return { kind: 'reject', with: { type: 'tcp', code: 'reset' } }
  }
  if (type.type !== 'word' || !REJECT_TYPES.has(type.text)) {
    throw c.fail(
      `unknown reject type ${describe(type)}`,
      type,
      'reject with tcp reset | icmp CODE | icmpv6 CODE | icmpx CODE',
    )
  }
  const code = c.next('an ICMP code')
  if (code.type !== 'word') throw c.fail(`expected an ICMP code, found ${describe(code)}`, code)
  return {
    kind: 'reject',
    with: { type: type.text as 'icmp' | 'icmpv6' | 'icmpx', code: code.text },
  }
}

function natFlags(c: Cursor): readonly string[] | undefined {
  const w = c.word()
  if (w === undefined || !NAT_FLAGS.test(w)) return undefined
  c.next()
  return w.split(',')
}

function parseNat(c: Cursor): NftStmt {
  const type = c.next().text as NftNatType
  const addrNat = type === 'dnat' || type === 'snat'
  const f = c.word()
  const family = addrNat && (f === 'ip' || f === 'ip6') ? f : undefined
  if (family) c.next()
  let to: NftExpr | undefined
  if (c.word() === 'to') {
    c.next()
    to = addrNat ? parseValueExpr(c) : parseValue(c, 'a port (:N or :N-M)')
  } else if (addrNat) {
    const t = c.peek()
    throw t ? c.fail(`expected "to", found ${describe(t)}`, t) : c.failAfter(`${type} needs "to"`)
  }
  const w = c.word()
  if (w === 'netmap' || w === 'prefix') throw new NotModelled(c.next())
  const flags = natFlags(c)
  return {
    kind: 'nat',
    type,
    ...(family ? { family } : {}),
    ...(to ? { to } : {}),
    ...(flags ? { flags } : {}),
  }
}

function parseDynset(c: Cursor): NftStmt {
  const op = c.next().text as 'add' | 'update' | 'delete'
  const ref = parseRef(c, c.next('@set'))
  if (ref.kind !== 'ref') throw c.failAfter('expected @set')
  c.expect('lbrace', '"{"')
  const element = parseElement(c, parseLhs)
  c.expect('rbrace', '"}"')
  return { kind: 'dynset', op, set: ref.name, element }
}

/** A statement that starts with a selector: match, `set`, `vmap`. */
function parseExprStmt(c: Cursor): NftStmt {
  const left = parseLhs(c)
  const w = c.word()
  if (w === 'set') {
    c.next()
    return { kind: 'assign', target: left, value: parseValueExpr(c) }
  }
  if (w === 'vmap') {
    c.next()
    return { kind: 'vmap', key: left, map: parseSetOperand(c) }
  }
  let op: NftRelOp = 'implicit'
  if (w !== undefined && REL_OPS.has(w)) {
    c.next()
    op = w as NftRelOp
  }
  if (c.atEnd()) throw c.failAfter('expected a value to compare with')
  return { kind: 'match', left, op, right: parseRhs(c) }
}

/** One statement at the cursor. */
export function parseStmt(c: Cursor): NftStmt {
  const t = c.peek()
  if (!t) throw c.failAfter('expected a statement')
  const w = t.type === 'word' ? t.text : ''
  switch (w) {
    case 'accept':
    case 'drop':
    case 'continue':
    case 'return':
    case 'jump':
    case 'goto':
      return parseVerdict(c)
    case 'counter':
      return parseCounter(c)
    case 'log':
      return parseLog(c)
    case 'notrack':
      c.next()
      return { kind: 'notrack' }
    case 'reject':
      return parseReject(c)
    case 'dnat':
    case 'snat':
    case 'masquerade':
    case 'redirect':
      return parseNat(c)
    case 'add':
    case 'update':
    case 'delete':
      return parseDynset(c)
  }
  if (RAW_STATEMENTS.has(w)) throw new NotModelled(t)
  if (startsSelector(c)) return parseExprStmt(c)
  throw c.fail(
    `unknown statement ${describe(t)}`,
    t,
    'kpath reads nft 1.0.6 `nft list ruleset` output',
  )
}
