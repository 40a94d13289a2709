/**
 * @module core/netfilter/iptables-save/fast-path
 * A fast path for `-A` lines already in iptables-save form, which is what a dump is made of:
 * fast-scan.ts walks the words as offsets, then this file builds the {@link Rule} the general
 * reader (rule-parser.ts, rule-build.ts, commands.ts) would build — the same objects, fields
 * and checks — and appends it. Extensions are canonicalised by their own modules, memoised by
 * the text of their words (fast-cache.ts).
 *
 * It never reports an error: on anything it does not take, or any check that fails, it declines
 * before changing the table, and the general reader reads the line again and reports what
 * iptables would. Tests parse every conformance dump and random rulesets both ways and compare
 * the results (fast-path.test.ts).
 */
import type { Family } from '../../net/ip.js'
import type {
  AddrMatch,
  Counters,
  IfaceMatch,
  ProtoMatch,
  Rule,
  XtMatch,
  XtOption,
  XtTarget,
} from '../rule.js'
import type { CanonContext, RawOption, XtModule } from '../xt/types.js'
import {
  fastV4At,
  isAddrError,
  isPrinted,
  MAX_IFNAME,
  parseOneAddress,
  parseProto,
} from './addresses.js'
import type { Canonical } from './canon-cache.js'
import { checkTargetTable } from './checks.js'
import { keepMemoShape, SpanCache } from './fast-cache.js'
import type { FastExt } from './fast-scan.js'
import { F_D, F_F, F_I, F_O, F_P, F_S, FastLine, T_CHAIN, T_EXT, T_VERDICT } from './fast-scan.js'
import { LineWords } from './fast-words.js'
import type { ChainState, TableState } from './state.js'
import { appendAll, countAppended } from './state.js'

/** Thrown (and caught in {@link FastReader.append}) to decline a line. */
const DECLINE = { declined: true }

/**
 * The CanonContext of the fast path, one per parse: any failure declines the line, and it
 * notes whether the module looked at the protocol (see fast-cache.ts).
 */
class DeclineContext implements CanonContext {
  rule: ProtoMatch | undefined = undefined
  protoRead = false
  constructor(readonly family: Family) {}
  get proto(): ProtoMatch | undefined {
    this.protoRead = true
    return this.rule
  }
  fail(_message: string, _option?: RawOption, _hint?: string): never {
    throw DECLINE
  }
}

/** The position of the line being read. */
interface At {
  line: string
  lineNo: number
  /** Offset of the line in the input. */
  start: number
}

interface LastAddress {
  /** Where its text is in the input (-1: none yet). */
  at: number
  length: number
  negated: boolean
  match: AddrMatch | undefined
}

/** Reads `-A` lines of one parse (one input text). */
export class FastReader {
  private readonly words: LineWords
  private readonly scanned: FastLine
  private readonly cache: SpanCache
  private readonly ctx: DeclineContext
  private readonly at: At = { line: '', lineNo: 0, start: 0 }
  /** The last `-p` read (see {@link proto}), not `all`. */
  private lastProto: ProtoMatch | undefined = undefined
  private lastProtoText = ''
  /** The last `-s` and `-d` read (see {@link address}). */
  private readonly lastAddr: LastAddress[] = [
    { at: -1, length: 0, negated: false, match: undefined },
    { at: -1, length: 0, negated: false, match: undefined },
  ]
  /** The chain whose rules {@link flush} has yet to add, and those rules and jumps. */
  private pending: ChainState | undefined = undefined
  private readonly pendingRules: Rule[] = []
  private nPendingRules = 0
  private readonly pendingOut: ChainState[] = []
  private nPendingOut = 0
  /** Lines taken and declined, for tests and profiling. */
  taken = 0
  declined = 0

  constructor(
    readonly text: string,
    readonly family: Family,
    readonly file: string | undefined,
  ) {
    this.words = new LineWords(text)
    this.cache = new SpanCache(text)
    this.scanned = new FastLine(this.words, family, this.cache)
    this.ctx = new DeclineContext(family)
  }

  /**
   * Read the rule line `line` (number `lineNo`, at offset `start` of the input, its words from
   * offset `from`) and append it to its chain in `t`. `jumps` holds the shared verdict targets
   * of the table block. False leaves the table untouched and the line to the general reader.
   */
  append(
    t: TableState,
    jumps: Map<string, XtTarget>,
    line: string,
    lineNo: number,
    start: number,
    from: number,
    counters: Counters | undefined,
  ): boolean {
    const at = this.at
    at.line = line
    at.lineNo = lineNo
    at.start = start
    try {
      if (this.words.split(from, start + line.length) && this.scanned.scan(t)) {
        this.build(t, jumps, counters)
        this.taken++
        return true
      }
    } catch {
      // Declined, or a check of the general reader failed: it reads the line and says why.
    }
    this.declined++
    return false
  }

