/**
 * @module core/netfilter/iptables-save/rule-parser
 * Reads the words of one iptables-restore rule line the way `do_parse` (iptables/xshared.c)
 * walks its argv: `!` inverts the next option, built-in options are handled here, `-m` and `-j`
 * load extensions whose options then join the option table, and an option nobody knows loads
 * the `-p` protocol's match first (`-p tcp --dport 80` loads `tcp` there and then). The words
 * are collected into a {@link ParsedLine}; rule-build.ts turns it into a command.
 */
import type { SourceLocation } from '../../errors.js'
import { parseError, unsupported } from '../../errors.js'
import type { Family } from '../../net/ip.js'
import type { Counters, TableName, XtTarget } from '../rule.js'
import { protocolName, protocolNumber } from '../xt/modules/core/netdb.js'
import type { OptionSpec, RawOption } from '../xt/types.js'
import { CanonCache } from './canon-cache.js'
import { isIptablesExtension, knownNames, lookupModule, matchAlias } from './extensions.js'
import type { Found, HasArg, Loaded } from './getopt.js'
import { findLong, findShort, foundMap, optionMap } from './getopt.js'
import type { TokenList } from './tokenizer.js'

/** What the rule parser needs to know about its surroundings. */
export interface LineEnv {
  readonly family: Family
  readonly table: TableName
  readonly line: string
  readonly lineNo: number
  readonly file?: string
  /** Whether a chain of this name exists in the table right now. */
  isChain(name: string): boolean
}

/** A built-in option with its value(s), as written. */
export interface BaseArg {
  readonly value: string
  readonly negated: boolean
  readonly column: number
}

/**
 * The built-in rule fields of a line (`-s -d -p -i -o -f -c`), keyed by letter. A fixed-shape
 * object rather than a Map: one is made per line of a 150k-line dump.
 */
export class BaseArgs {
  s: BaseArg | undefined = undefined
  d: BaseArg | undefined = undefined
  p: BaseArg | undefined = undefined
  i: BaseArg | undefined = undefined
  o: BaseArg | undefined = undefined
  f: BaseArg | undefined = undefined
  c: BaseArg | undefined = undefined

  clear(): void {
    this.s = this.d = this.p = this.i = this.o = this.f = this.c = undefined
  }

  get(letter: BaseLetter): BaseArg | undefined {
    return this[letter]
  }
  has(letter: BaseLetter): boolean {
    return this[letter] !== undefined
  }
  set(letter: BaseLetter, a: BaseArg): void {
    this[letter] = a
  }
  /** The fields given, in a fixed order. */
  entries(): [BaseLetter, BaseArg][] {
    const out: [BaseLetter, BaseArg][] = []
    for (const l of BASE_LETTERS) {
      const a = this[l]
      if (a) out.push([l, a])
    }
    return out
  }
}

export type BaseLetter = 's' | 'd' | 'p' | 'i' | 'o' | 'f' | 'c'
const BASE_LETTERS: readonly BaseLetter[] = ['s', 'd', 'p', 'i', 'o', 'f', 'c']

/** A loaded extension and the options it received. */
export interface Instance extends Loaded {
  /**
   * Options as read. To spare allocations when the canonical form is cached, an option is
   * first recorded as three numbers in `recs` (its word index, 1 if negated, its value count)
   * with its spec in `specs`; {@link rawOptions} makes the RawOptions when they are needed.
   * An option with an inline `=value` (no word of its own) turns the instance eager.
   */
  readonly recs: number[]
  readonly specs: OptionSpec[]
  readonly raws: RawOption[]
  eager: boolean
  /**
   * Word indexes of its first and last option word (with a leading `!`); `span` stays true
   * while they are contiguous and none used `--opt=value`, so the text between identifies them.
   */
  first: number
  last: number
  span: boolean
}

