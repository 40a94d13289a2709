import { readFileSync } from 'node:fs'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { isKpathError } from '../errors.js'
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
const mutation = fc.oneof(
  fc.record({
    kind: fc.constant('delete' as const),
    at: fc.nat(),
    len: fc.integer({ min: 1, max: 12 }),
  }),
  fc.record({
    kind: fc.constant('insert' as const),
    at: fc.nat(),
    text: fc.constantFrom(...ALPHABET),
  }),
  fc.record({
    kind: fc.constant('insert' as const),
    at: fc.nat(),
    text: fc.string({ maxLength: 6 }),
  }),
  fc.record({ kind: fc.constant('swap' as const), at: fc.nat(), other: fc.nat() }),
  fc.record({ kind: fc.constant('duplicate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
)

type Mutation = typeof mutation extends fc.Arbitrary<infer T> ? T : never

function apply(text: string, m: Mutation): string {
  const at = text.length === 0 ? 0 : m.at % text.length
  switch (m.kind) {
    case 'delete':
      return text.slice(0, at) + text.slice(at + m.len)
    case 'insert':
      return text.slice(0, at) + m.text + text.slice(at)
    case 'truncate':
      return text.slice(0, at)
    case 'swap':
    case 'duplicate': {
      const words = text.split(' ')
      const i = m.at % words.length
      const j = m.kind === 'swap' ? m.other % words.length : i
      const copy = [...words]
      if (m.kind === 'duplicate') copy.splice(i, 0, words[i] ?? '')
      else [copy[i], copy[j]] = [words[j] ?? '', words[i] ?? '']
      return copy.join(' ')
    }
  }
}

describe('parseConntrackList on damaged listings', () => {
  it('either parses, stably, or fails with a located KPATH_PARSE error (2,500 cases)', () => {
    let parsed = 0
    let failed = 0
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(...SOURCES), { minLength: 1, maxLength: 4 }),
        fc.array(mutation, { minLength: 1, maxLength: 4 }),
        (lines, edits) => {
          const text = edits.reduce(apply, `${lines.join('\n')}\n`)
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
