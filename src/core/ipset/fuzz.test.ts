import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { onlyKpathErrors } from '../testing/errors.js'
import { applyTextMutation, textMutation } from '../testing/text-mutation.js'
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

const mutation = textMutation(NOISE, 6)
const mutate = applyTextMutation

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
