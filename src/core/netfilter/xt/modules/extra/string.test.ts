import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { fixtureSuite } from './lib/fixture-suite.js'
import { errorOf, line6, lookup } from './lib/harness.js'

const read = (f: string) => readFileSync(new URL(`./testdata/${f}`, import.meta.url), 'utf8')
const t = { describe, it, expect }

fixtureSuite(t, 'string', read, lookup)

describe('string', () => {
  it('prints a pattern as hex as soon as one byte is not printable ASCII', () => {
    expect(line6('-A X -m string --string "é" --algo kmp')).toBe(
      '-A X -m string --hex-string "|c3a9|" --algo kmp',
    )
  })

  it('names the algorithms the kernel has', () => {
    expect(errorOf('-A X -m string --string x --algo fsm')?.hint).toMatch(/bm.*kmp/)
  })

  it('stops a hex block at an odd digit', () => {
    expect(errorOf('-A X -m string --hex-string "|abc|" --algo bm')?.code).toBe('KPATH_PARSE')
  })
})