export interface ParsedLine {
  /** The command letter (`A`, `I`, `D`, …) and its arguments. */
  command: { letter: string; column: number; args: BaseArg[] } | undefined
  readonly base: BaseArgs
  readonly matches: Instance[]
  target: Instance | undefined
  /** Matches and target in the order they were loaded (the getopt table is newest first). */
  readonly loaded: Instance[]
  /** `-j`/`-g` name when it is a verdict or a chain (not an extension). */
  jump: { name: string; column: number; goto: boolean } | undefined
  counters: Counters | undefined
  /** `-p`'s match was loaded implicitly already (`cs->proto_used`). */
  protoUsed: boolean
}

/** Cursor over a line's words, with located errors. */
export class Cursor {
  i = 0
  /** Canonical options already computed in this table block (see rule-build.ts). */
  readonly canon = new CanonCache()
  /** Shared `-j NAME` / `-g NAME` targets of the block. */
  readonly jumps = new Map<string, XtTarget>()
  readonly gotos = new Map<string, XtTarget>()
  /** Scratch state of the line being read (see parseWords). */
  readonly parsed: ParsedLine = {
    command: undefined,
    base: new BaseArgs(),
    matches: [],
    target: undefined,
    loaded: [],
    jump: undefined,
    counters: undefined,
    protoUsed: false,
  }
  readonly word: OptWord = { label: '', inline: undefined, column: 0, short: false }
  constructor(
    readonly words: TokenList,
    readonly env: LineEnv,
  ) {}

  get done(): boolean {
    return this.i >= this.words.length
  }
  peek(): string | undefined {
    return this.i < this.words.length ? this.words.text(this.i) : undefined
  }
  column(i = this.i): number {
    return i < this.words.length ? this.words.column(i) : this.env.line.length + 1
  }
  location(column: number): SourceLocation {
    const { lineNo, line, file } = this.env
    return file === undefined
      ? { line: lineNo, column, text: line }
      : { file, line: lineNo, column, text: line }
  }
  fail(message: string, column: number, hint?: string): never {
    const e = parseError(message, this.env.lineNo, column, this.env.line, hint)
    throw this.env.file === undefined ? e : e.inFile(this.env.file)
  }
  unsupported(message: string, column: number, hint?: string): never {
    throw unsupported(message, this.location(column), hint)
  }
}

/** `xs_has_arg`: a following word that does not start with `-` or `!`. */
function hasArg(c: Cursor): boolean {
  const w = c.peek()
  return w !== undefined && w[0] !== '-' && w[0] !== '!'
}

/** The value of an option: inline (`--opt=v`, `-sv`), else the next word. */
function takeValue(
  c: Cursor,
  inline: string | undefined,
  hasArgKind: HasArg,
  label: string,
  col: number,
): string | undefined {
  if (inline !== undefined) return inline
  if (hasArgKind === 2) return hasArg(c) ? c.words.text(c.i++) : undefined
  if (c.done) c.fail(`option "${label}" requires an argument`, col)
  return c.words.text(c.i++)
}

/** Values for an extension option of the given arity (`--tcp-flags MASK COMP` takes two). */
/**
 * Consume the values of an extension option of the given arity (`--tcp-flags MASK COMP` takes
 * two) and return how many there are; an inline `=value` counts as the first.
 */
function extValues(
  c: Cursor,
  arity: number | 'optional',
  inline: string | undefined,
  label: string,
  col: number,
): number {
  if (arity === 0) {
    if (inline !== undefined) c.fail(`option "${label}" doesn't allow an argument`, col)
    return 0
  }
  if (arity === 'optional') return takeValue(c, inline, 2, label, col) === undefined ? 0 : 1
  takeValue(c, inline, 1, label, col)
  for (let n = 1; n < arity; n++) {
    if (!hasArg(c)) c.fail(`${label} requires ${arity} arguments`, col)
    c.i++
  }
  return arity
}

