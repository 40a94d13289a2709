import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { fixtureSuite } from './lib/fixture-suite.js'
import { errorOf, line4, lookup } from './lib/harness.js'

const read = (f: string) => readFileSync(new URL(`./testdata/${f}`, import.meta.url), 'utf8')
const t = { describe, it, expect }

fixtureSuite(t, 'tcpmss', read, lookup, {
  unmodelled: ['-A INPUT -p tcp -m tcp --tcp-flags SYN,RST SYN -j TCPMSS --clamp-mss-to-pmtu'],
})
fixtureSuite(t, 'tcpmss6', read, lookup)

describe('tcpmss and TCPMSS', () => {
  it('needs -p tcp', () => {
    expect(errorOf('-A X -p udp -j TCPMSS --set-mss 1000')?.hint).toMatch(/-p tcp/)
    expect(errorOf('-A X ! -p tcp -m tcpmss --mss 1')?.hint).toMatch(/-p tcp/)
  })

  it('bounds --set-mss by the IP header of the family', () => {
    expect(errorOf('-A X -p tcp -j TCPMSS --set-mss 65496', 6)?.message).toMatch(/0-65495/)
    expect(line4('-A X -p tcp -j TCPMSS --set-mss 65496')).toBe(
      '-A X -p tcp -j TCPMSS --set-mss 65496',
    )
  })
})
