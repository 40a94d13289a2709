/**
 * @module core/netfilter/iptables-save/fast-scan
 * The first half of the fast path (see fast-path.ts): it walks the words of a `-A` line in the
 * shape iptables-save prints — `-A CHAIN`, then `[!] -s/-d/-i/-o/-p VALUE`, `[!] -f`,
 * `-m NAME [[!] --opt VALUE…]…`, and last `-j/-g NAME [--opt VALUE…]` — recording word indexes
 * only. Each step decides as `do_parse` would (see rule-parser.ts): a value is the next word
 * whatever it looks like, `--opt` is found among the newest extension's exact spellings after
 * the built-in long options, arities and `!` are checked against the option's spec, and `-j`
 * picks a verdict, then a chain of the table, then a target extension. Anything else — other
 * commands, long or inline options, implicit `-p` matches, words after the target, unknown
 * names — makes it decline, and the general reader takes the line.
 */
import type { Family } from '../../net/ip.js'
import type { OptionSpec, XtModule } from '../xt/types.js'
import { MAX_NAME } from './base-options.js'
import { lookupModule } from './extensions.js'
import type { ModuleMemos, SpanCache } from './fast-cache.js'
import type { LineWords } from './fast-words.js'
import { isBaseLong, optionMap } from './getopt.js'
import type { ChainState, TableState } from './state.js'

/** The rule's own fields, as indexes into {@link FastLine.field}. */
export const F_S = 0
export const F_D = 1
export const F_I = 2
export const F_O = 3
export const F_P = 4
export const F_F = 5

/** What `-j`/`-g` named. */
export const T_NONE = 0
export const T_VERDICT = 1
export const T_CHAIN = 2
export const T_EXT = 3

/** Extensions per line the fast path takes; a line with more goes to the general reader. */
const MAX_EXT = 16

/** One extension of the line: its options are records `opts[optFrom, optTo)`. */
export class FastExt {
  module: XtModule | undefined = undefined
  /** The parse's memo of the module's results (fast-cache.ts). */
  memos: ModuleMemos = []
  /** Word of its first option (its `!` included) and of its last value; -1 without options. */
  first = -1
  last = -1
  optFrom = 0
  optTo = 0
}

interface SpellingTable {
  readonly names: readonly string[]
  readonly specs: readonly OptionSpec[]
}

/**
 * A module's option spellings as getopt finds them once the module is the newest loaded:
 * its own names, less those a built-in long option takes first. Derived from the module only.
 */
const spellings = new WeakMap<XtModule, SpellingTable>()

function spellingsOf(m: XtModule): SpellingTable {
  let s = spellings.get(m)
  if (s === undefined) {
    const names: string[] = []
    const specs: OptionSpec[] = []
    for (const [name, spec] of optionMap(m)) {
      if (isBaseLong(name)) continue
      names.push(name)
      specs.push(spec)
    }
    s = { names, specs }
    spellings.set(m, s)
  }
  return s
}

/** The three verdicts of the standard target, as `-j` names them. */
const VERDICTS: readonly string[] = ['ACCEPT', 'DROP', 'RETURN']

/** The scanned line: word indexes, the extensions and their option records, the target. */
export class FastLine {
  /** Value word of each field (the `-f` word itself), -1 when absent; 1 when negated. */
  readonly field = new Int32Array(6)
  readonly negated = new Uint8Array(6)
  readonly exts: FastExt[] = []
  nExt = 0
  /** Option records: the option's word, 1 if negated, how many values follow, its spec. */
  optWord = new Int32Array(32)
  optNeg = new Uint8Array(32)
  optValues = new Int32Array(32)
  readonly optSpec: (OptionSpec | undefined)[] = []
  nOpt = 0
  targetKind = T_NONE
  /** The verdict's name, or the chain jumped to, or the target extension (`exts[nExt - 1]`). */
  verdict = ''
  chain: ChainState | undefined = undefined
  goto = false
  /** Module names seen by this parse, compared in place: kind, text, module (null: none). */
  private readonly names: string[] = []
  private readonly kinds: string[] = []
  private readonly modules: (XtModule | null)[] = []
  private readonly memos: ModuleMemos[] = []

  constructor(
    readonly words: LineWords,
    readonly family: Family,
    private readonly cache: SpanCache,
  ) {
    for (let i = 0; i < MAX_EXT; i++) this.exts.push(new FastExt())
  }

  /** Walk the words of the line; false declines it. */
  scan(t: TableState): boolean {
    const w = this.words
    const n = w.length
    if (n < 2 || w.shortOption(0) !== 65 /* A */ || w.size(1) > MAX_NAME) return false
    const field = this.field
    for (let f = 0; f < 6; f++) field[f] = -1
    this.nExt = 0
    this.nOpt = 0
    this.targetKind = T_NONE
    this.chain = undefined
    let i = 2
    while (i < n) {
      let k = i
      const neg = w.isBang(k)
      if (neg && ++k >= n) return false
      const letter = w.shortOption(k)
      const f = fieldOf(letter)
      if (f >= 0) {
        if (this.field[f] !== -1) return false
        if (f === F_F) {
          if (this.family === 6) return false
          this.field[f] = k
          i = k + 1
        } else {
          if (k + 1 >= n) return false
          this.field[f] = k + 1
          i = k + 2
        }
        this.negated[f] = neg ? 1 : 0
      } else if (letter === 109 /* m */) {
        if (neg || k + 1 >= n) return false
        const x = this.open('match', k + 1)
        if (x === undefined) return false
        i = this.options(x, k + 2)
        if (i < 0) return false
      } else if (letter === 106 /* j */ || letter === 103 /* g */) {
        if (neg || k + 1 >= n) return false
        // Nothing may follow the target and its options here.
        return this.target(t, k + 1, letter === 103) === n
      } else return false
    }
    return true
  }

