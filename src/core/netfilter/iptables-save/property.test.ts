/**
 * Property: for random rulesets written in the syntax kpath supports, printing is a fixed point
 * of parse∘print (print → parse → print gives the same bytes) and parsing the printed text gives
 * back the same rules.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { Rule, Ruleset } from '../rule.js'
import { parseIptablesSave } from './parser.js'
import { printIptablesSave } from './printer.js'
import type { Pick } from './testing/random-rules.js'
import { randomPayload } from './testing/random-rules.js'

/**
 * The rules without where they came from, for comparing two parses. Counters are compared as
 * numbers: a rule read without `[p:b]` has none, and prints as `[0:0]`.
 */
function shape(rs: Ruleset): unknown {
  const rule = ({ location: _l, counters, ...r }: Rule) => ({
    ...r,
    counters: counters ?? { packets: 0n, bytes: 0n },
  })
  return rs.tables.map((t) => ({
    name: t.name,
    chains: t.chains.map((c) => ({ ...c, rules: c.rules.map(rule) })),
  }))
}

const pickFrom = (g: fc.GeneratorValue): Pick => ({
  int: (min, max) => g(fc.integer, { min, max }),
})

describe('print(parse(x)) is stable', () => {
  for (const family of [4, 6] as const) {
    it(`holds for random IPv${family} rulesets`, () => {
      fc.assert(
        fc.property(fc.gen(), fc.integer({ min: 1, max: 30 }), fc.boolean(), (g, n, counters) => {
          const text = randomPayload(pickFrom(g), family, n)
          const first = parseIptablesSave(text, { family })
          const printed = printIptablesSave(first, { counters })
          const second = parseIptablesSave(printed, { family })
          expect(printIptablesSave(second, { counters })).toBe(printed)
          expect(shape(second)).toEqual(shape(first))
        }),
        { numRuns: 300 },
      )
    })
  }

  it('keeps every rule: rule counts match the -A lines printed', () => {
    fc.assert(
      fc.property(fc.gen(), (g) => {
        const rs = parseIptablesSave(randomPayload(pickFrom(g), 4, 20), { family: 4 })
        const rules = rs.tables.flatMap((t) => t.chains.flatMap((c) => c.rules)).length
        expect(
          printIptablesSave(rs)
            .split('\n')
            .filter((l) => l.startsWith('-A ')).length,
        ).toBe(rules)
      }),
      { numRuns: 100 },
    )
  })
})
