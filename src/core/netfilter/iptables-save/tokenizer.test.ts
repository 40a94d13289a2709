import { describe, expect, it } from 'vitest'
import { KpathError } from '../../errors.js'
import { MAX_WORD, tokenize } from './tokenizer.js'

const texts = (line: string) => tokenize(line).map((t) => t.text)

// Each expectation was checked against iptables-restore 1.8.9 (legacy and nft): the words below
// are what the saved comment or the "Bad argument" message showed.
describe('tokenize (iptables 1.8.9 add_param_to_argv)', () => {
  it('splits on spaces and tabs and records 1-based columns', () => {
    const tokens = tokenize('-A  INPUT\t-j ACCEPT')
    expect(tokens.map((t) => [t.text, t.column, t.quoted])).toEqual([
      ['-A', 1, false],
      ['INPUT', 5, false],
      ['-j', 11, false],
      ['ACCEPT', 14, false],
    ])
  })

  it('reads double quotes with backslash escapes of any character', () => {
    expect(texts('--comment "a \\"b\\" c"')).toEqual(['--comment', 'a "b" c'])
    expect(texts('"a\\\\b\\x"')).toEqual(['a\\bx'])
  })

  it('ends a word at the closing quote, so "abc"def is two words', () => {
    expect(texts('"abc"def')).toEqual(['abc', 'def'])
    expect(texts('ab"c d"e')).toEqual(['abc d', 'e'])
  })

  it('keeps an empty quoted word', () => {
    const [a, b] = tokenize('--comment ""')
    expect(a?.text).toBe('--comment')
    expect(b).toEqual({ text: '', column: 11, quoted: true })
  })

  it('does not treat single quotes or backslashes outside double quotes specially', () => {
    expect(texts("'a b'")).toEqual(["'a", "b'"])
    expect(texts("it\\'s")).toEqual(["it\\'s"])
  })

  it('rejects an unterminated quote at the quote', () => {
    try {
      tokenize('-A INPUT -m comment --comment "open', 7)
      expect.unreachable()
    } catch (e) {
      expect(e).toBeInstanceOf(KpathError)
      const k = e as KpathError
      expect(k.code).toBe('KPATH_PARSE')
      expect(k.location).toEqual({
        line: 7,
        column: 31,
        text: '-A INPUT -m comment --comment "open',
      })
    }
  })

  it('rejects words longer than iptables-restore accepts', () => {
    expect(texts(`x${'y'.repeat(MAX_WORD - 1)}`)[0]).toHaveLength(MAX_WORD)
    expect(() => tokenize(`x${'y'.repeat(MAX_WORD)}`)).toThrow(/too long/)
    expect(() => tokenize(`"${'y'.repeat(MAX_WORD + 1)}"`)).toThrow(/too long/)
  })
})
