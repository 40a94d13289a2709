/**
 * @module core/ipset/save
 * `ipset save` text ⇄ {@link IpSet}. Parsing accepts anything `ipset restore` does (within
 * {@link runRestore}'s commands) and normalises it to what `ipset save` (7.17) would print after
 * that restore; printing a parsed dump gives it back byte for byte.
 *
 * Two things the kernel decides cannot be reproduced for sets that were not read from a dump:
 * the random `initval` (left out when not given) and the order of hash members (the kernel
 * prints them in hash-bucket order; kpath keeps the order they were added in).
 *
 * @example
 * ```ts
 * const sets = parseIpsetSave('create a hash:ip\nadd a 10.0.0.1/31\n')
 * printIpsetSave(sets)
 * // create a hash:ip family inet hashsize 1024 maxelem 65536 bucketsize 12
 * // add a 10.0.0.0
 * // add a 10.0.0.1
 * ```
 */
import { specOptions } from './create-spec.js'
import { formatElem } from './element.js'
import { formatMemberTail } from './member-opts.js'
import type { IpSet, IpSetMember, IpSetOption } from './model.js'
import { type RestoreOptions, runRestore } from './restore.js'
import type { Store, StoredMember, StoredSet } from './store.js'

export type ParseIpsetOptions = RestoreOptions

function toMember(m: StoredMember): IpSetMember {
  return { elem: formatElem(m.parts), options: m.options, nomatch: m.nomatch }
}

/** The members of a stored set in the order `ipset save` prints them. */
function orderedMembers(s: StoredSet): StoredMember[] {
  if (s.type === 'list:set') return s.list
  const members = [...s.members.values()]
  if (s.type === 'bitmap:port') {
    // A bitmap is listed by walking its bits, lowest port first.
    const port = (m: StoredMember) => (m.parts[0]?.kind === 'bport' ? m.parts[0].port : 0)
    members.sort((a, b) => port(a) - port(b))
  }
  return members
}

export function storedToIpSet(s: StoredSet): IpSet {
  const base = {
    name: s.name,
    type: s.type,
    options: specOptions(s.type, s.spec),
    members: orderedMembers(s).map(toMember),
  }
  if (s.spec.family === undefined) return base
  return { ...base, family: s.spec.family === 4 ? 'inet' : 'inet6' }
}

/**
 * Sets in the order `ipset save` prints them: by kernel index (creation order, a destroyed set's
 * slot being reused), list:set sets last.
 */
export function storeToIpSets(store: Store): IpSet[] {
  return dumpOrder(store.sets().map(storedToIpSet))
}

/** Parse `ipset save` output or `ipset restore` input. Throws a located KpathError. */
export function parseIpsetSave(text: string, options: ParseIpsetOptions = {}): IpSet[] {
  return storeToIpSets(runRestore(text, options))
}

function optionText(options: readonly IpSetOption[]): string {
  return options.map((o) => (o.value === undefined ? o.name : `${o.name} ${o.value}`)).join(' ')
}

/** The header words after the type: `family inet hashsize …` (shared with `ipset list`). */
export function headerText(set: IpSet): string {
  const family = set.family === undefined ? '' : `family ${set.family}`
  return [family, optionText(set.options)].filter((s) => s !== '').join(' ')
}

/** The text after an element on an `add` line, or after it on a listing's member line. */
export function memberText(m: IpSetMember): string {
  return `${m.elem}${formatMemberTail(m.options, m.nomatch)}`
}

/** Sets in the order the kernel dumps them: list:set sets after all others (IPSET_DUMP_LAST). */
export function dumpOrder(sets: readonly IpSet[]): IpSet[] {
  return [
    ...sets.filter((s) => s.type !== 'list:set'),
    ...sets.filter((s) => s.type === 'list:set'),
  ]
}

/** Print sets as `ipset save` does. */
export function printIpsetSave(sets: readonly IpSet[]): string {
  const lines: string[] = []
  for (const set of dumpOrder(sets)) {
    const header = headerText(set)
    lines.push(`create ${set.name} ${set.type}${header === '' ? '' : ` ${header}`}`)
    for (const m of set.members) lines.push(`add ${set.name} ${memberText(m)}`)
  }
  return lines.map((l) => `${l}\n`).join('')
}
