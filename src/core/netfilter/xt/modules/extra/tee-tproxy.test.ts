import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { fixtureSuite } from './lib/fixture-suite.js'
import { errorOf, line6, lookup } from './lib/harness.js'

const read = (f: string) => readFileSync(new URL(`./testdata/${f}`, import.meta.url), 'utf8')
const t = { describe, it, expect }

fixtureSuite(t, 'tee', read, lookup)
fixtureSuite(t, 'tee6', read, lookup)
fixtureSuite(t, 'tproxy', read, lookup, { unmodelled: ['-A OUTPUT -p tcp -j TPROXY --on-port 1'] })
fixtureSuite(t, 'tproxy6', read, lookup)

describe('TEE and TPROXY', () => {
  it('needs an address of the rule family', () => {
    expect(errorOf('-A X -j TEE --gateway 10.0.0.1', 6)?.message).toMatch(/Address family/)
  })

  it('needs -p tcp or -p udp for TPROXY', () => {
    expect(errorOf('-A X -p icmp -j TPROXY --on-port 1')?.hint).toBe('add -p tcp or -p udp')
    expect(line6('-A X -p udp -j TPROXY --on-port domain')).toBe(
      '-A X -p udp -j TPROXY --on-port 53 --on-ip :: --tproxy-mark 0x0/0x0',
    )
  })
})
