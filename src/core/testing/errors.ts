/**
 * @module core/testing/errors
 * Test support: the KpathError a call throws (any other error is rethrown, no error fails), and
 * the fuzz tests' rule that a parser may only fail with a KpathError located on a real line.
 */
import { expect } from 'vitest'
import { KpathError } from '../errors.js'

export function thrown(f: () => unknown): KpathError {
  try {
    f()
  } catch (e) {
    if (e instanceof KpathError) return e
    throw e
  }
  throw new Error('expected a KpathError')
}

/** Only KpathErrors may escape `parse`, located on a real line of `text`; undefined then. */
export function onlyKpathErrors<T>(text: string, parse: () => T): T | undefined {
  try {
    return parse()
  } catch (e) {
    if (!(e instanceof KpathError)) throw e
    const loc = e.location
    if (loc) {
      expect(loc.line).toBeGreaterThanOrEqual(1)
      expect(text.split('\n')[loc.line - 1]).toBe(loc.text)
      expect(loc.column).toBeGreaterThanOrEqual(1)
    }
    return undefined
  }
}
