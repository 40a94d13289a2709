import { describe, expect, it } from 'vitest'
import { parseCNumber } from './numbers.js'
import { tokenizeLine } from './tokens.js'

describe('tokenizeLine (ipset restore words)', () => {
  it('splits on blanks and keeps columns', () => {
    expect(tokenizeLine('  add\ta  10.0.0.1')).toEqual({
      ok: true,
      tokens: [
        { text: 'add', column: 3, quoted: false },
        { text: 'a', column: 7, quoted: false },
        { text: '10.0.0.1', column: 10, quoted: false },
      ],
    })
  })

  it('treats quotes as toggles that are dropped, like ipset 7.17 (ab"c d" is one word)', () => {
    const r = tokenizeLine('comment ab"c d" "x"y ""')
    expect(r.ok && r.tokens.map((t) => [t.text, t.quoted])).toEqual([
      ['comment', false],
      ['abc d', true],
      ['xy', true],
      ['', true],
    ])
  })

  it('reports the opening quote of an unbalanced one', () => {
    expect(tokenizeLine('add a 1.1.1.1 comment "abc')).toEqual({ ok: false, column: 23 })
  })
})

describe('parseCNumber (strtoull base 0)', () => {
  it('reads decimal, 0x hex and leading-zero octal', () => {
    expect(parseCNumber('80')).toBe(80n)
    expect(parseCNumber('0x50')).toBe(80n)
    expect(parseCNumber('010')).toBe(8n)
    expect(parseCNumber('0')).toBe(0n)
  })

  it('refuses what ipset calls "invalid as number"', () => {
    for (const bad of ['08', '', '-1', '+1', ' 1', '1e3', '0x', 'ten'])
      expect(parseCNumber(bad)).toBeUndefined()
  })
})
