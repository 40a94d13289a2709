/**
 * Fuzz of every importer a dump goes through: each captured file, mutated (fast-check edits:
 * deletions, grammar words inserted, lines duplicated, words swapped, cuts), read as part of a
 * dump. Only a KpathError may come out, and when it is located its quoted line is the input's.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { dumpFiles, nodeDirs } from '../../../test/support/dump-fixtures.js'
import { isKpathError } from '../errors.js'
import { applyTextMutation, textMutation } from '../testing/text-mutation.js'
import { dumpNetns } from './netns.js'
import { parseDump } from './read.js'

const NOISE = [
  ...' \t",:/-.!#{}[]0123456789abcdefx',
  'null',
  'true',
  '"dst"',
  '-A',
  'COMMIT',
  '*nat',
  'table',
  '\n',
  '\u00e9',
  '\u0000',
]
const files = dumpFiles(nodeDirs('kube-router')[1] ?? '')
const FILES = [...files.keys()].filter((f) => f !== 'collect.log')

function onlyKpathErrors(name: string, text: string): void {
  try {
    const d = parseDump(new Map([...files, [name, text]]), 'dump')
    dumpNetns(d, 'node-x')
  } catch (e) {
    if (!isKpathError(e)) throw e
    const loc = e.location
    if (loc?.file === `dump/${name}` && loc.text !== undefined) {
      expect(loc.line).toBeGreaterThanOrEqual(1)
      // An error at the end of the input (a missing COMMIT) points just past the last line.
      expect(text.split('\n')[loc.line - 1] ?? '').toBe(loc.text)
    }
  }
}

describe('dump importers under mutation', () => {
  it.each(FILES)('%s: only located KpathErrors', (name) => {
    const text = files.get(name) ?? ''
    fc.assert(
      fc.property(fc.array(textMutation(NOISE, 8), { minLength: 1, maxLength: 3 }), (ms) => {
        onlyKpathErrors(name, ms.reduce(applyTextMutation, text))
      }),
      { numRuns: 60 },
    )
  })
})
