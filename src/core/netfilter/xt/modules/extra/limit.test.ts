import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { fixtureSuite } from './lib/fixture-suite.js'
import { errorOf, line4, line6, lookup } from './lib/harness.js'

const read = (f: string) => readFileSync(new URL(`./testdata/${f}`, import.meta.url), 'utf8')
const t = { describe, it, expect }

fixtureSuite(t, 'limit', read, lookup)

describe('limit', () => {
  it('fails with a located parse error and a hint', () => {
    const e = errorOf('-A X -m limit --limit 1/week')
    expect(e?.code).toBe('KPATH_PARSE')
    expect(e?.location?.column).toBe(15)
    expect(e?.location?.text).toBe('-A X -m limit --limit 1/week')
    expect(e?.hint).toMatch(/N\/second/)
  })

  it('refuses a burst whose credit overflows in the kernel, naming the burst', () => {
    const e = errorOf('-A X -m limit --limit 1/day --limit-burst 9999')
    expect(e?.message).toMatch(/credit overflow/)
    expect(e?.location?.column).toBe(29)
  })

  it('takes options in any order and always prints the rate first', () => {
    expect(line4('-A X -m limit --limit-burst 3 --limit 4/s')).toBe(
      '-A X -m limit --limit 4/sec --limit-burst 3',
    )
    expect(line6('-A X -m limit --limit-burst 3 --limit 4/s')).toBe(
      '-A X -m limit --limit 4/sec --limit-burst 3',
    )
  })
})
