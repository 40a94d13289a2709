import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { fixtureSuite } from './lib/fixture-suite.js'
import { errorOf, lookup } from './lib/harness.js'

const read = (f: string) => readFileSync(new URL(`./testdata/${f}`, import.meta.url), 'utf8')
const t = { describe, it, expect }

fixtureSuite(t, 'nfqueue', read, lookup)

describe('NFQUEUE', () => {
  it('needs a balance for the CPU fanout', () => {
    expect(errorOf('-A X -j NFQUEUE --queue-num 1 --queue-cpu-fanout')?.message).toMatch(
      /also requires "--queue-balance"/,
    )
  })
})
