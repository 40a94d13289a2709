import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { fixtureSuite } from './lib/fixture-suite.js'
import { errorOf, line6, lookup } from './lib/harness.js'

const read = (f: string) => readFileSync(new URL(`./testdata/${f}`, import.meta.url), 'utf8')
const t = { describe, it, expect }

fixtureSuite(t, 'connlimit', read, lookup)
fixtureSuite(t, 'connlimit6', read, lookup)

describe('connlimit', () => {
  it('always prints the mask of the family and the address direction', () => {
    expect(line6('-A X -m connlimit --connlimit-upto 1')).toBe(
      '-A X -m connlimit --connlimit-upto 1 --connlimit-mask 128 --connlimit-saddr',
    )
  })

  it('asks for a limit', () => {
    expect(errorOf('-A X -m connlimit --connlimit-daddr')?.hint).toMatch(/--connlimit-above/)
  })
})
