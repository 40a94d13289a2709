import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { fixtureSuite } from './lib/fixture-suite.js'
import { errorOf, line6, lookup } from './lib/harness.js'

const read = (f: string) => readFileSync(new URL(`./testdata/${f}`, import.meta.url), 'utf8')
const t = { describe, it, expect }

fixtureSuite(t, 'ipv6opts', read, lookup)

describe('hbh and dst', () => {
  it('drop a length of 255, which means "any"', () => {
    expect(line6('-A X -m dst --dst-opts 5:255')).toBe('-A X -m dst --dst-opts 5')
  })

  it('refuse a length on Pad1', () => {
    expect(errorOf('-A X -m hbh --hbh-opts 0:2', 6)?.hint).toMatch(/Pad1/)
  })
})