function optionHint(instances: readonly Instance[]): string {
  const parts = instances.map(
    (x) => `${x.module.name}: ${[...optionMap(x.module).keys()].join(' ')}`,
  )
  return parts.length === 0
    ? 'no extension is loaded; load one with -m NAME'
    : `options of the loaded extensions: ${parts.join('; ')}`
}

/** Load an extension instance; earlier instances of the same match stop taking options. */
function load(
  p: ParsedLine,
  kind: 'match' | 'target',
  name: string,
  column: number,
  c: Cursor,
): Instance {
  const module = lookupModule(kind, name, c.env.family)
  if (!module) {
    const known = knownNames(kind, c.env.family).join(', ')
    const what = isIptablesExtension(kind, name)
      ? `iptables extension "${name}"`
      : `${kind} "${name}"`
    c.unsupported(
      `${what} is not supported by kpath`,
      column,
      `kpath knows these ${kind}es: ${known}`,
    )
  }
  const inst: Instance = {
    module,
    kind,
    column,
    found: foundMap(module),
    completed: false,
    recs: [],
    specs: [],
    raws: [],
    eager: false,
    first: -1,
    last: -1,
    span: true,
  }
  p.loaded.push(inst)
  if (kind === 'target') p.target = inst
  else {
    for (const m of p.matches) if (m.module === module) m.completed = true
    p.matches.push(inst)
  }
  return inst
}

function allLoaded(p: ParsedLine): Instance[] {
  return p.loaded
}

/** Where an extension option goes: the target, else the first open instance of its match. */
function owner(p: ParsedLine, f: Extract<Found, { kind: 'ext' }>): Instance | undefined {
  if (p.target?.module === f.module) return p.target
  for (const m of p.matches) if (m.module === f.module && !m.completed) return m
  return undefined
}

/** The match `-p` loads implicitly, if an unknown option calls for it (`load_proto`). */
function implicitProto(p: ParsedLine, c: Cursor, column: number): boolean {
  const proto = p.base.get('p')
  if (!proto || p.protoUsed) return false
  const n = protocolNumber(proto.value.toLowerCase())
  const name = n === undefined ? undefined : protocolName(n)
  if (name === undefined || n === 0) return false
  if (!lookupModule('match', name, c.env.family)) {
    if (isIptablesExtension('match', name)) {
      c.unsupported(
        `the ${matchAlias(name)} match (loaded by -p ${proto.value}) is not supported by kpath`,
        column,
      )
    }
    return false
  }
  p.protoUsed = true
  load(p, 'match', name, column, c)
  return true
}

function extOption(
  p: ParsedLine,
  c: Cursor,
  f: Extract<Found, { kind: 'ext' }>,
  o: OptWord,
  invert: boolean,
): void {
  const inst = owner(p, f)
  if (!inst) c.fail(`option "${o.label}" has no open ${f.module.name} match to go to`, o.column)
  if (invert && !f.spec.negatable)
    c.fail(`${f.module.name}: option "${o.label}" cannot be inverted`, o.column)
  const at = c.i - 1
  const start = invert ? at - 1 : at
  if (inst.first < 0) inst.first = start
  else if (start !== inst.last + 1) inst.span = false
  if (o.inline !== undefined && !inst.eager) {
    inst.span = false
    rawOptions(c, inst)
    inst.eager = true
  }
  const n = extValues(c, f.spec.arity, o.inline, o.label, o.column)
  inst.last = c.i - 1
  if (inst.eager) {
    // The values are the inline one (if any) and then the words after the option word.
    const words = c.words.texts.slice(at + 1, c.i)
    const values = o.inline === undefined ? words : [o.inline, ...words]
    const canonical = f.spec.names[0] ?? o.label
    inst.raws.push({
      name: o.label,
      canonical,
      negated: invert,
      values: values.slice(0, n),
      column: o.column,
    })
  } else {
    inst.recs.push(at, invert ? 1 : 0, n)
    inst.specs.push(f.spec)
  }
}

