import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  cidrContains,
  formatCidr,
  formatIPv4,
  formatIPv6,
  parseAddr,
  parseCidr,
  parseIPv4,
  parseIPv6,
  v4MaskLen,
} from './ip.js'

describe('IPv4', () => {
  it('parses strict dotted quads only', () => {
    expect(parseIPv4('10.0.0.1')).toBe(0x0a000001)
    expect(parseIPv4('255.255.255.255')).toBe(0xffffffff)
    for (const bad of [
      '010.0.0.1',
      '1.2.3',
      '1.2.3.4.5',
      '256.0.0.1',
      '1.2.3.x',
      '',
      '0x1.2.3.4',
    ]) {
      expect(parseIPv4(bad)).toBeUndefined()
    }
  })

  it('round-trips every address', () => {
    fc.assert(fc.property(fc.nat(0xffffffff), (n) => parseIPv4(formatIPv4(n)) === n >>> 0))
  })

  // The one-pass parser must accept exactly what the plain reading of the rule accepts: four
  // dot-separated groups of 1–3 digits, no leading zero, each ≤ 255.
  it('accepts exactly the strict dotted quads (against a split-and-test reference)', () => {
    const reference = (s: string): number | undefined => {
      const parts = s.split('.')
      if (parts.length !== 4) return undefined
      let v = 0
      for (const p of parts) {
        if (!/^[0-9]{1,3}$/.test(p) || (p.length > 1 && p[0] === '0') || Number(p) > 255)
          return undefined
        v = v * 256 + Number(p)
      }
      return v >>> 0
    }
    const text = fc.string({ unit: fc.constantFrom(...'0123456789..x '.split('')), maxLength: 18 })
    fc.assert(
      fc.property(text, (s) => parseIPv4(s) === reference(s)),
      { numRuns: 20000 },
    )
    for (const s of ['1.2.3.4.', '.1.2.3.4', '1..2.3', '00.0.0.0', '0.0.0.0', '1.2.3.1000'])
      expect(parseIPv4(s)).toBe(reference(s))
  })
})

describe('IPv6', () => {
  // The text glibc's inet_ntop gives, which iptables-save, ip and conntrack print.
  it.each([
    ['2001:0db8:0000:0000:0000:0000:0000:0001', '2001:db8::1'],
    ['::1', '::1'],
    ['::', '::'],
    ['1:0:0:2:0:0:0:3', '1:0:0:2::3'],
    ['1:0:0:2:0:0:3:4', '1::2:0:0:3:4'],
    ['fe80::1:0:0:1', 'fe80::1:0:0:1'],
    ['::ffff:10.1.2.3', '::ffff:10.1.2.3'],
    ['::1.2.3.4', '::1.2.3.4'],
    ['::0.0.1.2', '::102'],
    ['1:2:3:4:5:6:7:8', '1:2:3:4:5:6:7:8'],
    ['1:2:3:4:5:6:0:8', '1:2:3:4:5:6:0:8'],
  ])('%s prints as %s', (input, text) => {
    const v = parseIPv6(input)
    expect(v).toBeDefined()
    expect(formatIPv6(v as bigint)).toBe(text)
  })

  it('rejects malformed text', () => {
    for (const bad of [
      '1::2::3',
      '12345::',
      '1:2:3:4:5:6:7:8:9',
      ':1',
      'g::1',
      '::1.2.3',
      '1:2:3:4:5:6:7::8:9',
    ]) {
      expect(parseIPv6(bad)).toBeUndefined()
    }
  })

  it('round-trips every address', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: (1n << 128n) - 1n }),
        (v) => parseIPv6(formatIPv6(v)) === v,
      ),
    )
  })
})

describe('prefixes', () => {
  it('clears host bits and prints as iptables-save does', () => {
    expect(formatCidr(parseCidr('10.1.2.3/8')!)).toBe('10.0.0.0/8')
    expect(formatCidr(parseCidr('10.1.2.3')!)).toBe('10.1.2.3/32')
    expect(formatCidr(parseCidr('10.0.0.0/255.255.0.0')!)).toBe('10.0.0.0/16')
    expect(formatCidr(parseCidr('10.0.0.0/255.0.255.0')!)).toBe('10.0.0.0/255.0.255.0')
    expect(formatCidr(parseCidr('fd00::1/64')!)).toBe('fd00::/64')
  })

  it('contains what its mask says, and nothing of the other family', () => {
    const c = parseCidr('10.244.0.0/16')!
    expect(cidrContains(c, parseAddr('10.244.255.1')!)).toBe(true)
    expect(cidrContains(c, parseAddr('10.245.0.1')!)).toBe(false)
    expect(cidrContains(c, parseAddr('::ffff:10.244.0.1')!)).toBe(false)
    fc.assert(
      fc.property(
        fc.nat(0xffffffff),
        fc.integer({ min: 0, max: 32 }),
        fc.nat(0xffffffff),
        (a, len, b) => {
          const cidr = parseCidr(`${formatIPv4(a)}/${len}`)!
          const shift = 32 - len
          const same = len === 0 || a >>> shift === b >>> shift
          return cidrContains(cidr, { family: 4, value: b >>> 0 }) === same
        },
      ),
    )
  })

  it('knows contiguous masks', () => {
    expect(v4MaskLen(0xffffff00)).toBe(24)
    expect(v4MaskLen(0xff00ff00)).toBeUndefined()
  })
})
