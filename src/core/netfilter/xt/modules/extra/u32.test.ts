import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { fixtureSuite } from './lib/fixture-suite.js'
import { errorOf, line4, lookup } from './lib/harness.js'

const read = (f: string) => readFileSync(new URL(`./testdata/${f}`, import.meta.url), 'utf8')
const t = { describe, it, expect }

fixtureSuite(t, 'u32', read, lookup)

describe('u32', () => {
  it('reports the character where the expression breaks', () => {
    expect(errorOf('-A X -m u32 --u32 "0>1=1"')?.message).toBe(
      "u32: at char 2: a second '>' was expected",
    )
    expect(errorOf('-A X -m u32 --u32 "0=1 2"')?.message).toMatch(/at char 4: expected "," or "&&"/)
  })

  it('prints every number in hex, ranges included', () => {
    expect(line4('-A X -m u32 --u32 "0x10=1:0x20"')).toBe('-A X -m u32 --u32 "0x10=0x1:0x20"')
  })
})
