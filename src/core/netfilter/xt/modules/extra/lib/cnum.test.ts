import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { atoi, cFixed, strtod, strtoumax, xtStrtoul } from './cnum.js'

describe('C number parsing', () => {
  it('reads decimal, hex and octal like strtoumax(…, 0)', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }), (n) => {
        expect(xtStrtoul(n.toString())).toBe(n)
        expect(xtStrtoul(`0x${n.toString(16)}`)).toBe(n)
        expect(xtStrtoul(`0${n.toString(8)}`)).toBe(n)
      }),
    )
  })

  it('refuses a leading minus, trailing junk, overflow and values out of range', () => {
    expect(xtStrtoul('-1')).toBeUndefined()
    expect(xtStrtoul(' -1')).toBeUndefined()
    expect(xtStrtoul('1x')).toBeUndefined()
    expect(xtStrtoul('18446744073709551616')).toBeUndefined()
    expect(xtStrtoul('256', 0n, 255n)).toBeUndefined()
    expect(xtStrtoul(' +7')).toBe(7n)
  })

  it('stops at the first character that is not a digit of the base', () => {
    expect(strtoumax('0x', 0)).toMatchObject({ value: 0n, end: 1 })
    expect(strtoumax('08', 0)).toMatchObject({ value: 0n, end: 1 })
    expect(strtoumax('x', 0)).toMatchObject({ end: 0 })
  })

  it('reads atoi prefixes', () => {
    expect(atoi('5x/min')).toBe(5)
    expect(atoi('0x10')).toBe(0)
    expect(atoi('  -3')).toBe(-3)
  })

  it('reads strtod prefixes', () => {
    expect(strtod('1.5s')).toEqual({ value: 1.5, end: 3 })
    expect(strtod('.5')).toEqual({ value: 0.5, end: 2 })
    expect(strtod('ms').end).toBe(0)
  })
})

describe('printf %.Nf', () => {
  it('rounds exact ties to even, as glibc does, and agrees with toFixed elsewhere', () => {
    expect(cFixed(0.25, 1)).toBe('0.2')
    expect(cFixed(0.75, 1)).toBe('0.8')
    expect(cFixed(2.5, 0)).toBe('2')
    expect(cFixed(3.5, 0)).toBe('4')
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1e9 }), (n) => {
        const x = n / 7
        expect(cFixed(x, 1)).toBe(x.toFixed(1))
      }),
    )
  })
})
