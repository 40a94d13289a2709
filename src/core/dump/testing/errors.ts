/**
 * @module core/dump/testing/errors
 * Test support: the KpathError a call throws (any other error is rethrown, no error fails).
 */
import { KpathError } from '../../errors.js'

export function thrown(f: () => unknown): KpathError {
  try {
    f()
  } catch (e) {
    if (e instanceof KpathError) return e
    throw e
  }
  throw new Error('expected a KpathError')
}
