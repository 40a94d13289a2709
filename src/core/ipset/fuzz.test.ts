import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { isKpathError } from '../errors.js'
import { createIpSetDb } from './db.js'
import { parseIpsetList, printIpsetList } from './list.js'
import { parseIpsetSave, printIpsetSave } from './save.js'
import raw from './testdata/ipset-fixtures.json' with { type: 'json' }

const FIX = raw as unknown as {
  cases: { input: string; save: string; list: string; terse: string }[]
}
const DUMPS = FIX.cases.flatMap((c) => [c.save, c.input])
const LISTS = FIX.cases.flatMap((c) => [c.list, c.terse])

/** Characters that matter to the grammar, plus some that should never appear. */
const NOISE = [
  ...' \t",:/-.!#0123456789abcdefx+[]',
  'nomatch',
  'timeout',
  'add',
  'create',
  '\n',
  '\u00e9',
  '\u0000',
]

type Mutation =
  | { kind: 'del'; at: number; len: number }
  | { kind: 'ins'; at: number; text: string }
  | { kind: 'dupline'; at: number }
  | { kind: 'swap'; a: number; b: number }
  | { kind: 'cut'; at: number }

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({
    kind: fc.constant('del' as const),
    at: fc.nat(),
    len: fc.integer({ min: 1, max: 6 }),
  }),
  fc.record({ kind: fc.constant('ins' as const), at: fc.nat(), text: fc.constantFrom(...NOISE) }),
  fc.record({ kind: fc.constant('dupline' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('swap' as const), a: fc.nat(), b: fc.nat() }),
  fc.record({ kind: fc.constant('cut' as const), at: fc.nat() }),
)

function mutate(text: string, m: Mutation): string {
  const n = Math.max(1, text.length)
  switch (m.kind) {
    case 'del':
      return text.slice(0, m.at % n) + text.slice((m.at % n) + m.len)
    case 'ins':
      return text.slice(0, m.at % n) + m.text + text.slice(m.at % n)
    case 'dupline': {
      const lines = text.split('\n')
      const i = m.at % lines.length
      lines.splice(i, 0, lines[i] ?? '')
      return lines.join('\n')
    }
    case 'swap': {
      const words = text.split(' ')
      const a = m.a % words.length
      const b = m.b % words.length
      ;[words[a], words[b]] = [words[b] ?? '', words[a] ?? '']
      return words.join(' ')
    }
    case 'cut':
      return text.slice(0, m.at % n)
  }
}

/** Only KpathErrors may escape, located on a real line of the input; undefined then. */
function onlyKpathErrors<T>(text: string, parse: () => T): T | undefined {
  try {
    return parse()
  } catch (e) {
    if (!isKpathError(e)) throw e
    const loc = e.location
    if (loc) {
      expect(loc.line).toBeGreaterThanOrEqual(1)
      expect(text.split('\n')[loc.line - 1]).toBe(loc.text)
      expect(loc.column).toBeGreaterThanOrEqual(1)
    }
    return undefined
  }
}

describe('fuzzed dumps', () => {
  it('ipset save / restore input: 2,500 mutations raise only located KpathErrors, and what parses is consistent', () => {
    let parsed = 0
    fc.assert(
      fc.property(
        fc.constantFrom(...DUMPS),
        fc.array(mutation, { minLength: 1, maxLength: 4 }),
        (dump, ms) => {
          const text = ms.reduce(mutate, dump)
          const sets = onlyKpathErrors(text, () => parseIpsetSave(text, { exist: true }))
          if (!sets) return
          parsed++
          // Whatever parses is valid for the db and prints back to itself, without any error.
          createIpSetDb(sets)
          expect(parseIpsetSave(printIpsetSave(sets))).toEqual(sets)
        },
      ),
      { numRuns: 2500, seed: 424242 },
    )
    expect(parsed).toBeGreaterThan(100)
  })

  it('ipset list output: 1,500 mutations raise only located KpathErrors', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...LISTS),
        fc.array(mutation, { minLength: 1, maxLength: 3 }),
        (listing, ms) => {
          const text = ms.reduce(mutate, listing)
          const sets = onlyKpathErrors(text, () => parseIpsetList(text))
          if (sets)
            expect(printIpsetList(parseIpsetList(printIpsetList(sets)))).toBe(printIpsetList(sets))
        },
      ),
      { numRuns: 1500, seed: 99 },
    )
  })
})
