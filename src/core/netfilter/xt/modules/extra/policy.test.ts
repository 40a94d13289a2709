import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { fixtureSuite } from './lib/fixture-suite.js'
import { errorOf, lookup } from './lib/harness.js'

const read = (f: string) => readFileSync(new URL(`./testdata/${f}`, import.meta.url), 'utf8')
const t = { describe, it, expect }

fixtureSuite(t, 'policy', read, lookup, {
  unmodelled: ['-A OUTPUT -m policy --dir in --pol ipsec'],
})
fixtureSuite(t, 'policy6', read, lookup)

describe('policy', () => {
  it('needs --mode tunnel for tunnel addresses', () => {
    expect(errorOf('-A X -m policy --dir in --pol ipsec --tunnel-src 1.2.3.4')?.hint).toBe(
      'add --mode tunnel',
    )
  })

  it('allows at most four elements', () => {
    const five =
      '-A X -m policy --dir in --pol ipsec --strict --spi 1 --next --spi 2 --next --spi 3 --next --spi 4 --next --spi 5'
    expect(errorOf(five)?.message).toMatch(/maximum policy depth/)
  })
})
