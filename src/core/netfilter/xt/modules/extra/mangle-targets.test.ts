import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { fixtureSuite } from './lib/fixture-suite.js'
import { errorOf, line4, lookup } from './lib/harness.js'

const read = (f: string) => readFileSync(new URL(`./testdata/${f}`, import.meta.url), 'utf8')
const t = { describe, it, expect }

fixtureSuite(t, 'classify', read, lookup, { unmodelled: ['-A INPUT -j CLASSIFY --set-class 1:1'] })
fixtureSuite(t, 'checksum', read, lookup)
fixtureSuite(t, 'audit', read, lookup)

describe('CLASSIFY, CHECKSUM, AUDIT', () => {
  it('reads class ids like sscanf("%x:%x")', () => {
    expect(line4('-A X -j CLASSIFY --set-class 0x10:+2junk')).toBe(
      '-A X -j CLASSIFY --set-class 0010:0002',
    )
    expect(errorOf('-A X -j CLASSIFY --set-class "1 :2"')?.hint).toMatch(/MAJOR:MINOR/)
  })

  it('needs an audit type', () => {
    expect(errorOf('-A X -j AUDIT --type log')?.hint).toBe('use accept, drop or reject')
  })
})
