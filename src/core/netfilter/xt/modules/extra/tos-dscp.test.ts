import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { fixtureSuite } from './lib/fixture-suite.js'
import { errorOf, line4, lookup } from './lib/harness.js'

const read = (f: string) => readFileSync(new URL(`./testdata/${f}`, import.meta.url), 'utf8')
const t = { describe, it, expect }

for (const c of ['tos', 'tos6', 'dscp', 'dscp6', 'tos-target', 'tos-target6', 'dscp-target'])
  fixtureSuite(t, c, read, lookup)

describe('tos and dscp', () => {
  it('gives symbolic TOS values the 0x3f mask and numbers the 0xff mask', () => {
    expect(line4('-A X -m tos --tos MINIMIZE-cost')).toBe('-A X -m tos --tos 0x02/0x3f')
    expect(line4('-A X -m tos --tos 2')).toBe('-A X -m tos --tos 0x02/0xff')
  })

  it('lists the symbolic names in the hint', () => {
    expect(errorOf('-A X -j TOS --set-tos Fast')?.hint).toMatch(/Minimize-Delay/)
  })

  it('matches DSCP classes by prefix in table order', () => {
    expect(line4('-A X -m dscp --dscp-class cs10')).toBe('-A X -m dscp --dscp 0x08')
  })
})
