import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { formatIPv4 } from '../../../../../net/ip.js'
import { inetAton, maskToCidr, ntop6, prefixMask } from './inet.js'

describe('address helpers', () => {
  it('read every inet_aton form', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffffff }), (v) => {
        expect(inetAton(formatIPv4(v))).toBe(BigInt(v))
      }),
    )
    expect(inetAton('10.1')).toBe(0x0a000001n)
    expect(inetAton('1.2.3')).toBe(0x01020003n)
    expect(inetAton('0x7f.1')).toBe(0x7f000001n)
    expect(inetAton('010.0.0.1')).toBe(0x08000001n)
    expect(inetAton('1.2.3.256')).toBeUndefined()
    expect(inetAton('1.2.3.4.5')).toBeUndefined()
  })

  it('turn prefix masks back into lengths', () => {
    for (const fam of [4, 6] as const) {
      const w = fam === 4 ? 32 : 128
      for (let len = 0; len <= w; len++) expect(maskToCidr(prefixMask(len, fam), fam)).toBe(len)
    }
    expect(maskToCidr(0xff00ff00n, 4)).toBe(-1)
  })

  it('print IPv6 like glibc inet_ntop', () => {
    expect(ntop6(0x01020304n)).toBe('::1.2.3.4')
    expect(ntop6(2n)).toBe('::2')
    expect(ntop6(0xffff0a000001n)).toBe('::ffff:10.0.0.1')
    expect(ntop6(0x00ff0000n)).toBe('::0.255.0.0')
  })
})
