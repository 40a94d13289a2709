import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { fixtureSuite } from './lib/fixture-suite.js'
import { errorOf, line4, lookup } from './lib/harness.js'

const read = (f: string) => readFileSync(new URL(`./testdata/${f}`, import.meta.url), 'utf8')
const t = { describe, it, expect }

fixtureSuite(t, 'osf', read, lookup, {
  // iptables-save prints the genre unquoted, so a genre with a space does not read back.
  notReparseable: [
    '-A INPUT -p tcp -m osf --genre "Free BSD" --ttl 0',
    '-A INPUT -p tcp -m osf --genre "A B"',
  ],
})

describe('osf', () => {
  it('keeps the value whole and needs -p tcp', () => {
    expect(line4('-A X -p tcp -m osf --genre "A B"')).toBe('-A X -p tcp -m osf --genre A B')
    expect(errorOf('-A X -m osf --genre Linux')?.hint).toBe('add -p tcp to the rule')
  })
})
