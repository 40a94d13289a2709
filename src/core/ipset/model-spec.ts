/**
 * @module core/ipset/model-spec
 * The {@link CreateSpec} of a model set, read back from its options with the same parser as
 * input text, so a hand-built {@link IpSet} is checked exactly like a parsed one.
 */
import { KpathError } from '../errors.js'
import { type CreateSpec, optionWords, parseCreateSpec } from './create-spec.js'
import { LineError } from './line-error.js'
import type { IpSet } from './model.js'
import { typeInfo } from './types.js'

/** Parse a model set's create options; a bad option is KPATH_INVALID_ARGUMENT naming the set. */
export function specOf(set: IpSet): CreateSpec {
  const hash = typeInfo(set.type).hash
  if (hash !== (set.family !== undefined)) {
    throw new KpathError(
      'KPATH_INVALID_ARGUMENT',
      `set ${set.name}: ${set.type} ${hash ? 'needs' : 'has no'} a family`,
    )
  }
  try {
    return parseCreateSpec(optionWords(set.family, set.options), set.type)
  } catch (e) {
    if (e instanceof LineError)
      throw new KpathError(
        'KPATH_INVALID_ARGUMENT',
        `set ${set.name}: ${e.message}`,
        e.hint === undefined ? {} : { hint: e.hint },
      )
    throw e
  }
}
