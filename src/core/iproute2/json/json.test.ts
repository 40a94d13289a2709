/**
 * The JSON reader and writer: iproute2's `json_writer.c` escapes only `\t \n \r \f \b \\ \"`
 * and writes everything else as is; numbers keep their printed text when a JS number would
 * print them differently.
 */
import { describe, expect, it } from 'vitest'
import { KpathError } from '../../errors.js'
import { parseJsonDoc } from './parse.js'
import { jsonString, printJsonValue } from './print.js'
import { RawNumber } from './value.js'

describe('writing', () => {
  it('escapes like jsonw_puts', () => {
    expect(jsonString('a\tb\nc\rd\fe\bf\\g"h')).toBe('"a\\tb\\nc\\rd\\fe\\bf\\\\g\\"h"')
    expect(jsonString("/é'\u0001")).toBe('"/é\'\u0001"')
  })
  it('prints compactly, raw numbers as they were, and leaves out @ keys', () => {
    const v = { a: [1, true, null], t: new RawNumber('0.00'), '@text': 'x', s: 'y' }
    expect(printJsonValue(v)).toBe('{"a":[1,true,null],"t":0.00,"s":"y"}')
  })
})

describe('reading', () => {
  it('keeps numbers a JS number would change', () => {
    const root = parseJsonDoc('[0.00, 18446744073709551615, 12, -3, 1e3]').root
    expect(root).toEqual([
      new RawNumber('0.00'),
      new RawNumber('18446744073709551615'),
      12,
      -3,
      new RawNumber('1e3'),
    ])
  })
  it('reads what it writes, and any whitespace', () => {
    const text = '[{"k":"a\\tb\\u00e9","n":[1,2,{"x":false}]}]'
    expect(printJsonValue(parseJsonDoc(text).root)).toBe('[{"k":"a\\tbé","n":[1,2,{"x":false}]}]')
    expect(printJsonValue(parseJsonDoc(' [ { "k" : 1 } ] \n').root)).toBe('[{"k":1}]')
  })
  it('refuses what would not print back: integer keys, duplicate keys', () => {
    expect(() => parseJsonDoc('{"0":1}')).toThrow(KpathError)
    expect(() => parseJsonDoc('{"a":1,"a":2}')).toThrow(/duplicate key "a"/)
  })
  it('locates errors on their line', () => {
    try {
      parseJsonDoc('[\n  {"a": tru}\n]')
      expect.unreachable()
    } catch (e) {
      expect(e).toBeInstanceOf(KpathError)
      expect((e as KpathError).location).toEqual({ line: 2, column: 9, text: '  {"a": tru}' })
    }
  })
  it('stops runaway nesting', () => {
    expect(() => parseJsonDoc(`${'['.repeat(100)}${']'.repeat(100)}`)).toThrow(/nested too deeply/)
  })
})
