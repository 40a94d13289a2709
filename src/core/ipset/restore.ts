/**
 * @module core/ipset/restore
 * Reading `ipset save` output, or any `ipset restore` input: `create`/`-N`, `add`/`-A`,
 * `del`/`-D`, `flush`/`-F`, `destroy`/`-X`, `rename`/`-E`, `swap`/`-W`, blank lines and `#`
 * comment lines. Each line is applied to a {@link Store} the way the kernel would apply it, and
 * every problem is reported with its line, column and text.
 */
import type { KpathError } from '../errors.js'
import { type CreateSpec, parseCreateSpec } from './create-spec.js'
import { elemKey, formatElem } from './element.js'
import { type ElemContext, parseElement } from './element-parse.js'
import { LineError } from './line-error.js'
import { memberOptions, parseMemberOpts } from './member-opts.js'
import { memberCount, Store, type StoredSet } from './store.js'
import { type Token, tokenizeLine } from './tokens.js'
import { resolveType, typeInfo, UNMODELLED_TYPES } from './types.js'

export interface RestoreOptions {
  /** File name for error locations. */
  readonly file?: string
  /** `ipset restore -exist`: re-adding an element or re-creating an identical set is not an error. */
  readonly exist?: boolean
}

const COMMANDS: Readonly<Record<string, string>> = {
  create: 'create',
  '-N': 'create',
  add: 'add',
  '-A': 'add',
  del: 'del',
  '-D': 'del',
  flush: 'flush',
  '-F': 'flush',
  destroy: 'destroy',
  '-X': 'destroy',
  rename: 'rename',
  '-E': 'rename',
  swap: 'swap',
  '-W': 'swap',
}

function word(words: readonly Token[], i: number, what: string, after: Token): Token {
  const w = words[i]
  if (w === undefined || w.text === '')
    throw new LineError(`missing ${what}`, after.column + after.text.length + 1)
  return w
}

function sameSet(a: StoredSet, type: string, spec: CreateSpec): boolean {
  const b = spec
  const s = a.spec
  return (
    a.type === type &&
    s.family === b.family &&
    s.maxelem === b.maxelem &&
    s.timeout === b.timeout &&
    s.netmask === b.netmask &&
    s.bitmask === b.bitmask &&
    s.counters === b.counters &&
    s.comment === b.comment &&
    s.skbinfo === b.skbinfo
  )
}

function doCreate(store: Store, words: readonly Token[], exist: boolean): void {
  const cmd = words[0] as Token
  const name = word(words, 1, 'set name', cmd)
  if (name.text.length > 31)
    throw new LineError(`set name "${name.text}" is longer than 31 characters`, name.column)
  const typeWord = word(words, 2, 'set type', name)
  const type = resolveType(typeWord.text)
  if (!type) {
    throw UNMODELLED_TYPES.has(typeWord.text)
      ? new LineError(
          `ipset type ${typeWord.text} is not modelled by kpath`,
          typeWord.column,
          undefined,
          true,
        )
      : new LineError(`unknown set type "${typeWord.text}"`, typeWord.column)
  }
  const spec = parseCreateSpec(words.slice(3), type)
  const old = store.get(name.text)
  if (old) {
    if (exist && sameSet(old, type, spec)) return
    throw new LineError(
      `a set named "${name.text}" already exists`,
      name.column,
      exist ? 'with -exist, only an identical create is allowed' : undefined,
    )
  }
  store.create({ name: name.text, type, spec, members: new Map(), list: [] })
}

function elemContext(set: StoredSet): ElemContext {
  const room =
    set.spec.maxelem === undefined ? 1 << 20 : Math.max(1, set.spec.maxelem - memberCount(set))
  const family = set.spec.family
  return { type: set.type, family, spec: set.spec, ranges: true, limit: Math.min(room, 1 << 20) }
}

function addToList(
  store: Store,
  set: StoredSet,
  elem: Token,
  rest: readonly Token[],
  exist: boolean,
): void {
  const member = store.require(elem.text, elem.column)
  if (member.type === 'list:set')
    throw new LineError('a list:set cannot be a member of a list:set', elem.column)
  const opts = parseMemberOpts(rest)
  const options = memberOptions(opts, set.spec, false)
  const entry = {
    key: elem.text,
    parts: [{ kind: 'set' as const, name: elem.text }],
    nomatch: false,
    options,
  }
  const at = set.list.findIndex((m) => m.key === elem.text)
  if (at >= 0) {
    if (!exist)
      throw new LineError(`"${elem.text}" is already in the list "${set.name}"`, elem.column)
    set.list[at] = entry
    return
  }
  let index = set.list.length
  if (opts.position) {
    const ref = set.list.findIndex((m) => m.key === opts.position?.ref)
    if (ref < 0)
      throw new LineError(
        `"${opts.position.ref}" is not in the list "${set.name}"`,
        opts.position.column,
      )
    index = opts.position.where === 'before' ? ref : ref + 1
  }
  set.list.splice(index, 0, entry)
}

