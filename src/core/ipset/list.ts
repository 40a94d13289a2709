/**
 * @module core/ipset/list
 * `ipset list` output ⇄ {@link IpSet}. A listing shows each set as a block:
 *
 * ```
 * Name: a
 * Type: hash:ip
 * Revision: 6
 * Header: family inet hashsize 1024 maxelem 65536 bucketsize 12 initval 0x91c25f6b
 * Size in memory: 296
 * References: 1
 * Number of entries: 2
 * Members:
 * 10.0.0.0
 * 10.0.0.1
 * ```
 *
 * Blocks are separated by one blank line; `ipset list -t` leaves out `Members:` and what
 * follows. The header and member lines use the `ipset save` spelling, so they are read with the
 * same code. Revision, size, references and entry count come from the kernel: they are kept in
 * {@link IpSetListing}; for a set that was not read from a listing they are computed (see
 * {@link estimateMemsize} for what cannot be exact).
 */
import { LineError } from './line-error.js'
import { estimateMemsize } from './memsize.js'
import type { IpSet, IpSetListing } from './model.js'
import { specOf } from './model-spec.js'
import { runLine } from './restore.js'
import { dumpOrder, headerText, memberText, storedToIpSet } from './save.js'
import { Store } from './store.js'
import { typeInfo } from './types.js'

export interface ParseIpsetListOptions {
  readonly file?: string
}

const FIELDS = [
  'Name',
  'Type',
  'Revision',
  'Header',
  'Size in memory',
  'References',
  'Number of entries',
] as const

interface Cursor {
  readonly lines: readonly string[]
  i: number
  readonly file: string | undefined
}

function located(c: Cursor, e: LineError, line: number): never {
  if (line >= c.lines.length) {
    // The listing stopped short: point just past the end of its last line.
    const last = Math.max(0, c.lines.length - 1)
    const text = c.lines[last] ?? ''
    throw new LineError(`unexpected end of the listing: ${e.message}`, text.length + 1, e.hint).at(
      last + 1,
      text,
      c.file,
    )
  }
  throw e.at(line + 1, c.lines[line] ?? '', c.file)
}

/** Read `Field: value` at the cursor. */
function field(c: Cursor, name: string): string {
  const line = c.lines[c.i] ?? ''
  const prefix = `${name}:`
  if (!line.startsWith(prefix)) {
    located(
      c,
      new LineError(
        `expected "${prefix}"`,
        1,
        `ipset list shows ${FIELDS.join(', ')} in this order`,
      ),
      c.i,
    )
  }
  c.i++
  return line.slice(prefix.length).replace(/^ /, '')
}

function count(c: Cursor, name: string): number {
  const at = c.i
  const text = field(c, name)
  if (!/^(0|[1-9][0-9]*)$/.test(text))
    located(c, new LineError(`"${name}" must be a number`, name.length + 3), at)
  return Number(text)
}

/** Run a synthetic restore line; map its error columns back onto the listing line. */
function apply(c: Cursor, store: Store, synthetic: string, shift: number, at: number): void {
  try {
    runLine(store, synthetic, false)
  } catch (e) {
    if (!(e instanceof LineError)) throw e
    const column = Math.max(1, e.column - shift)
    located(c, new LineError(e.message, column, e.hint, e.unsupported), at)
  }
}

function readBlock(c: Cursor, store: Store): IpSet {
  const nameAt = c.i
  const name = field(c, 'Name')
  // The name is replayed as one word of an `ipset restore` line, so it must be one.
  if (!/^[^\s"#][^\s"]*$/.test(name) || name === '-exist' || name === '-!') {
    located(c, new LineError(`"${name}" is not a set name`, 'Name: '.length + 1), nameAt)
  }
  const typeAt = c.i
  const type = field(c, 'Type')
  const revision = count(c, 'Revision')
  const headerAt = c.i
  const header = field(c, 'Header')
  const create = `create ${name} ${type} `
  try {
    runLine(store, `${create}${header}`, false)
  } catch (e) {
    if (!(e instanceof LineError)) throw e
    const inHeader = e.column > create.length
    const column = inHeader ? e.column - create.length + 'Header: '.length : 'Type: '.length + 1
    located(
      c,
      new LineError(e.message, column, e.hint, e.unsupported),
      inHeader ? headerAt : typeAt,
    )
  }
  const listing = {
    revision,
    sizeInMemory: count(c, 'Size in memory'),
    references: count(c, 'References'),
    entries: count(c, 'Number of entries'),
  }
  const terse = c.lines[c.i] !== 'Members:'
  if (!terse) {
    c.i++
    const prefix = `add ${name} `
    while (c.i < c.lines.length && c.lines[c.i] !== '') {
      apply(c, store, `${prefix}${c.lines[c.i]}`, prefix.length, c.i)
      c.i++
    }
  }
  const stored = store.get(name)
  if (!stored) throw new Error(`set ${name} vanished while reading its listing`)
  const full: IpSetListing = terse ? { ...listing, terse: true } : listing
  return { ...storedToIpSet(stored), listing: full }
}

/** Parse `ipset list` (or `ipset list -t`) output. Throws a located KpathError. */
export function parseIpsetList(text: string, options: ParseIpsetListOptions = {}): IpSet[] {
  const lines = text.endsWith('\n') ? text.slice(0, -1).split('\n') : text.split('\n')
  const c: Cursor = { lines: text === '' ? [] : lines, i: 0, file: options.file }
  const store = new Store()
  const sets: IpSet[] = []
  while (c.i < c.lines.length) {
    sets.push(readBlock(c, store))
    if (c.i < c.lines.length) {
      if (c.lines[c.i] !== '')
        located(c, new LineError('expected a blank line between sets', 1), c.i)
      c.i++
    }
  }
  return sets
}

/** How many list:set sets in `sets` list `name` (iptables references are not known here). */
function references(sets: readonly IpSet[], name: string): number {
  return sets.filter((s) => s.type === 'list:set' && s.members.some((m) => m.elem === name)).length
}

function block(set: IpSet, all: readonly IpSet[]): string {
  const l = set.listing
  const lines = [
    `Name: ${set.name}`,
    `Type: ${set.type}`,
    `Revision: ${l?.revision ?? typeInfo(set.type).revision}`,
    `Header: ${headerText(set)}`,
    `Size in memory: ${l?.sizeInMemory ?? estimateMemsize(set.type, specOf(set), set.members)}`,
    `References: ${l?.references ?? references(all, set.name)}`,
    `Number of entries: ${l?.entries ?? set.members.length}`,
  ]
  if (!l?.terse) lines.push('Members:', ...set.members.map(memberText))
  return lines.map((x) => `${x}\n`).join('')
}

/** Print sets as `ipset list` does (terse blocks for sets read from `ipset list -t`). */
export function printIpsetList(sets: readonly IpSet[]): string {
  return dumpOrder(sets)
    .map((s) => block(s, sets))
    .join('\n')
}
