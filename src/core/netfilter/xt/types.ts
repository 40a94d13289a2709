/**
 * @module core/netfilter/xt/types
 * The contract of an iptables extension (a `libxt_*`/`libipt_*` match or target) as kpath
 * knows it: which options it takes, and how it turns what a user wrote into what
 * `iptables-save` 1.8.9 prints. One file per extension family, beside its own tests.
 *
 * Semantics (what a match tests, what a target does) live in the engine, which reads the
 * canonical options produced here. Syntax and semantics meet only through {@link XtOption}.
 */
import type { Family } from '../../net/ip.js'
import type { ProtoMatch, XtOption } from '../rule.js'

/** How many values follow an option on the command line. */
export type Arity = number | 'optional'

export interface OptionSpec {
  /** Accepted spellings, long form first (`--dport`, `--destination-port`). */
  readonly names: readonly string[]
  readonly arity: Arity
  /** `! --opt` is allowed. */
  readonly negatable?: boolean
}

/** An option as written, before canonicalisation. */
export interface RawOption {
  /** The spelling the user wrote, e.g. `--destination-port`. */
  readonly name: string
  /** The canonical spelling, the first of {@link OptionSpec.names}. */
  readonly canonical: string
  readonly negated: boolean
  readonly values: readonly string[]
  /** 1-based column of the option name, for errors. */
  readonly column: number
}

export interface CanonContext {
  readonly family: Family
  /** The rule's `-p`, which some extensions require (`-m tcp` needs `-p tcp`). */
  readonly proto: ProtoMatch | undefined
  /**
   * Throw a located parse error. Pass the option the error is about (its column is used), and
   * a hint that says what would be valid.
   */
  fail(message: string, option?: RawOption, hint?: string): never
}

export interface XtModule {
  readonly name: string
  readonly kind: 'match' | 'target'
  /** Families the extension exists for (e.g. `icmp` is IPv4 only). Default: both. */
  readonly families?: readonly Family[]
  readonly options: readonly OptionSpec[]
  /**
   * Validate and canonicalise: return the options in iptables-save order and spelling.
   * Must throw (through `ctx.fail`) on anything iptables would reject.
   */
  canonicalize(raw: readonly RawOption[], ctx: CanonContext): readonly XtOption[]
  /**
   * Optional shortcut for the iptables-save fast path, when the extension was given exactly one
   * option, not negated, with one value: `canonical` is the option's first spelling. It must
   * return what {@link canonicalize} returns for that option, or undefined to have
   * `canonicalize` called (it may fail through `ctx.fail` too; the fast path then hands the line
   * to the general reader, which reports the error). For extensions written once per rule with
   * a value of their own (comments, DNAT addresses), where building RawOptions is a cost.
   */
  canonicalizeValue?(
    canonical: string,
    value: string,
    ctx: CanonContext,
  ): readonly XtOption[] | undefined
}

/** Build a canonical option. */
export function opt(
  name: string,
  values: readonly string[] = [],
  negated = false,
  quote = false,
): XtOption {
  return quote ? { name, negated, values, quote } : { name, negated, values }
}
