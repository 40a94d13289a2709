/**
 * @module core/netfilter/nft/parse-selector
 * Selectors of `nft list` output: a header field (`ip saddr`, `th dport`), a meta key
 * (`meta mark`, `iifname`), a ct key (`ct state`, `ct original ip saddr`), a fib lookup
 * (`fib daddr . iif type`) or a number generator (`numgen random mod 2`).
 */
import { type Cursor, describe, NotModelled } from './cursor.js'
import type { NftExpr } from './model.js'
import {
  CT_KEYS,
  FIB_FLAGS,
  FIB_RESULTS,
  META_KEYS,
  PAYLOAD_FIELDS,
  UNQUALIFIED_META,
} from './selectors.js'

/** Headers nft knows but kpath does not parse field by field: their statements stay raw. */
const UNMODELLED_PROTOS: ReadonlySet<string> = new Set([
  'arp',
  'vlan',
  'ah',
  'esp',
  'comp',
  'dccp',
  'igmp',
  'gre',
  'gretap',
  'geneve',
  'vxlan',
  'hbh',
  'frag',
  'rt',
  'rt0',
  'rt2',
  'srh',
  'mh',
  'dst',
  'exthdr',
  'jhash',
  'symhash',
  'socket',
  'osf',
  'ipsec',
  'cgroupv2',
  'tunnel',
  'inner',
])

/** Does the word at the cursor start a selector expression? */
export function startsSelector(c: Cursor): boolean {
  const w = c.word()
  if (w === undefined) return false
  return (
    w in PAYLOAD_FIELDS ||
    w === 'meta' ||
    UNQUALIFIED_META.has(w) ||
    w === 'ct' ||
    w === 'fib' ||
    w === 'numgen' ||
    UNMODELLED_PROTOS.has(w)
  )
}

function parseCt(c: Cursor): NftExpr {
  let dir: 'original' | 'reply' | undefined
  let family: 'ip' | 'ip6' | undefined
  const d = c.word()
  if (d === 'original' || d === 'reply') {
    c.next()
    dir = d
  }
  const f = c.word()
  if (f === 'ip' || f === 'ip6') {
    c.next()
    family = f
  }
  const key = c.next('a ct key')
  if (key.type !== 'word' || !(key.text in CT_KEYS)) throw new NotModelled(key)
  return {
    kind: 'ct',
    key: key.text,
    ...(dir === undefined ? {} : { dir }),
    ...(family === undefined ? {} : { family }),
  }
}

function parseFib(c: Cursor): NftExpr {
  const flags: string[] = []
  for (;;) {
    const t = c.next('a fib flag (saddr, daddr, mark, iif, oif)')
    if (t.type !== 'word' || !FIB_FLAGS.has(t.text)) {
      throw c.fail(`unknown fib flag ${describe(t)}`, t, 'fib takes saddr, daddr, mark, iif or oif')
    }
    flags.push(t.text)
    if (c.word() !== '.') break
    c.next()
  }
  const r = c.next('a fib result (type, oif, oifname)')
  if (r.type !== 'word' || !(r.text in FIB_RESULTS)) {
    throw c.fail(`unknown fib result ${describe(r)}`, r, 'fib gives type, oif or oifname')
  }
  return { kind: 'fib', flags, result: r.text }
}

function parseNumgen(c: Cursor): NftExpr {
  const m = c.next('random or inc')
  if (m.type !== 'word' || (m.text !== 'random' && m.text !== 'inc')) {
    throw c.fail(`expected random or inc, found ${describe(m)}`, m)
  }
  c.expectWord('mod')
  const mod = c.integer('the modulus')
  if (c.word() !== 'offset') return { kind: 'numgen', mode: m.text, mod }
  c.next()
  return { kind: 'numgen', mode: m.text, mod, offset: c.integer('the offset') }
}

/** One selector: a header field, a meta or ct key, fib or numgen. */
export function parseSelector(c: Cursor): NftExpr {
  const t = c.next('an expression')
  const w = t.type === 'word' ? t.text : ''
  const fields = PAYLOAD_FIELDS[w]
  if (fields) {
    const f = c.next(`a ${w} header field`)
    if (f.type !== 'word' || !(f.text in fields)) throw new NotModelled(t)
    return { kind: 'payload', proto: w, field: f.text }
  }
  if (w === 'meta') {
    const k = c.next('a meta key')
    if (k.type !== 'word' || !(k.text in META_KEYS)) {
      throw c.fail(`unknown meta key ${describe(k)}`, k, 'see nft(8), META EXPRESSIONS')
    }
    return { kind: 'meta', key: k.text, qualified: true }
  }
  if (UNQUALIFIED_META.has(w)) return { kind: 'meta', key: w, qualified: false }
  if (w === 'ct') return parseCt(c)
  if (w === 'fib') return parseFib(c)
  if (w === 'numgen') return parseNumgen(c)
  if (UNMODELLED_PROTOS.has(w)) throw new NotModelled(t)
  throw c.fail(`expected an expression, found ${describe(t)}`, t)
}
