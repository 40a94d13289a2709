import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { fixtureSuite } from './lib/fixture-suite.js'
import { errorOf, line6, lookup } from './lib/harness.js'

const read = (f: string) => readFileSync(new URL(`./testdata/${f}`, import.meta.url), 'utf8')
const t = { describe, it, expect }

fixtureSuite(t, 'mac', read, lookup, {
  unmodelled: ['-A OUTPUT -m mac --mac-source 00:11:22:33:44:55'],
})
fixtureSuite(t, 'pkttype', read, lookup)

describe('mac and pkttype', () => {
  it('prints MAC addresses in lower case with two digits per byte', () => {
    expect(line6('-A X -m mac --mac-source A:0B:c:D:e:F0')).toBe(
      '-A X -m mac --mac-source 0a:0b:0c:0d:0e:f0',
    )
  })

  it('explains a bad MAC address', () => {
    const e = errorOf('-A X -m mac --mac-source 00:11:22:33:44:zz')
    expect(e?.hint).toMatch(/six hex bytes/)
  })

  it('refuses the outgoing packet type, which iptables 1.8.9 does not offer', () => {
    expect(errorOf('-A X -m pkttype --pkt-type outgoing')?.hint).toMatch(/unicast/)
  })
})
