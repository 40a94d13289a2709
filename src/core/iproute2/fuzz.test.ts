/**
 * Fuzz: thousands of damaged captures (characters deleted, inserted, swapped; JSON values
 * replaced by values of other types) must either parse (and print) or fail with a
 * KpathError, never with anything else.
 */
import { readdirSync, readFileSync } from 'node:fs'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { isKpathError } from '../errors.js'
import { applyTextMutation, textMutation } from '../testing/text-mutation.js'
import { ROUND_TRIPS } from './testkit.js'

const dir = new URL('./testdata/', import.meta.url)
const SOURCES = readdirSync(dir)
  .filter((f) => /^node\./.test(f))
  .map((f) => ({ kind: f.slice('node.'.length), text: readFileSync(new URL(f, dir), 'utf8') }))
  .filter((s) => ROUND_TRIPS[s.kind] !== undefined && s.text.length > 0)

const ALPHABET = [
  ' ',
  '  ',
  '\n',
  '\t',
  ':',
  ',',
  '"',
  '{',
  '}',
  '[',
  ']',
  '/',
  '@',
  '<',
  '>',
  '0',
  '65536',
  '-1',
  'x',
  'null',
  'é',
  '\\',
]

const textEdit = textMutation(ALPHABET, 16, { randomText: 6 })

const anyJson = fc.jsonValue({ maxDepth: 2 })

/** Replace one value somewhere in a JSON listing by an arbitrary JSON value. */
function applyJson(text: string, pick: number, value: unknown): string {
  const root: unknown = JSON.parse(text)
  const slots: { holder: Record<string, unknown> | unknown[]; key: string | number }[] = []
  const walk = (v: unknown) => {
    if (Array.isArray(v))
      v.forEach((x, i) => {
        slots.push({ holder: v, key: i })
        walk(x)
      })
    else if (typeof v === 'object' && v !== null) {
      for (const [k, x] of Object.entries(v)) {
        slots.push({ holder: v as Record<string, unknown>, key: k })
        walk(x)
      }
    }
  }
  walk(root)
  const slot = slots[pick % Math.max(1, slots.length)]
  if (slot !== undefined) (slot.holder as Record<string | number, unknown>)[slot.key] = value
  return JSON.stringify(root)
}

function onlyKpathErrors(kind: string, text: string): void {
  const roundTrip = ROUND_TRIPS[kind]
  if (roundTrip === undefined) return
  try {
    roundTrip(text, {
      netns: 'fuzz',
      netnsIds: new Map([[0, 'other']]),
      nameOf: () => 'eth0',
      indexOf: () => 2,
    })
  } catch (e) {
    if (!isKpathError(e)) throw e
    expect(e.code === 'KPATH_PARSE' ? e.location : true).toBeTruthy()
  }
}

describe('damaged listings fail only with KpathError', () => {
  it('text edits of every capture (1500 runs)', () => {
    fc.assert(
      fc.property(fc.nat(), fc.array(textEdit, { minLength: 1, maxLength: 4 }), (which, edits) => {
        const src = SOURCES[which % SOURCES.length]
        if (src === undefined) return
        onlyKpathErrors(src.kind, edits.reduce(applyTextMutation, src.text))
      }),
      { numRuns: 1500 },
    )
  })
  it('JSON values replaced by values of any type (1000 runs)', () => {
    const json = SOURCES.filter((s) => s.kind.endsWith('.json') && s.text.trim() !== '[]')
    fc.assert(
      fc.property(fc.nat(), fc.nat(), anyJson, (which, pick, value) => {
        const src = json[which % json.length]
        if (src === undefined) return
        onlyKpathErrors(src.kind, `${applyJson(src.text, pick, value)}\n`)
      }),
      { numRuns: 1000 },
    )
  })
})
