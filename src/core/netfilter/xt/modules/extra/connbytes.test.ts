import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { fixtureSuite } from './lib/fixture-suite.js'
import { errorOf, line4, lookup } from './lib/harness.js'

const read = (f: string) => readFileSync(new URL(`./testdata/${f}`, import.meta.url), 'utf8')
const t = { describe, it, expect }

fixtureSuite(t, 'connbytes', read, lookup)

describe('connbytes', () => {
  it('lists the directions and modes in its hints', () => {
    expect(
      errorOf('-A X -m connbytes --connbytes 1 --connbytes-dir up --connbytes-mode bytes')?.hint,
    ).toBe('use original, reply, both')
    expect(
      errorOf('-A X -m connbytes --connbytes 1 --connbytes-dir both --connbytes-mode b')?.hint,
    ).toBe('use packets, bytes, avgpkt')
  })

  it('counts in 64 bits', () => {
    const big =
      '-A X -m connbytes --connbytes 18446744073709551614: --connbytes-mode bytes --connbytes-dir both'
    expect(line4(big)).toBe(
      '-A X -m connbytes --connbytes 18446744073709551614 --connbytes-mode bytes --connbytes-dir both',
    )
  })
})
