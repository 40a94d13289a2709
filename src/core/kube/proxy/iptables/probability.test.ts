import { describe, expect, it } from 'vitest'
import { goFixed, probability } from './probability.js'

describe('computeProbability (Go %0.10f of 1/n)', () => {
  it.each([
    [2, '0.5000000000'],
    [3, '0.3333333333'],
    [4, '0.2500000000'],
    [5, '0.2000000000'],
    [6, '0.1666666667'],
    [7, '0.1428571429'],
    [10, '0.1000000000'],
    [1000, '0.0010000000'],
    [1001, '0.0009990010'],
  ])('1/%i → %s', (n, text) => {
    expect(probability(n)).toBe(text)
  })

  it('rounds exact ties half to even, as Go does (JavaScript rounds them up)', () => {
    // 1/2048 = 0.00048828125 exactly: the 11th decimal is a tie.
    expect((1 / 2048).toFixed(10)).toBe('0.0004882813')
    expect(probability(2048)).toBe('0.0004882812')
    // 0.125 with 2 decimals is a tie too: 0.12 (2 is even).
    expect(goFixed(0.125, 2)).toBe('0.12')
    expect(goFixed(0.375, 2)).toBe('0.38')
  })

  it('carries into the integer part', () => {
    expect(goFixed(0.99999999999, 10)).toBe('1.0000000000')
  })
})
