/**
 * @module core/netfilter/engine/nft/compiled
 * An nft ruleset compiled for walking: each statement becomes a function of the packet state
 * that continues, breaks (the rule does not match) or ends with a verdict; base chains are
 * listed per hook in the kernel's order. Compiled once, shared by every packet and branch.
 */
import type { Packet } from '../../../model/packet.js'
import type { NftBaseChain, NftFamily, NftRule } from '../../nft/model.js'
import type { PacketState } from '../state.js'
import type { Hook } from '../types.js'
import type { CompiledSet } from './sets.js'

/** How a rule's statements ended: a verdict, or nothing (the rule falls through). */
export type NftOutcome =
  | { readonly kind: 'accept' }
  | { readonly kind: 'drop' }
  | { readonly kind: 'reject'; readonly with: string; readonly response?: Packet }
  | { readonly kind: 'continue' }
  | { readonly kind: 'return' }
  | { readonly kind: 'jump'; readonly chain: string }
  | { readonly kind: 'goto'; readonly chain: string }

/** A statement's result: carry on with the next statement, break out of the rule, or a verdict. */
export type StmtResult = undefined | 'break' | NftOutcome

/** What a statement knows of the walk it runs in. */
export interface WalkCtx {
  /** The walk is a nat chain's, inside conntrack's NAT hook (nat statements may run). */
  readonly nat: boolean
}

export type CompiledStmt = (s: PacketState, w: WalkCtx) => StmtResult

export interface CompiledNftRule {
  /** `nft:<family> <table> <chain>:<n>`, the key of counters and numgen state. */
  readonly key: string
  /** 1-based position in the chain. */
  readonly index: number
  readonly handle: number | undefined
  /** The rule as `nft list` prints it (statements and comment), for traces. */
  readonly text: string
  readonly rule: NftRule
  readonly stmts: readonly CompiledStmt[]
}

export interface CompiledNftChain {
  readonly family: NftFamily
  readonly table: string
  readonly name: string
  /** `ip kube-proxy nat-prerouting`, as nft monitor trace names a chain. */
  readonly label: `${NftFamily} ${string}`
  readonly base: NftBaseChain | undefined
  readonly rules: readonly CompiledNftRule[]
  /** The table's chains by name, for jump and goto. */
  readonly siblings: ReadonlyMap<string, CompiledNftChain>
}

/** A base chain registered at an IP hook. */
export interface HookedChain {
  readonly chain: CompiledNftChain
  readonly base: NftBaseChain
  readonly hook: Hook
  /** Packet families the table sees: ip 4, ip6 6, inet both. */
  readonly families: ReadonlySet<4 | 6>
}

/** A base chain kpath cannot run (netdev/inet ingress and egress, bridge). */
export interface UnmodelledChain {
  readonly chain: CompiledNftChain
  readonly base: NftBaseChain
}

export interface CompiledNft {
  /** Base chains per hook, in the kernel's order (see hook.ts). */
  readonly hooks: ReadonlyMap<Hook, readonly HookedChain[]>
  readonly unmodelled: readonly UnmodelledChain[]
  /** Named sets by `family table name`. */
  readonly sets: ReadonlyMap<string, CompiledSet>
}
