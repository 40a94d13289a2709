/**
 * The IPPool nodeSelector subset of Calico's selector language.
 */
import { describe, expect, it } from 'vitest'
import { KpathError } from '../../errors.js'
import { matchesLabels, parseSelector } from './selector.js'

const labels = { zone: 'a', 'kubernetes.io/os': 'linux', infra: 'true' }
const m = (s: string) => matchesLabels(parseSelector(s), labels)

describe('parseSelector / matchesLabels', () => {
  it.each([
    ['all()', true],
    ['', true],
    ['has(zone)', true],
    ['!has(gpu)', true],
    ["zone == 'a'", true],
    ['zone == "b"', false],
    ["gpu != 'x'", true], // != also holds when the label is absent, as in Calico
    ["zone in {'b', 'a'}", true],
    ["zone not in {'a'}", false],
    ["infra == 'true' && kubernetes.io/os == 'linux'", true],
    ["zone == 'b' || (has(infra) && !has(gpu))", true],
    ["zone == 'b' || zone == 'c'", false],
  ])('%s → %s', (s, want) => {
    expect(m(s)).toBe(want)
  })

  it.each([
    ["zone contains 'a'", 6],
    ['zone == a', 9],
    ['has(zone) &&', 13],
    ['global()', 1],
  ])('refuses %s at column %d', (s, column) => {
    try {
      parseSelector(s)
      expect.unreachable()
    } catch (e) {
      expect(e).toBeInstanceOf(KpathError)
      expect((e as KpathError).code).toBe('KPATH_PARSE')
      expect((e as KpathError).location?.column).toBe(column)
    }
  })
})
