import { readFileSync } from 'node:fs'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { onlyKpathErrors } from '../testing/errors.js'
import { applyTextMutation, textMutation } from '../testing/text-mutation.js'
import { parseIpvsConnections } from './parse-conn.js'
import { parseIpvsList } from './parse-list.js'
import { parseIpvsSave } from './parse-save.js'
import { printIpvsConnections, printIpvsList, printIpvsSave } from './print.js'

const fixture = (name: string) =>
  readFileSync(new URL(`./testdata/${name}`, import.meta.url), 'utf8')

/** Characters and words that matter to ipvsadm's grammar, plus some that never appear. */
const NOISE = [
  ...' :[]().,-0123456789',
  '\n',
  '  -> ',
  'TCP',
  'FWM',
  'Masq',
  'persistent',
  'mask',
  '-p',
  '-A',
  '-a',
  '-r',
  'ops',
  '\u00e9',
  '\u0000',
]
const mutation = textMutation(NOISE, 6)

const CASES = [
  { name: 'list.txt', parse: parseIpvsList, print: (t: string) => printIpvsList(parseIpvsList(t)) },
  {
    name: 'seed-000-ln.txt',
    parse: parseIpvsList,
    print: (t: string) => printIpvsList(parseIpvsList(t)),
  },
  { name: 'save.txt', parse: parseIpvsSave, print: (t: string) => printIpvsSave(parseIpvsSave(t)) },
  {
    name: 'conns.txt',
    parse: parseIpvsConnections,
    print: (t: string) => printIpvsConnections(parseIpvsConnections(t)),
  },
]

describe('fuzzed ipvsadm output', () => {
  for (const c of CASES) {
    it(`${c.name}: 1,000 mutations raise only located KpathErrors; what parses prints stably`, () => {
      const text = fixture(c.name)
      let parsed = 0
      fc.assert(
        fc.property(fc.array(mutation, { minLength: 1, maxLength: 3 }), (ms) => {
          const t = ms.reduce(applyTextMutation, text)
          if (onlyKpathErrors(t, () => c.parse(t)) === undefined) return
          parsed++
          // Printing what parsed gives a text that parses and prints to itself.
          const once = c.print(t)
          expect(c.print(once)).toBe(once)
        }),
        { numRuns: 1000, seed: 6 },
      )
      expect(parsed).toBeGreaterThan(0)
    })
  }
})