  private build(t: TableState, jumps: Map<string, XtTarget>, counters: Counters | undefined): void {
    const s = this.scanned
    const ch = this.chain(t)
    if (s.field[F_O] !== -1 && (ch.name === 'PREROUTING' || ch.name === 'INPUT')) throw DECLINE
    if (s.field[F_I] !== -1 && (ch.name === 'POSTROUTING' || ch.name === 'OUTPUT')) throw DECLINE
    const proto = this.proto()
    const matches = this.matches(s.targetKind === T_EXT ? s.nExt - 1 : s.nExt, proto)
    const target = this.target(jumps, proto)
    const fragment = s.field[F_F] === -1 ? undefined : { negated: s.negated[F_F] === 1 }
    const { line, lineNo } = this.at
    const location =
      this.file === undefined
        ? { line: lineNo, column: 1, text: line }
        : { file: this.file, line: lineNo, column: 1, text: line }
    // The property order and set of rule-build.ts, so both paths make objects of one shape.
    const rule: Rule = {
      src: this.address(F_S),
      dst: this.address(F_D),
      inIface: this.iface(F_I),
      outIface: this.iface(F_O),
      proto,
      fragment,
      matches,
      target,
      counters,
      location,
    }
    // A verdict is valid in every table; chains and extensions may not be (a chain named DNAT).
    if (s.targetKind !== T_VERDICT) checkTargetTable(t.name, rule)
    const to = s.targetKind === T_CHAIN ? s.chain : undefined
    if (this.pending !== ch) {
      this.flush()
      this.pending = ch
    }
    this.pendingRules[this.nPendingRules++] = rule
    if (to !== undefined) this.pendingOut[this.nPendingOut++] = to
    countAppended(ch, rule, to)
  }

  /**
   * Put the rules read since the last call into their chain. A dump's rules come chain by
   * chain, so they are held until the chain changes and then added in one array of the right
   * size; the parser calls this before anything else reads or changes a chain.
   */
  flush(): void {
    const c = this.pending
    if (c === undefined) return
    appendAll(c, this.pendingRules, this.nPendingRules, this.pendingOut, this.nPendingOut)
    // The arrays are kept at their size and overwritten: emptying them would free their storage
    // and make the next chain allocate it again.
    this.nPendingRules = 0
    this.nPendingOut = 0
    this.pending = undefined
  }

  /** The canonical matches, in an array of their exact size (one per rule of a dump). */
  private matches(n: number, proto: ProtoMatch | undefined): XtMatch[] {
    const exts = this.scanned.exts
    if (n === 0) return []
    const a = this.canonical(exts[0] as FastExt, proto) as XtMatch
    if (n === 1) return [a]
    const b = this.canonical(exts[1] as FastExt, proto) as XtMatch
    if (n === 2) return [a, b]
    const out = [a, b]
    for (let k = 2; k < n; k++) out.push(this.canonical(exts[k] as FastExt, proto) as XtMatch)
    return out
  }

  /**
   * The chain of `-A` (`chainOf` in commands.ts): the last one, else one of the next few
   * declared (a dump's order), else by name.
   */
  private chain(t: TableState): ChainState {
    const w = this.words
    const size = w.size(1)
    const at = w.from[1] as number
    const last = t.lastChain
    if (last !== undefined && last.name.length === size && w.src.startsWith(last.name, at))
      return last
    if (last !== undefined && last.seq >= 0 && t.declaredLive) {
      const order = t.declared
      const stop = Math.min(order.length, last.seq + 4)
      for (let k = last.seq + 1; k < stop; k++) {
        const c = order[k] as ChainState
        if (c.name.length === size && w.src.startsWith(c.name, at)) {
          t.lastChain = c
          return c
        }
      }
    }
    const ch = t.chains.get(w.text(1))
    if (ch === undefined) throw DECLINE
    t.lastChain = ch
    return ch
  }

  /**
   * `-p` (`proto` in rule-build.ts): all (0) is no protocol, `! -p all` never matches. The last
   * one is remembered with its text, compared in place (a dump says `-p tcp` over and over).
   */
  private proto(): ProtoMatch | undefined {
    const k = this.scanned.field[F_P] as number
    if (k === -1) return undefined
    const w = this.words
    const negated = this.scanned.negated[F_P] === 1
    const last = this.lastProto
    if (last !== undefined && last.negated === negated && w.equals(k, this.lastProtoText))
      return last
    const text = w.text(k)
    const p = parseProto(text, negated)
    if (p === undefined || p.number === 0) {
      if (p === undefined || p.negated) throw DECLINE
      return undefined
    }
    this.lastProto = p
    this.lastProtoText = text
    return p
  }

