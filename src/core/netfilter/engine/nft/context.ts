/**
 * @module core/netfilter/engine/nft/context
 * What compiling one rule needs to know: where the rule is (family, table, chain, position), the
 * table's named sets and chains, and how to fail loudly naming the rule.
 */
import { KpathError, type SourceLocation } from '../../../errors.js'
import type { NftFamily } from '../../nft/model.js'
import type { CompiledSet } from './sets.js'

export class RuleContext {
  private seq = 0

  constructor(
    readonly family: NftFamily,
    readonly table: string,
    readonly chain: string,
    /** 1-based position of the rule in its chain. */
    readonly index: number,
    /** The rule's text as nft lists it. */
    readonly text: string,
    readonly location: SourceLocation | undefined,
    /** The table's named sets and maps by name. */
    readonly sets: ReadonlyMap<string, CompiledSet>,
    /** The table's chain names. */
    readonly chains: ReadonlySet<string>,
  ) {}

  /** `nft:ip kube-proxy services:2`: the key of counters and per-rule state. */
  get key(): string {
    return `nft:${this.family} ${this.table} ${this.chain}:${this.index}`
  }

  /** A fresh id for per-rule state (anonymous sets, numgen counters). */
  nextId(): string {
    return `${this.key}#${++this.seq}`
  }

  /** The rule, as error messages name it. */
  get where(): string {
    return `rule ${this.index} of chain ${this.family} ${this.table} ${this.chain} ("${this.text}")`
  }

  unsupported(what: string): KpathError {
    return new KpathError('KPATH_UNSUPPORTED', `${what} in ${this.where} is not modelled`, {
      ...(this.location ? { location: this.location } : {}),
      hint: 'kpath refuses to guess what this rule does; see docs/FIDELITY.md for what is modelled',
    })
  }

  set(name: string): CompiledSet {
    const s = this.sets.get(name)
    if (!s) {
      throw new KpathError(
        'KPATH_INVALID_ARGUMENT',
        `set @${name} does not exist (${this.where})`,
        {
          ...(this.location ? { location: this.location } : {}),
          hint: `declare it in table ${this.family} ${this.table}`,
        },
      )
    }
    return s
  }

  chainTarget(name: string): string {
    if (!this.chains.has(name)) {
      throw new KpathError('KPATH_UNKNOWN_CHAIN', `chain ${name} does not exist (${this.where})`, {
        ...(this.location ? { location: this.location } : {}),
        hint: `jump and goto reach chains of table ${this.family} ${this.table} only`,
      })
    }
    return name
  }
}
