/**
 * Property tests: the LPM trie against a brute-force longest-prefix search over random tables,
 * for both families; and the whole FIB lookup against a brute-force scan of the same routes.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { type TableResult, tableLookup } from './fib.js'
import { compareAliases, compileAlias, type FibAlias, REJECT_ERRNO } from './fib-alias.js'
import { routeIndex } from './index-build.js'
import { withKernelRoutes } from './kernel-routes.js'
import { type Family, inPrefix, keyOf, maskOf, widthOf } from './key.js'
import { randomQueries, randomState } from './testing/random-states.js'
import { LpmTrie } from './trie.js'

const entry = (family: Family) => {
  const w = widthOf(family)
  return fc.record({
    // Keys from a narrow range so that prefixes overlap.
    net: fc
      .bigInt({ min: 0n, max: (1n << BigInt(w)) - 1n })
      .map((n) => n & ~((1n << BigInt(w - 12)) - 1n)),
    len: fc.integer({ min: 0, max: w }),
    value: fc.integer(),
  })
}

const probe = (family: Family, nets: bigint[]) => {
  const w = BigInt(widthOf(family))
  return fc.oneof(
    fc.bigInt({ min: 0n, max: (1n << w) - 1n }),
    // Near the stored prefixes, where longest-match matters.
    fc
      .tuple(fc.constantFrom(...(nets.length ? nets : [0n])), fc.bigInt({ min: 0n, max: 255n }))
      .map(([n, d]) => n | d),
  )
}

function brute(
  family: Family,
  entries: { net: bigint; len: number; value: number }[],
  key: bigint,
) {
  // Later writes to one prefix replace earlier ones, as in the trie.
  const last = new Map<string, { net: bigint; len: number; value: number }>()
  for (const e of entries) last.set(`${e.net & maskOf(family, e.len)}/${e.len}`, e)
  return [...last.values()]
    .filter((e) => inPrefix(family, key, e.net, e.len))
    .sort((a, b) => b.len - a.len)
    .map((e) => ({ len: e.len, value: e.value }))
}

describe('LpmTrie', () => {
  for (const family of [4, 6] as const) {
    it(`IPv${family}: matches() lists exactly the covering prefixes, longest first`, () => {
      fc.assert(
        fc.property(
          fc.array(entry(family), { maxLength: 60 }).chain((es) =>
            fc.tuple(
              fc.constant(es),
              fc.array(
                probe(
                  family,
                  es.map((e) => e.net),
                ),
                { minLength: 1, maxLength: 20 },
              ),
            ),
          ),
          ([entries, keys]) => {
            const t = new LpmTrie<number>(family)
            for (const e of entries) t.set(e.net, e.len, e.value)
            for (const k of keys) {
              const got = t.matches(k).map((m) => ({ len: m.len, value: m.value }))
              expect(got).toEqual(brute(family, entries, k))
            }
          },
        ),
        { numRuns: 300 },
      )
    })
  }

  it('keeps host bits out of the stored prefix and counts entries', () => {
    const t = new LpmTrie<string>(4)
    t.set(0x0a0101ffn, 24, 'a')
    t.set(0x0a010100n, 24, 'b')
    expect(t.size).toBe(1)
    expect(t.get(0x0a010100n, 24)).toBe('b')
    expect(t.entries()).toEqual([{ net: 0x0a010100n, len: 24, value: 'b' }])
    expect(t.matches(0x0a010203n)).toEqual([])
    expect(() => t.set(0n, 33, 'x')).toThrow(RangeError)
  })
})

describe('tableLookup over random route tables', () => {
  it('equals a flat scan: longest prefix, kernel alias order, first usable alias', () => {
    for (let seed = 1; seed <= 200; seed++) {
      const state = withKernelRoutes(randomState(seed))
      const ix = routeIndex(state)
      const aliases = state.routes.map((r, i) => compileAlias(r, i, ix.links))
      for (const q of randomQueries(state, seed, 20)) {
        const dst = keyOf(q.dst, 4)?.key ?? 0n
        for (const id of new Set(aliases.map((a) => a.table))) {
          const t = ix.fib.table(4, id)
          if (!t) continue
          const flow = { dst, tos: q.tos ?? 0, ...(q.oif === undefined ? {} : { oif: q.oif }) }
          const got = tableLookup(t, flow)
          const shared = ix.fib.merged4 && (id === 254 || id === 255)
          const pool = aliases.filter((a) =>
            shared ? a.table === 254 || a.table === 255 : a.table === id,
          )
          expect(describeResult(got), `seed ${seed} table ${id} ${q.dst}`).toEqual(
            describeResult(flatScan(pool, flow)),
          )
        }
      }
    }
  })
})

function flatScan(pool: FibAlias[], flow: { dst: bigint; tos: number; oif?: string }): TableResult {
  const tos = flow.tos & 0x1c
  const covering = pool
    .filter((a) => inPrefix(4, flow.dst, a.net, a.len))
    .sort((a, b) => b.len - a.len || compareAliases(a, b))
  for (const a of covering) {
    if (a.tos !== 0 && a.tos !== tos) continue
    const errno = REJECT_ERRNO[a.type]
    if (errno) return { kind: 'reject', alias: a, errno, table: a.table }
    const nh = a.nexthops.find((h) => !h.dead && (flow.oif === undefined || h.dev === flow.oif))
    if (nh) return { kind: 'hit', alias: a, nh, table: a.table }
  }
  return { kind: 'miss' }
}

function describeResult(r: TableResult): string {
  return r.kind === 'miss'
    ? 'miss'
    : `${r.kind} ${r.alias.route.type} ${r.alias.route.dst} ${r.alias.route.dev ?? ''} ${r.alias.order}`
}
