import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { fixtureSuite } from './lib/fixture-suite.js'
import { line4, lookup } from './lib/harness.js'

const read = (f: string) => readFileSync(new URL(`./testdata/${f}`, import.meta.url), 'utf8')
const t = { describe, it, expect }

fixtureSuite(t, 'devgroup', read, lookup, { unmodelled: ['-A INPUT -m devgroup --dst-group 1'] })
fixtureSuite(t, 'realm', read, lookup)

describe('devgroup and realm', () => {
  it('exists for IPv4 only (realm)', () => {
    expect(lookup('match', 'realm', 6)).toBeUndefined()
  })

  it('prints a masked value in hex even when the value has a name', () => {
    expect(line4('-A X -m realm --realm 0/0xff')).toBe('-A X -m realm --realm 0x0/0xff')
  })
})
