import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { fixtureSuite } from './lib/fixture-suite.js'
import { errorOf, line6, lookup } from './lib/harness.js'

const read = (f: string) => readFileSync(new URL(`./testdata/${f}`, import.meta.url), 'utf8')
const t = { describe, it, expect }

fixtureSuite(t, 'frag', read, lookup)
fixtureSuite(t, 'rt', read, lookup)

describe('frag and rt', () => {
  it('are IPv6 only', () => {
    expect(lookup('match', 'frag', 4)).toBeUndefined()
    expect(errorOf('-A X -m rt --rt-0-not-strict', 6)?.hint).toBe('put --rt-0-addrs first')
  })

  it('prints IPv4-compatible addresses with a dotted tail, as glibc does', () => {
    expect(line6('-A X -m rt --rt-type 0 --rt-0-addrs 0::0102:0304')).toBe(
      '-A X -m rt --rt-type 0 --rt-0-addrs ::1.2.3.4',
    )
  })
})
