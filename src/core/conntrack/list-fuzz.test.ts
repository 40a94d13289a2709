import { readFileSync } from 'node:fs'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { isKpathError } from '../errors.js'
import { applyTextMutation, textMutation } from '../testing/text-mutation.js'
import { parseConntrackList } from './list-parse.js'
import { printConntrackList } from './list-print.js'

const SOURCES = [
  'catalogue.txt',
  'catalogue-extended.txt',
  'catalogue-id.txt',
  'catalogue-ktimestamp.txt',
].flatMap((name) =>
  readFileSync(new URL(`./testdata/${name}`, import.meta.url), 'utf8')
    .split('\n')
    .filter(Boolean),
)

const ALPHABET = [
  ' ',
  '  ',
  '=',
  '[',
  ']',
  ':',
  '.',
  '-',
  '0',
  '9',
  '65536',
  'x',
  'ffff',
  '\n',
  '\t',
  'é',
  'NONE',
]

/** One edit of a listing: the kinds of damage real captures suffer, and then some. */
const mutation = textMutation(ALPHABET, 12, { randomText: 6 })

describe('parseConntrackList on damaged listings', () => {
  it('either parses, stably, or fails with a located KPATH_PARSE error (2,500 cases)', () => {
    let parsed = 0
    let failed = 0
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(...SOURCES), { minLength: 1, maxLength: 4 }),
        fc.array(mutation, { minLength: 1, maxLength: 4 }),
        (lines, edits) => {
          const text = edits.reduce(applyTextMutation, `${lines.join('\n')}\n`)
          let entries: ReturnType<typeof parseConntrackList>
          try {
            entries = parseConntrackList(text)
          } catch (e) {
            if (!isKpathError(e)) throw e
            expect(e.code).toBe('KPATH_PARSE')
            expect(e.location?.line).toBeGreaterThanOrEqual(1)
            expect(e.location?.column).toBeGreaterThanOrEqual(1)
            expect(typeof e.location?.text).toBe('string')
            failed++
            return
          }
          parsed++
          // Whatever was accepted prints and parses back to the same entries.
          expect(parseConntrackList(printConntrackList(entries))).toEqual(entries)
        },
      ),
      { numRuns: 2500, seed: 4242 },
    )
    expect(failed).toBeGreaterThan(1000)
    expect(parsed).toBeGreaterThan(50)
  })

  it('never accepts arbitrary text as anything but entries or a parse error', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (text) => {
        try {
          const entries = parseConntrackList(text)
          expect(Array.isArray(entries)).toBe(true)
        } catch (e) {
          expect(isKpathError(e) && e.code).toBe('KPATH_PARSE')
        }
      }),
      { numRuns: 500 },
    )
  })
})
