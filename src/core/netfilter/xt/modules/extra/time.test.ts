import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { fixtureSuite } from './lib/fixture-suite.js'
import { errorOf, line4, lookup } from './lib/harness.js'

const read = (f: string) => readFileSync(new URL(`./testdata/${f}`, import.meta.url), 'utf8')
const t = { describe, it, expect }

fixtureSuite(t, 'time', read, lookup, {
  // iptables-save drops a date of 0 and bits it does not print; its output then reads differently.
  notReparseable: ['-A INPUT -m time --datestop 1970-01-01', '-A INPUT -m time --weekdays 9'],
})

describe('time', () => {
  it('accepts --localtz as --kerneltz', () => {
    expect(line4('-A X -m time --localtz')).toBe(
      '-A X -m time --datestop 2038-01-19T03:14:07 --kerneltz',
    )
  })

  it('refuses --utc with --kerneltz and explains a bad time of day', () => {
    expect(errorOf('-A X -m time --utc --kerneltz')?.message).toMatch(/cannot be used together/)
    expect(errorOf('-A X -m time --timestart 7')?.hint).toMatch(/08:30/)
  })
})
