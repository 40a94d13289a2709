import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { fixtureSuite } from './lib/fixture-suite.js'
import { errorOf, line6, lookup } from './lib/harness.js'

const read = (f: string) => readFileSync(new URL(`./testdata/${f}`, import.meta.url), 'utf8')
const t = { describe, it, expect }

fixtureSuite(t, 'quota', read, lookup)
fixtureSuite(t, 'socket', read, lookup)
fixtureSuite(t, 'rpfilter', read, lookup, { unmodelled: ['-A OUTPUT -m rpfilter'] })
fixtureSuite(t, 'rpfilter6', read, lookup)
fixtureSuite(t, 'cpu', read, lookup)

describe('socket, rpfilter, cpu, quota', () => {
  it('print flags in a fixed order', () => {
    expect(line6('-A X -m rpfilter --invert --loose')).toBe('-A X -m rpfilter --loose --invert')
  })

  it('refuses a negative quota', () => {
    expect(errorOf('-A X -m quota --quota -1')?.message).toMatch(/out of range/)
  })
})
