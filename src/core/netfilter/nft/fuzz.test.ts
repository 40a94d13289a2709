/**
 * Fuzz: 6,000 mutated listings (deleted, inserted, duplicated, swapped and cut text, starting
 * from the real nft listings in testdata/). The parser must either accept the text or throw a
 * KpathError, never anything else; what it accepts must print, parse back and print the same, and
 * compile for the engine with nothing worse than a KpathError.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { isKpathError } from '../../errors.js'
import { applyTextMutation, textMutation } from '../../testing/text-mutation.js'
import { compileNft } from '../engine/nft/compile.js'
import { parseNftRuleset } from './parse.js'
import { printNftRuleset } from './print.js'

const DATA = join(dirname(fileURLToPath(import.meta.url)), 'testdata')
const DUMPS = [
  ...readdirSync(DATA)
    .filter((f) => f.endsWith('.list.txt'))
    .map((f) => readFileSync(join(DATA, f), 'utf8')),
  readFileSync(join(DATA, 'kube-proxy', 'overall.list.txt'), 'utf8'),
  readFileSync(join(DATA, 'sets-maps.handles.txt'), 'utf8'),
]

/** Characters and words that matter to the grammar, plus some that never appear. */
const NOISE = [
  ...' \t"{};,.:@#/-!=<>&|^*\n',
  '0x',
  'jump',
  'goto',
  'map',
  'vmap',
  'set',
  'elements = {',
  'comment',
  'priority',
  'type',
  'typeof',
  'timeout',
  'handle',
  'ip saddr',
  'meta mark',
  'ct state',
  'numgen random mod 0',
  '\u00e9',
  '\u0000',
]

const mutation = textMutation(NOISE, 8)
const mutate = applyTextMutation

/** Run `f`; anything thrown must be a KpathError. */
function onlyKpath<T>(f: () => T): T | undefined {
  try {
    return f()
  } catch (e) {
    if (!isKpathError(e)) throw e
    return undefined
  }
}

describe('nft listing parser under fuzzing', () => {
  it('throws only KpathError, and what it accepts round-trips and compiles', () => {
    let accepted = 0
    fc.assert(
      fc.property(
        fc.nat(DUMPS.length - 1),
        fc.array(mutation, { minLength: 1, maxLength: 4 }),
        (i, ms) => {
          const text = ms.reduce(mutate, DUMPS[i] ?? '')
          const rs = onlyKpath(() => parseNftRuleset(text))
          if (!rs) return
          accepted++
          const printed = printNftRuleset(rs)
          expect(printNftRuleset(parseNftRuleset(printed))).toBe(printed)
          onlyKpath(() => compileNft(rs))
        },
      ),
      { numRuns: 6000 },
    )
    // Many mutations keep the text valid (a changed address, a duplicated rule).
    expect(accepted).toBeGreaterThan(300)
  })

  it('locates every error it reports', () => {
    fc.assert(
      fc.property(
        fc.nat(DUMPS.length - 1),
        fc.array(mutation, { minLength: 1, maxLength: 3 }),
        (i, ms) => {
          const text = ms.reduce(mutate, DUMPS[i] ?? '')
          try {
            parseNftRuleset(text)
          } catch (e) {
            if (!isKpathError(e)) throw e
            const loc = e.location
            expect(loc).toBeDefined()
            if (!loc) return
            expect(loc.line).toBeGreaterThan(0)
            expect(loc.column).toBeGreaterThan(0)
            expect(loc.text).toBe(text.split('\n')[loc.line - 1])
          }
        },
      ),
      { numRuns: 1000 },
    )
  })
})