/** The instance's options as RawOptions, made from the recorded words on first use. */
export function rawOptions(c: Cursor, inst: Instance): RawOption[] {
  const { recs, specs, raws } = inst
  for (let k = 0; k < specs.length; k++) {
    const at = recs[3 * k] as number
    const n = recs[3 * k + 2] as number
    const label = c.words.text(at)
    raws.push({
      name: label,
      canonical: specs[k]?.names[0] ?? label,
      negated: recs[3 * k + 1] === 1,
      values: c.words.texts.slice(at + 1, at + 1 + n),
      column: c.words.column(at),
    })
  }
  recs.length = 0
  specs.length = 0
  return raws
}

/**
 * An option word. One object is reused for every option of a line (nothing keeps it), which
 * spares an allocation per word on large dumps.
 */
interface OptWord {
  /** The option as written, without any `=value`: `--dport`, `-s`. */
  label: string
  inline: string | undefined
  column: number
  short: boolean
}

function readOptWord(o: OptWord, w: string, column: number): OptWord {
  o.column = column
  o.short = w.charCodeAt(1) !== 45 /* - */
  const eq = o.short ? (w.length > 2 ? 2 : -1) : w.indexOf('=')
  o.label = eq < 0 ? w : w.slice(0, eq)
  o.inline = eq < 0 ? undefined : w.slice(o.short ? 2 : eq + 1)
  return o
}

/** Handle one option word, loading `-p`'s match and retrying once if nobody knows it. */
function option(p: ParsedLine, c: Cursor, o: OptWord, invert: boolean, base: BaseHandler): void {
  for (;;) {
    const f = o.short ? findShort(o.label) : findLong(o.label, allLoaded(p))
    if (f.kind === 'base') {
      base(p, c, f.letter, f.hasArg, o, invert)
      return
    }
    if (f.kind === 'ext') {
      extOption(p, c, f, o, invert)
      return
    }
    if (implicitProto(p, c, o.column)) continue
    const hint =
      f.kind === 'ambiguous'
        ? `"${o.label}" could be ${f.candidates.join(', ')}`
        : optionHint(allLoaded(p))
    c.fail(`unknown option "${o.label}"`, o.column, hint)
  }
}

export type BaseHandler = (
  p: ParsedLine,
  c: Cursor,
  letter: string,
  hasArg: HasArg,
  o: OptWord,
  invert: boolean,
) => void

export type { OptWord }
export { hasArg, load, takeValue }

/** Walk the words of a rule line (after any `[p:b]` prefix). */
export function parseWords(
  c: Cursor,
  base: BaseHandler,
  counters: Counters | undefined,
): ParsedLine {
  // One ParsedLine per cursor, cleared for each line: nothing keeps it once the line is applied.
  const p = c.parsed
  p.command = undefined
  p.base.clear()
  p.matches.length = 0
  p.target = undefined
  p.loaded.length = 0
  p.jump = undefined
  p.counters = counters
  p.protoUsed = false
  const word = c.word
  let invert: number | undefined
  while (!c.done) {
    const col = c.column()
    const w = c.words.text(c.i++)
    if (w === '!') {
      if (invert !== undefined) c.fail('multiple consecutive ! not allowed', col)
      invert = col
      continue
    }
    if (w === '--') {
      // getopt's end of options: whatever follows is left over, which do_parse refuses.
      if (!c.done) c.fail('unknown arguments found on commandline', c.column())
      break
    }
    if (w.length < 2 || w[0] !== '-') {
      const prev = c.i >= 2 ? c.words.text(c.i - 2) : ''
      const hint = w.startsWith('!')
        ? 'write "!" as a separate word before the option'
        : prev === '!'
          ? 'the ! goes before the option ("! -s ADDRESS"), not after it'
          : undefined
      c.fail(`Bad argument "${w}"`, col, hint)
    }
    option(p, c, readOptWord(word, w, col), invert !== undefined, base)
    invert = undefined
  }
  if (invert !== undefined) c.fail('nothing appropriate following !', invert)
  return p
}
