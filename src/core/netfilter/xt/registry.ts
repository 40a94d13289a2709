/**
 * @module core/netfilter/xt/registry
 * Every iptables extension kpath knows, by kind and name. A name that is not here is an
 * unsupported extension: the parser reports it with its location, never skips it.
 */
import type { Family } from '../../net/ip.js'
import { CORE_MODULES } from './modules/core/index.js'
import { EXTRA_MODULES } from './modules/extra/index.js'
import type { XtModule } from './types.js'

const byKey = new Map<string, XtModule>()
for (const m of [...CORE_MODULES, ...EXTRA_MODULES]) {
  const key = `${m.kind}:${m.name}`
  if (byKey.has(key)) throw new Error(`duplicate xt module ${key}`)
  byKey.set(key, m)
}

export function findModule(
  kind: 'match' | 'target',
  name: string,
  family: Family,
): XtModule | undefined {
  const m = byKey.get(`${kind}:${name}`)
  if (!m) return undefined
  if (m.families && !m.families.includes(family)) return undefined
  return m
}

export function allModules(): readonly XtModule[] {
  return [...byKey.values()]
}
