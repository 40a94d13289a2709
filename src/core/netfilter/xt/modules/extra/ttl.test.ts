import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { fixtureSuite } from './lib/fixture-suite.js'
import { errorOf, lookup } from './lib/harness.js'

const read = (f: string) => readFileSync(new URL(`./testdata/${f}`, import.meta.url), 'utf8')
const t = { describe, it, expect }

fixtureSuite(t, 'ttl', read, lookup)
fixtureSuite(t, 'hl', read, lookup)
fixtureSuite(t, 'ttl-target', read, lookup)
fixtureSuite(t, 'hl-target', read, lookup)

describe('ttl and hl', () => {
  it('exists only for its own family', () => {
    expect(lookup('match', 'ttl', 6)).toBeUndefined()
    expect(lookup('match', 'hl', 4)).toBeUndefined()
    expect(lookup('target', 'TTL', 6)).toBeUndefined()
    expect(lookup('target', 'HL', 4)).toBeUndefined()
  })

  it('asks for one comparison', () => {
    expect(errorOf('-A X -m ttl')?.hint).toMatch(/--ttl-eq/)
    expect(errorOf('-A X -m hl --hl-lt 1 --hl-gt 2', 6)?.message).toMatch(/cannot be used together/)
  })
})