  /** Start an instance of the extension named by word `k`; undefined without module or room. */
  private open(kind: 'match' | 'target', k: number): FastExt | undefined {
    const j = this.module(kind, k)
    const m = j < 0 ? undefined : this.modules[j]
    if (m === undefined || m === null || this.nExt === MAX_EXT) return undefined
    const x = this.exts[this.nExt++] as FastExt
    x.module = m
    x.memos = this.memos[j] as ModuleMemos
    x.first = -1
    x.last = -1
    x.optFrom = this.nOpt
    x.optTo = this.nOpt
    return x
  }

  /**
   * `lookupModule` for the name in word `k`, remembered per parse and found again without
   * slicing: the index of its entry, or -1 for a name too long to be one.
   */
  private module(kind: 'match' | 'target', k: number): number {
    const w = this.words
    const size = w.size(k)
    const at = w.from[k] as number
    const { names, kinds, modules } = this
    for (let j = 0; j < names.length; j++) {
      const name = names[j] as string
      if (kinds[j] === kind && name.length === size && w.src.startsWith(name, at)) return j
    }
    if (size > MAX_NAME || names.length === 64) return -1
    const name = w.text(k)
    names.push(name)
    kinds.push(kind)
    modules.push(lookupModule(kind, name, this.family) ?? null)
    this.memos.push(this.cache.forModule())
    return names.length - 1
  }

  /** The spec of option word `k` for the newest module, if getopt would find it there. */
  private spec(table: SpellingTable, k: number): OptionSpec | undefined {
    const w = this.words
    if (w.quoted[k] !== 0 || w.char(k, 0) !== 45 || w.char(k, 1) !== 45) return undefined
    const size = w.size(k)
    const at = w.from[k] as number
    const { names, specs } = table
    for (let j = 0; j < names.length; j++) {
      const name = names[j] as string
      if (name.length === size && w.src.startsWith(name, at)) return specs[j]
    }
    return undefined
  }

  /**
   * Read the options of extension `x` from word `i` on (`extValues` in rule-parser.ts); returns
   * the first word that is not one of them, or -1 to decline the line.
   */
  private options(x: FastExt, i: number): number {
    const w = this.words
    const n = w.length
    const table = spellingsOf(x.module as XtModule)
    while (i < n) {
      const neg = w.isBang(i)
      const k = neg ? i + 1 : i
      const spec = k < n ? this.spec(table, k) : undefined
      if (spec === undefined) return i
      if (neg && spec.negatable !== true) return -1
      let last = k
      const arity = spec.arity
      if (arity === 'optional') {
        if (w.hasArg(k + 1)) last = k + 1
      } else if (arity > 0) {
        // The first value is the next word, whatever it is; the others must look like values.
        if (k + 1 >= n) return -1
        last = k + 1
        for (let v = 1; v < arity; v++) {
          if (!w.hasArg(last + 1)) return -1
          last++
        }
      }
      if (!this.record(k, neg, last - k, spec)) return -1
      if (x.first < 0) x.first = i
      x.last = last
      x.optTo = this.nOpt
      i = last + 1
    }
    return i
  }

  private record(k: number, neg: boolean, values: number, spec: OptionSpec): boolean {
    const j = this.nOpt
    if (j === this.optWord.length) return false
    this.optWord[j] = k
    this.optNeg[j] = neg ? 1 : 0
    this.optValues[j] = values
    this.optSpec[j] = spec
    this.nOpt = j + 1
    return true
  }

  /**
   * `-j NAME` / `-g NAME` at word `k` (`jump` in base-options.ts); returns the word after the
   * target's options, or -1 to decline.
   */
  private target(t: TableState, k: number, goto: boolean): number {
    const w = this.words
    if (!plainName(w, k)) return -1
    this.goto = goto
    for (let j = 0; j < VERDICTS.length; j++) {
      const v = VERDICTS[j] as string
      if (w.size(k) !== v.length || !w.src.startsWith(v, w.from[k] as number)) continue
      // -g to a verdict is refused unless a chain has that name; DROP is refused in nat.
      if (goto || (v === 'DROP' && t.name === 'nat')) return -1
      this.targetKind = T_VERDICT
      this.verdict = v
      return k + 1
    }
    const to = t.chains.get(w.text(k))
    if (to !== undefined) {
      if (to.builtin) return -1
      this.targetKind = T_CHAIN
      this.chain = to
      return k + 1
    }
    if (goto || w.equals(k, 'QUEUE')) return -1
    const x = this.open('target', k)
    if (x === undefined) return -1
    this.targetKind = T_EXT
    return this.options(x, k + 1)
  }
}

function fieldOf(letter: number): number {
  switch (letter) {
    case 115 /* s */:
      return F_S
    case 100 /* d */:
      return F_D
    case 105 /* i */:
      return F_I
    case 111 /* o */:
      return F_O
    case 112 /* p */:
      return F_P
    case 102 /* f */:
      return F_F
    default:
      return -1
  }
}

/** A target name `checkTargetName` accepts, kept to printable ASCII (no white space). */
function plainName(w: LineWords, k: number): boolean {
  const size = w.size(k)
  if (size < 1 || size > MAX_NAME) return false
  for (let j = 0; j < size; j++) {
    const c = w.char(k, j)
    if (!(c > 32 && c < 127)) return false
  }
  return true
}
