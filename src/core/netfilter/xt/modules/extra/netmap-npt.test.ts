import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { fixtureSuite } from './lib/fixture-suite.js'
import { errorOf, line4, lookup } from './lib/harness.js'

const read = (f: string) => readFileSync(new URL(`./testdata/${f}`, import.meta.url), 'utf8')
const t = { describe, it, expect }

fixtureSuite(t, 'netmap', read, lookup)
fixtureSuite(t, 'netmap6', read, lookup)
fixtureSuite(t, 'npt', read, lookup, {
  unmodelled: ['-A POSTROUTING -j DNPT --src-pfx fd00::/48 --dst-pfx 2001:db8::/48'],
  // Zero prefixes are not printed, and DNPT without its options does not read back.
  notReparseable: ['-A PREROUTING -j DNPT --src-pfx ::/0 --dst-pfx ::/0'],
})

describe('NETMAP, DNPT, SNPT', () => {
  it('masks the NETMAP address and accepts inet_aton forms', () => {
    expect(line4('-A X -j NETMAP --to 10.1.2.3/255.255.0.0')).toBe(
      '-A X -j NETMAP --to 10.1.0.0/16',
    )
    expect(errorOf('-A X -j NETMAP --to host.example')?.hint).toMatch(/does not resolve host names/)
  })

  it('refuses NPT prefixes with host bits', () => {
    expect(errorOf('-A X -j SNPT --src-pfx fd00::1/48 --dst-pfx 2001:db8::/48', 6)?.hint).toMatch(
      /clear the bits/,
    )
  })
})