  /**
   * `-s`/`-d`: one prefix (lists of several go to the general reader, which expands them). The
   * last one of each is remembered with where its text was, compared in place: kube-proxy
   * writes `! -s 10.244.0.0/16` on every service's first rule.
   */
  private address(f: number): AddrMatch | undefined {
    const k = this.scanned.field[f] as number
    if (k === -1) return undefined
    const w = this.words
    const negated = this.scanned.negated[f] === 1
    const from = w.from[k] as number
    const to = w.to[k] as number
    const last = this.lastAddr[f] as LastAddress
    if (last.at >= 0 && last.negated === negated && w.sameAs(k, last.at, last.length))
      return last.match
    const cidr =
      (this.family === 4 ? fastV4At(w.src, from, to) : undefined) ??
      parseOneAddress(w.text(k), this.family)
    if (cidr === undefined || isAddrError(cidr)) throw DECLINE
    const m: AddrMatch = { cidr, negated }
    last.at = from
    last.length = to - from
    last.negated = negated
    last.match = isPrinted(m) ? m : undefined
    return last.match
  }

  /** `-i`/`-o` (`iface` in rule-build.ts). */
  private iface(f: number): IfaceMatch | undefined {
    const k = this.scanned.field[f] as number
    if (k === -1) return undefined
    const name = this.words.text(k)
    if (name.length > MAX_IFNAME || name === '') throw DECLINE
    return name === '+' ? undefined : { name, negated: this.scanned.negated[f] === 1 }
  }

  private target(
    jumps: Map<string, XtTarget>,
    proto: ProtoMatch | undefined,
  ): XtTarget | undefined {
    const s = this.scanned
    switch (s.targetKind) {
      case T_VERDICT: {
        let v = jumps.get(s.verdict)
        if (v === undefined) {
          v = { name: s.verdict, options: [], goto: false }
          jumps.set(s.verdict, v)
        }
        return v
      }
      case T_CHAIN: {
        const to = s.chain as ChainState
        if (s.goto) {
          to.gotoBy ??= { name: to.name, options: [], goto: true }
          return to.gotoBy
        }
        to.jumpedBy ??= { name: to.name, options: [], goto: false }
        return to.jumpedBy
      }
      case T_EXT:
        return this.canonical(s.exts[s.nExt - 1] as FastExt, proto) as XtTarget
      default:
        return undefined
    }
  }

  /** An extension's canonical match or target, from the memo or from its module. */
  private canonical(x: FastExt, proto: ProtoMatch | undefined): Canonical {
    const w = this.words
    const m = x.module as XtModule
    const protoKey = proto ? proto.number * 2 + (proto.negated ? 1 : 0) : -1
    const start = x.first < 0 ? 0 : (w.raw[x.first] as number)
    const end = x.first < 0 ? 0 : w.spanEnd(x.last)
    const hit = this.cache.lookup(x.memos, protoKey, start, end)
    if (hit !== undefined) return hit
    const ctx = this.ctx
    ctx.rule = proto
    ctx.protoRead = false
    const options = this.single(x, m) ?? m.canonicalize(this.rawOptions(x), ctx)
    const done: Canonical =
      m.kind === 'match' ? { module: m.name, options } : { name: m.name, options, goto: false }
    this.cache.store(x.memos, protoKey, ctx.protoRead, start, end, done)
    return done
  }

  /** The module's shortcut for a lone option with one value (see XtModule), if it has one. */
  private single(x: FastExt, m: XtModule): readonly XtOption[] | undefined {
    const s = this.scanned
    const j = x.optFrom
    if (m.canonicalizeValue === undefined || x.optTo !== j + 1) return undefined
    if (s.optNeg[j] === 1 || s.optValues[j] !== 1) return undefined
    const canonical = s.optSpec[j]?.names[0]
    if (canonical === undefined) return undefined
    return m.canonicalizeValue(canonical, this.words.text((s.optWord[j] as number) + 1), this.ctx)
  }

  /** The options of `x` as written (`rawOptions` in rule-parser.ts). */
  private rawOptions(x: FastExt): RawOption[] {
    const w = this.words
    const s = this.scanned
    const out: RawOption[] = []
    for (let j = x.optFrom; j < x.optTo; j++) {
      const k = s.optWord[j] as number
      const n = s.optValues[j] as number
      const label = w.text(k)
      const values: string[] = []
      for (let v = 1; v <= n; v++) values.push(w.text(k + v))
      out.push({
        name: label,
        canonical: s.optSpec[j]?.names[0] ?? label,
        negated: s.optNeg[j] === 1,
        values,
        column: (w.raw[k] as number) - this.at.start + 1,
      })
    }
    return out
  }
}

/**
 * V8 keeps the hidden class of a class instance only while some instance lives, and drops the
 * optimised code that relies on it when it goes. Between two parses (a benchmark's runs, a
 * long-running tool) a full GC would then send the next parse back to the interpreter for a
 * good part of its lines. This idle reader holds no input; it only keeps those classes alive
 * (exported so that no bundler drops it).
 */
export const KEEP_SHAPES: readonly unknown[] = [new FastReader('', 4, undefined), keepMemoShape()]
