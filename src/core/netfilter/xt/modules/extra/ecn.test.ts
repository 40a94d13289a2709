import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { fixtureSuite } from './lib/fixture-suite.js'
import { errorOf, line4, lookup } from './lib/harness.js'

const read = (f: string) => readFileSync(new URL(`./testdata/${f}`, import.meta.url), 'utf8')
const t = { describe, it, expect }

fixtureSuite(t, 'ecn', read, lookup)
fixtureSuite(t, 'ecn6', read, lookup)

describe('ecn and ECN', () => {
  it('needs -p tcp for the TCP bits only', () => {
    expect(errorOf('-A X -m ecn --ecn-tcp-ece')?.hint).toBe('add -p tcp to the rule')
    expect(line4('-A X -m ecn ! --ecn-ip-ect 0')).toBe('-A X -m ecn ! --ecn-ip-ect 0')
  })

  it('is an IPv4 target', () => {
    expect(lookup('target', 'ECN', 6)).toBeUndefined()
  })
})
