import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { fixtureSuite } from './lib/fixture-suite.js'
import { errorOf, line4, lookup } from './lib/harness.js'

const read = (f: string) => readFileSync(new URL(`./testdata/${f}`, import.meta.url), 'utf8')
const t = { describe, it, expect }

fixtureSuite(t, 'rateest', read, lookup, {
  unmodelled: ['-A FORWARD -m rateest --rateest nosuchest --rateest-gt --rateest-bps 10'],
})

describe('rateest and RATEEST', () => {
  it('takes an optional value only when the next word is not an option', () => {
    expect(
      line4('-A X -m rateest --rateest1 a --rateest-pps1 --rateest-gt --rateest-pps2 --rateest2 b'),
    ).toBe('-A X -m rateest --rateest1 a --rateest-gt --rateest-pps --rateest2 b')
  })

  it('explains an interval that is too long', () => {
    expect(
      errorOf('-A X -j RATEEST --rateest-name a --rateest-interval 9s --rateest-ewmalog 20s')?.hint,
    ).toBe('at most 8s')
  })
})
