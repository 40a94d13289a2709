import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { fixtureSuite } from './lib/fixture-suite.js'
import { errorOf, line4, lookup } from './lib/harness.js'

const read = (f: string) => readFileSync(new URL(`./testdata/${f}`, import.meta.url), 'utf8')
const t = { describe, it, expect }

fixtureSuite(t, 'length', read, lookup)

describe('length', () => {
  it('fills open ends of a range with 0 and 65535', () => {
    expect(line4('-A X -m length --length :')).toBe('-A X -m length --length 0:65535')
    expect(line4('-A X -m length --length ""')).toBe('-A X -m length --length 0')
  })

  it('points at the option with a bad range', () => {
    expect(errorOf('-A X -m length --length 1:2:3')?.location?.column).toBe(16)
  })
})
