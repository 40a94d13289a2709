import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  canonicalIP,
  familyOf,
  familyOfText,
  formatGoCIDR,
  formatGoIP,
  joinHostPort,
  parseCIDRSloppy,
  parseIPSloppy,
} from './ip-text.js'

describe('kube-proxy address text (ParseIPSloppy + Go String())', () => {
  it('reads IPv4 octets with leading zeros as decimal', () => {
    expect(canonicalIP('10.180.00.001')).toBe('10.180.0.1')
    expect(canonicalIP('172.30.0.041')).toBe('172.30.0.41')
  })

  it('prints IPv6 in RFC 5952 form, IPv4-mapped as IPv4, v4-compatible in hex', () => {
    expect(canonicalIP('FD00:0:0:0::1')).toBe('fd00::1')
    expect(canonicalIP('::ffff:10.1.2.3')).toBe('10.1.2.3')
    expect(canonicalIP('::1.2.3.4')).toBe('::102:304')
  })

  it('rejects what is not an address', () => {
    expect(canonicalIP('10.0.0')).toBeUndefined()
    expect(canonicalIP('host.example')).toBeUndefined()
    expect(canonicalIP('256.0.0.1')).toBeUndefined()
  })

  it('clears host bits of CIDRs and needs a prefix length', () => {
    const c = parseCIDRSloppy('203.0.113.5/25')
    expect(c && formatGoCIDR(c)).toBe('203.0.113.0/25')
    expect(parseCIDRSloppy('203.0.113.5')).toBeUndefined()
    expect(parseCIDRSloppy('10.0.0.0/255.0.0.0')).toBeUndefined()
    const v6 = parseCIDRSloppy('2001:db8::1/64')
    expect(v6 && formatGoCIDR(v6)).toBe('2001:db8::/64')
  })

  it('brackets IPv6 hosts like net.JoinHostPort', () => {
    expect(joinHostPort('10.0.0.1', 80)).toBe('10.0.0.1:80')
    expect(joinHostPort('fd00::1', 80)).toBe('[fd00::1]:80')
  })

  it('canonicalIP equals parse-then-print, also where it skips both (dotted quads)', () => {
    // Octets with leading zeros, over 255, too many digits, empty, or too few/many of them.
    const octet = fc.oneof(
      fc.nat(255).map(String),
      fc.nat(999).map((n) => String(n).padStart(3, '0')),
      fc.constantFrom('', '0', '00', '0000', '256', '1000', 'a', ' 1', '-1'),
    )
    const text = fc.oneof(
      fc.array(octet, { minLength: 1, maxLength: 5 }).map((o) => o.join('.')),
      fc.constantFrom('::ffff:10.1.2.3', 'fd00::1', '1.2.3.4.', '.1.2.3', '1..2.3'),
    )
    fc.assert(
      fc.property(text, (t) => {
        const a = parseIPSloppy(t)
        expect(canonicalIP(t)).toBe(a && formatGoIP(a))
        const ip = canonicalIP(t)
        if (a && ip !== undefined) expect(familyOfText(ip)).toBe(familyOf(a))
      }),
      { numRuns: 2000 },
    )
  })
})
