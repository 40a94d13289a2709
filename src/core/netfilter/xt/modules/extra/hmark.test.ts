import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { fixtureSuite } from './lib/fixture-suite.js'
import { errorOf, line6, lookup } from './lib/harness.js'

const read = (f: string) => readFileSync(new URL(`./testdata/${f}`, import.meta.url), 'utf8')
const t = { describe, it, expect }

fixtureSuite(t, 'hmark', read, lookup)
fixtureSuite(t, 'hmark6', read, lookup)

describe('HMARK', () => {
  it('prints a tuple as full masks of the family', () => {
    expect(line6('-A X -j HMARK --hmark-tuple src --hmark-rnd 1 --hmark-mod 2')).toBe(
      '-A X -j HMARK --hmark-src-prefix 128 --hmark-rnd 0x00000001 --hmark-mod 2',
    )
  })

  it('refuses an explicit option after the tuple item that set it', () => {
    expect(
      errorOf('-A X -j HMARK --hmark-tuple dport --hmark-dport-mask 1 --hmark-rnd 1 --hmark-mod 2')
        ?.message,
    ).toMatch(/can only be used once/)
  })
})
