import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { fixtureSuite } from './lib/fixture-suite.js'
import { errorOf, line6, lookup } from './lib/harness.js'

const read = (f: string) => readFileSync(new URL(`./testdata/${f}`, import.meta.url), 'utf8')
const t = { describe, it, expect }

fixtureSuite(t, 'ipv6header', read, lookup)

describe('ipv6header and eui64', () => {
  it('reads /etc/protocols names and prints them in header order', () => {
    expect(line6('-A X -m ipv6header --header esp,hopopt')).toBe(
      '-A X -m ipv6header --header hop-by-hop,esp',
    )
  })

  it('takes no options for eui64', () => {
    expect(errorOf('-A X -m eui64 --foo', 6)?.message).toMatch(/unknown option/)
  })
})
