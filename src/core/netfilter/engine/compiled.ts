/**
 * @module core/netfilter/engine/compiled
 * A ruleset compiled for walking: each rule's matches become one predicate and its target one
 * action, and long chains get a destination index (see dst-index.ts). Compiling happens once
 * per ruleset; the result is immutable and shared by every packet and branch.
 */
import type { Rule, TableName } from '../rule.js'
import type { DstIndex } from './dst-index.js'
import type { PacketState } from './state.js'
import type { Verdict } from './types.js'

/** What a target asks of the walk: carry on (XT_CONTINUE) or end the table with a verdict. */
export type TargetResult = { readonly kind: 'continue' } | Verdict

export type CompiledTarget =
  | { readonly kind: 'none' }
  | { readonly kind: 'verdict'; readonly verdict: 'ACCEPT' | 'DROP' | 'RETURN' }
  | { readonly kind: 'chain'; readonly chain: string; readonly goto: boolean }
  | { readonly kind: 'ext'; readonly name: string; readonly run: (s: PacketState) => TargetResult }

export interface CompiledRule {
  /** `table:chain:num`, the key of counters and per-rule state (nth, recent). */
  readonly key: string
  readonly table: TableName
  readonly chain: string
  /** 1-based position in the chain, as TRACE and `iptables -L --line-numbers` count. */
  readonly num: number
  readonly rule: Rule
  readonly test: (s: PacketState) => boolean
  readonly target: CompiledTarget
}

export interface CompiledChain {
  readonly name: string
  readonly policy: 'ACCEPT' | 'DROP' | undefined
  readonly rules: readonly CompiledRule[]
  readonly index: DstIndex | undefined
}

export interface CompiledTable {
  readonly name: TableName
  readonly chains: ReadonlyMap<string, CompiledChain>
}

export interface CompiledRuleset {
  readonly family: 4 | 6
  readonly tables: ReadonlyMap<TableName, CompiledTable>
}

/** A matcher compiled from one option group; built once, run per packet. */
export type Matcher = (s: PacketState) => boolean
