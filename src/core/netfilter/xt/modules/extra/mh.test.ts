import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { fixtureSuite } from './lib/fixture-suite.js'
import { errorOf, line6, lookup } from './lib/harness.js'

const read = (f: string) => readFileSync(new URL(`./testdata/${f}`, import.meta.url), 'utf8')
const t = { describe, it, expect }

fixtureSuite(t, 'mh', read, lookup)

describe('mh', () => {
  it('prefers an exact name over a longer one it starts', () => {
    expect(line6('-A X -p mh -m mh --mh-type home-test')).toBe('-A X -p mh -m mh --mh-type 3')
    expect(line6('-A X -p mh -m mh --mh-type HOT')).toBe('-A X -p mh -m mh --mh-type 3')
  })

  it('needs -p mh', () => {
    expect(errorOf('-A X -m mh', 6)?.hint).toBe('add -p mh to the rule')
  })
})
