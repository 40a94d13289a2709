import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { fixtureSuite } from './lib/fixture-suite.js'
import { line6, lookup } from './lib/harness.js'

const read = (f: string) => readFileSync(new URL(`./testdata/${f}`, import.meta.url), 'utf8')
const t = { describe, it, expect }

fixtureSuite(t, 'srh', read, lookup)

describe('srh', () => {
  it('prints a SID unmasked with its prefix length', () => {
    expect(line6('-A X -m srh --srh-psid 2001:db8::1/64')).toBe(
      '-A X -m srh --srh-psid 2001:db8::1/64',
    )
  })
})
