import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { fixtureSuite } from './lib/fixture-suite.js'
import { errorOf, line4, lookup } from './lib/harness.js'

const read = (f: string) => readFileSync(new URL(`./testdata/${f}`, import.meta.url), 'utf8')
const t = { describe, it, expect }

fixtureSuite(t, 'idletimer', read, lookup)
fixtureSuite(t, 'synproxy', read, lookup, { unmodelled: ['-A OUTPUT -p tcp -j SYNPROXY'] })
fixtureSuite(t, 'tcpoptstrip', read, lookup)

describe('IDLETIMER, SYNPROXY, TCPOPTSTRIP', () => {
  it('cuts an IDLETIMER label to 27 bytes', () => {
    expect(line4('-A X -j IDLETIMER --timeout 1 --label abcdefghijklmnopqrstuvwxyz0123')).toBe(
      '-A X -j IDLETIMER --timeout 1 --label abcdefghijklmnopqrstuvwxyz0',
    )
  })

  it('needs -p tcp for SYNPROXY and TCPOPTSTRIP', () => {
    expect(errorOf('-A X -j SYNPROXY')?.hint).toBe('add -p tcp to the rule')
    expect(errorOf('-A X -p udp -j TCPOPTSTRIP --strip-options mss')?.hint).toBe(
      'add -p tcp to the rule',
    )
  })
})
