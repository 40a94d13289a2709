import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { fixtureSuite } from './lib/fixture-suite.js'
import { errorOf, line4, lookup } from './lib/harness.js'

const read = (f: string) => readFileSync(new URL(`./testdata/${f}`, import.meta.url), 'utf8')
const t = { describe, it, expect }

fixtureSuite(t, 'helper', read, lookup)
fixtureSuite(t, 'connlabel', read, lookup)

describe('helper and connlabel', () => {
  it('marks the label as always quoted and the helper as quoted when needed', () => {
    const label = lookup('match', 'connlabel', 4)?.canonicalize(
      [{ name: '--label', canonical: '--label', negated: false, values: ['3'], column: 1 }],
      {
        family: 4,
        proto: undefined,
        fail: (m) => {
          throw new Error(m)
        },
      },
    )
    expect(label?.[0]).toMatchObject({
      name: '--label',
      values: ['3'],
      quote: true,
      quoteStyle: 'always',
    })
    expect(line4('-A X -m helper --helper "ftp 1"')).toBe('-A X -m helper --helper "ftp 1"')
  })

  it('explains that label names are not known', () => {
    expect(errorOf('-A X -m connlabel --label foo')?.hint).toMatch(/connlabel.conf/)
  })
})
