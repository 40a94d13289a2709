import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { fixtureSuite } from './lib/fixture-suite.js'
import { errorOf, line4, line6, lookup } from './lib/harness.js'

const read = (f: string) => readFileSync(new URL(`./testdata/${f}`, import.meta.url), 'utf8')
const t = { describe, it, expect }

fixtureSuite(t, 'hashlimit', read, lookup)
fixtureSuite(t, 'hashlimit6', read, lookup)

describe('hashlimit', () => {
  it('needs a rate before it needs a name, as iptables reports', () => {
    expect(errorOf('-A X -m hashlimit')?.message).toMatch(/--hashlimit/)
    expect(errorOf('-A X -m hashlimit --hashlimit-upto 1/sec')?.message).toMatch(
      /--hashlimit-name" must be specified/,
    )
  })

  it('compares the mask with the address length of the family', () => {
    expect(
      line6('-A X -m hashlimit --hashlimit-upto 1/sec --hashlimit-name a --hashlimit-srcmask 32'),
    ).toMatch(/--hashlimit-srcmask 32$/)
    expect(
      line4('-A X -m hashlimit --hashlimit-upto 1/sec --hashlimit-name a --hashlimit-srcmask 32'),
    ).not.toMatch(/srcmask/)
    expect(
      errorOf('-A X -m hashlimit --hashlimit-upto 1/sec --hashlimit-name a --hashlimit-srcmask 64')
        ?.code,
    ).toBe('KPATH_PARSE')
  })
})
