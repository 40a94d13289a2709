import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { fixtureSuite } from './lib/fixture-suite.js'
import { errorOf, line6, lookup } from './lib/harness.js'

const read = (f: string) => readFileSync(new URL(`./testdata/${f}`, import.meta.url), 'utf8')
const t = { describe, it, expect }

fixtureSuite(t, 'ipsec', read, lookup, {
  // The whole range is not printed, and ipcomp's default range is 0:0, so it reads back as 0.
  notReparseable: ['-A INPUT -p ipcomp -m ipcomp --ipcompspi 0:4294967295'],
})
fixtureSuite(t, 'ipsec6', read, lookup)

describe('esp, ah, ipcomp', () => {
  it('needs the protocol of the header, except AH in IPv6', () => {
    expect(errorOf('-A X -m esp --espspi 1')?.hint).toBe('add -p esp to the rule')
    expect(errorOf('-A X -p ah -m ah --ahlen 1')?.message).toMatch(/unknown option "--ahlen"/)
    expect(line6('-A X -m ah --ahlen 1')).toBe('-A X -m ah --ahlen 1')
  })
})
