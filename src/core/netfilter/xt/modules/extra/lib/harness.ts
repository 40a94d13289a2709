/**
 * @module core/netfilter/xt/modules/extra/lib/harness
 * What every extension test file of this folder needs: the registry of these modules, rule
 * re-printing for IPv4 and IPv6, and a way to catch the KpathError a rule raises. Pure.
 */
import { isKpathError, type KpathError } from '../../../../../errors.js'
import { EXTRA_MODULES } from '../index.js'
import { canonicalLine, lookupIn } from './testkit.js'

export const lookup = lookupIn(EXTRA_MODULES)

/** A rule line re-printed by kpath (IPv4). */
export const line4 = (rule: string): string => canonicalLine(rule, 4, lookup)

/** A rule line re-printed by kpath (IPv6). */
export const line6 = (rule: string): string => canonicalLine(rule, 6, lookup)

/** The KpathError a rule raises, or undefined. */
export function errorOf(rule: string, family: 4 | 6 = 4): KpathError | undefined {
  try {
    canonicalLine(rule, family, lookup)
  } catch (e) {
    if (isKpathError(e)) return e
    throw e
  }
  return undefined
}