function doAdd(store: Store, words: readonly Token[], exist: boolean): void {
  const cmd = words[0] as Token
  const set = store.require(word(words, 1, 'set name', cmd).text, (words[1] as Token).column)
  const elem = word(words, 2, 'element', words[1] as Token)
  if (set.type === 'list:set') {
    addToList(store, set, elem, words.slice(3), exist)
    return
  }
  const opts = parseMemberOpts(words.slice(3))
  const options = memberOptions(opts, set.spec, typeInfo(set.type).nomatch)
  for (const parts of parseElement(elem.text, elem.column, elemContext(set))) {
    const key = elemKey(parts)
    if (set.members.has(key)) {
      if (!exist) {
        throw new LineError(
          `${formatElem(parts)} is already in the set "${set.name}"`,
          elem.column,
          'ipset restore -exist re-adds it (a per-line -exist has no effect in ipset 7.17 restore mode)',
        )
      }
    } else if (set.spec.maxelem !== undefined && set.members.size >= set.spec.maxelem) {
      throw new LineError(
        `the set "${set.name}" is full (maxelem ${set.spec.maxelem})`,
        elem.column,
        set.spec.forceadd
          ? 'with forceadd the kernel evicts a random element, which kpath does not model'
          : undefined,
        set.spec.forceadd,
      )
    }
    set.members.set(key, { key, parts, nomatch: opts.nomatch, options })
  }
}

function doDel(store: Store, words: readonly Token[], exist: boolean): void {
  const cmd = words[0] as Token
  const set = store.require(word(words, 1, 'set name', cmd).text, (words[1] as Token).column)
  const elem = word(words, 2, 'element', words[1] as Token)
  if (set.type === 'list:set') {
    const at = set.list.findIndex((m) => m.key === elem.text)
    if (at >= 0) set.list.splice(at, 1)
    else if (!exist)
      throw new LineError(`"${elem.text}" is not in the list "${set.name}"`, elem.column)
    return
  }
  for (const parts of parseElement(elem.text, elem.column, {
    ...elemContext(set),
    limit: 1 << 20,
  })) {
    if (!set.members.delete(elemKey(parts)) && !exist) {
      throw new LineError(`${formatElem(parts)} is not in the set "${set.name}"`, elem.column)
    }
  }
}

type Handler = (store: Store, words: readonly Token[], exist: boolean) => void

function doFlush(store: Store, words: readonly Token[]): void {
  const name = words[1]
  for (const s of name ? [store.require(name.text, name.column)] : store.sets()) {
    s.members = new Map()
    s.list = []
  }
}

function doDestroy(store: Store, words: readonly Token[]): void {
  const name = words[1]
  store.destroy(name?.text, name?.column ?? (words[0] as Token).column)
}

/** `rename FROM TO` and `swap A B` both take two set names. */
function twoNames(words: readonly Token[]): [string, string] {
  const cmd = words[0] as Token
  return [word(words, 1, 'set name', cmd).text, word(words, 2, 'set name', words[1] as Token).text]
}

const HANDLERS: Readonly<Record<string, Handler>> = {
  create: doCreate,
  add: doAdd,
  del: doDel,
  flush: doFlush,
  destroy: doDestroy,
  rename: (store, words) => store.rename(...twoNames(words), (words[0] as Token).column),
  swap: (store, words) => store.swap(...twoNames(words), (words[0] as Token).column),
}

function runCommand(store: Store, words: readonly Token[], exist: boolean): void {
  const cmd = words[0] as Token
  const handler = HANDLERS[COMMANDS[cmd.text] ?? '']
  if (!handler) {
    throw new LineError(
      `unknown ipset restore command "${cmd.text}"`,
      cmd.column,
      'lines start with create, add, del, flush, destroy, rename or swap',
    )
  }
  handler(store, words, exist)
}

/** Apply one line; blank and `#` lines do nothing. Throws {@link LineError}. */
export function runLine(store: Store, line: string, exist: boolean): void {
  const t = tokenizeLine(line)
  if (!t.ok)
    throw new LineError(
      'unbalanced quote',
      t.column,
      'ipset quotes have no escape: a comment cannot contain "',
    )
  // `-exist`/`-!` may stand anywhere; ipset 7.17 accepts them per line but only the global flag acts.
  const words = t.tokens.filter((w) => w.text !== '-exist' && w.text !== '-!')
  const first = words[0]
  if (first === undefined || (first.text.startsWith('#') && !first.quoted)) return
  runCommand(store, words, exist)
}

/** Run restore input; throws a located KpathError on the first bad line. */
export function runRestore(text: string, options: RestoreOptions = {}): Store {
  const store = new Store()
  const lines = text.split('\n')
  for (const [i, raw] of lines.entries()) {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw
    try {
      runLine(store, line, options.exist === true)
    } catch (e) {
      if (e instanceof LineError) throw e.at(i + 1, line, options.file) satisfies KpathError
      throw e
    }
  }
  return store
}
