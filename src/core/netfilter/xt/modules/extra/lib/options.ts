/**
 * @module core/netfilter/xt/modules/extra/lib/options
 * A declarative option table in the manner of libxtables' `xt_option_entry`, and the generic
 * checks libxtables runs before an extension sees its options (`xtables_option_parse` and
 * `xtables_options_fcheck`, iptables 1.8.9):
 *
 * - an option may be given once, unless it is `multi` ("can only be used once");
 * - `!` is refused on options that are not `invert` ("cannot be inverted");
 * - `mand` options must be present ("must be specified");
 * - `also` names options that must come with it, `excl` options that must not.
 *
 * Aliases that share an option id in iptables (`--ttl` for `--ttl-eq`) are extra `names` of one
 * definition: libxtables looks the entry up by id, so the first entry's flags and name apply.
 */
import type { Arity, CanonContext, OptionSpec, RawOption } from '../../../types.js'

export interface OptDef {
  /** Spellings with their dashes; the first is canonical and is what iptables names in errors. */
  readonly names: readonly string[]
  /** Values after the option; default 1. */
  readonly arity?: Arity
  readonly invert?: boolean
  readonly multi?: boolean
  readonly mand?: boolean
  /** Canonical names of options that cannot be used together with this one. */
  readonly excl?: readonly string[]
  /** Canonical names of options this one requires. */
  readonly also?: readonly string[]
}

/** The options of one match or target, after the generic checks. */
export class Opts {
  constructor(
    /** Every option in command-line order. */
    readonly list: readonly RawOption[],
  ) {}

  has(name: string): boolean {
    return this.list.some((o) => o.canonical === name)
  }

  /** The (single) occurrence of an option. */
  get(name: string): RawOption | undefined {
    return this.list.find((o) => o.canonical === name)
  }

  /** The first value of an option. */
  value(name: string): string | undefined {
    return this.get(name)?.values[0]
  }
}

/** The option table of one extension: the parser's specs and the generic checks. */
export class OptTable {
  readonly specs: readonly OptionSpec[]
  private readonly byName = new Map<string, OptDef>()

  constructor(
    /** The extension name used in messages, e.g. `hashlimit` or `TCPMSS`. */
    readonly ext: string,
    readonly defs: readonly OptDef[],
  ) {
    this.specs = defs.map((d) => ({
      names: d.names,
      arity: d.arity ?? 1,
      negatable: d.invert === true,
    }))
    for (const d of defs) for (const n of d.names) this.byName.set(n, d)
  }

  private def(o: RawOption, ctx: CanonContext): OptDef {
    const d = this.byName.get(o.canonical) ?? this.byName.get(o.name)
    if (!d) return ctx.fail(`unknown option "${o.name}" for ${this.ext}`, o, this.hint())
    return d
  }

  /** The valid spellings, for hints. */
  hint(): string {
    return `${this.ext} takes ${this.defs.map((d) => d.names[0]).join(', ')}`
  }

  /** Run the generic checks and return the options keyed by canonical name. */
  read(raw: readonly RawOption[], ctx: CanonContext): Opts {
    const seen = new Set<string>()
    const list: RawOption[] = []
    for (const o of raw) {
      const d = this.def(o, ctx)
      const name = d.names[0] as string
      if (seen.has(name) && !d.multi) {
        ctx.fail(`${this.ext}: option "${name}" can only be used once`, o, 'give each option once')
      }
      if (o.negated && !d.invert) {
        ctx.fail(
          `${this.ext}: option "${name}" cannot be inverted`,
          o,
          `remove the "!" before ${o.name}`,
        )
      }
      seen.add(name)
      list.push(o.canonical === name ? o : { ...o, canonical: name })
    }
    this.finalCheck(seen, list, ctx)
    return new Opts(list)
  }

  private finalCheck(
    seen: ReadonlySet<string>,
    list: readonly RawOption[],
    ctx: CanonContext,
  ): void {
    const at = (n: string) => list.find((o) => o.canonical === n)
    for (const d of this.defs) {
      const name = d.names[0] as string
      if (d.mand && !seen.has(name)) {
        ctx.fail(`${this.ext}: option "${name}" must be specified`, undefined, `add ${name}`)
      }
      if (!seen.has(name)) continue
      for (const other of d.also ?? []) {
        if (!seen.has(other)) {
          ctx.fail(
            `${this.ext}: option "${name}" also requires "${other}"`,
            at(name),
            `add ${other}`,
          )
        }
      }
      for (const other of d.excl ?? []) {
        if (other !== name && seen.has(other)) {
          const hint = `use either ${name} or ${other}`
          ctx.fail(
            `${this.ext}: option "${name}" cannot be used together with "${other}"`,
            at(other),
            hint,
          )
        }
      }
    }
  }
}
