import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { alwaysQuote, rulesByChain, saveString, tokenize } from './testkit.js'

describe('the iptables-restore tokenizer of the test kit', () => {
  it('reads back what xtables_save_string and the always-quoting extensions print', () => {
    const text = fc.string({ unit: fc.constantFrom(...'ab -_"\\\'|/é\t'.split('')) })
    fc.assert(
      fc.property(text, (s) => {
        expect(tokenize(`-m x ${saveString(s)} y`).map((t) => t.text)).toEqual(['-m', 'x', s, 'y'])
        expect(tokenize(`--o ${alwaysQuote(s)}`).map((t) => t.text)).toEqual(['--o', s])
      }),
    )
  })

  it('gives 1-based columns and keeps empty quoted words', () => {
    expect(tokenize('-A  X ""')).toEqual([
      { text: '-A', column: 1 },
      { text: 'X', column: 5 },
      { text: '', column: 7 },
    ])
  })

  it('groups rule lines by chain', () => {
    const m = rulesByChain('*filter\n-A B -j X\n-A A -j Y\n-A B -j Z\nCOMMIT\n')
    expect([...m.entries()]).toEqual([
      ['B', ['-A B -j X', '-A B -j Z']],
      ['A', ['-A A -j Y']],
    ])
  })
})
