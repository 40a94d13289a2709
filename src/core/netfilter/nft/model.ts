/**
 * @module core/netfilter/nft/model
 * The nftables ruleset of one network namespace as `nft list ruleset` (nft 1.0.6) shows it:
 * tables, chains, rules, named sets and maps. Plain data, like knftables' types: the parser
 * produces it, the printer renders it back byte for byte, the engine compiles it.
 *
 * Literal values keep the text nft printed (`0x00004000`, `10.0.0.0/8`, `tcp`): nft's listing
 * is already canonical, so keeping the text makes a round trip exact, and the engine gives each
 * literal its meaning from the type of the expression it is compared with, as nft does.
 */
import type { SourceLocation } from '../../errors.js'

/** Address families of nft tables (`nft list tables`). */
export type NftFamily = 'ip' | 'ip6' | 'inet' | 'arp' | 'bridge' | 'netdev'

export const NFT_FAMILIES: readonly NftFamily[] = ['ip', 'ip6', 'inet', 'arp', 'bridge', 'netdev']

/** Hooks a base chain attaches to. `ingress`/`egress` exist for netdev (and inet ingress). */
export type NftHook =
  | 'prerouting'
  | 'input'
  | 'forward'
  | 'output'
  | 'postrouting'
  | 'ingress'
  | 'egress'

export const NFT_HOOKS: readonly NftHook[] = [
  'prerouting',
  'input',
  'forward',
  'output',
  'postrouting',
  'ingress',
  'egress',
]

export type NftChainType = 'filter' | 'nat' | 'route'

export interface NftRuleset {
  /** Tables in listing order (creation order). */
  readonly tables: readonly NftTable[]
}

export interface NftTable {
  readonly family: NftFamily
  readonly name: string
  /** `# handle N`, printed by `nft -a`. */
  readonly handle?: number
  /** `flags dormant` (as listed, comma-joined in the text). */
  readonly flags?: readonly string[]
  readonly comment?: string
  /** Named sets and maps, in listing order. nft lists them before the chains. */
  readonly sets: readonly NftSet[]
  /** Chains in listing order (creation order). */
  readonly chains: readonly NftChain[]
}

/** The `type … hook … priority …; policy …;` line of a base chain. */
export interface NftBaseChain {
  readonly type: NftChainType
  readonly hook: NftHook
  /** `device "eth0"` (netdev and inet ingress chains). */
  readonly device?: string
  /** The numeric priority; the printer turns it back into `dstnat - 10`, `filter`, … */
  readonly priority: number
  readonly policy: 'accept' | 'drop'
}

export interface NftChain {
  readonly name: string
  readonly handle?: number
  readonly comment?: string
  /** Absent for a regular chain, reached only by jump/goto. */
  readonly base?: NftBaseChain
  readonly rules: readonly NftRule[]
}

export interface NftRule {
  readonly stmts: readonly NftStmt[]
  readonly comment?: string
  readonly handle?: number
  /** Where the rule was read from, for errors and traces. */
  readonly location?: SourceLocation
}

/** A set's or map's key (and a map's data) declaration: `type a . b` or `typeof expr`. */
export type NftSetKey =
  | { readonly kind: 'type'; readonly types: readonly string[] }
  | { readonly kind: 'typeof'; readonly expr: NftExpr }

export interface NftSet {
  readonly kind: 'set' | 'map'
  readonly name: string
  readonly handle?: number
  readonly key: NftSetKey
  /** The data type of a map (`: verdict`, `: ipv4_addr . inet_service`, `: meta mark`). */
  readonly data?: NftSetKey
  /** `policy memory` (nft does not print the default, performance). */
  readonly policy?: string
  readonly size?: number
  /** As listed: nft omits a lone `timeout` flag when the set has a default timeout. */
  readonly flags?: readonly string[]
  /** `counter`: every element carries packet and byte counters. */
  readonly counter?: boolean
  readonly autoMerge?: boolean
  /** Default element timeout, as nft prints durations (`3h`, `1m30s`). */
  readonly timeout?: string
  readonly gcInterval?: string
  readonly comment?: string
  /** Absent when nft prints no `elements = { … }` line (an empty set). */
  readonly elements?: readonly NftElement[]
}

/** One element of a set, map or anonymous set. */
export interface NftElement {
  /** A value, a range, a prefix, or a concatenation of them. */
  readonly key: NftExpr
  readonly counter?: { readonly packets: bigint; readonly bytes: bigint }
  readonly timeout?: string
  /** Time left before the element expires, when it was listed. */
  readonly expires?: string
  readonly comment?: string
  /** A map element's data: a verdict or a value. */
  readonly data?: NftExpr
}

export type NftBinop = '&' | '|' | '^' | '<<' | '>>'

export type NftVerdictName = 'accept' | 'drop' | 'continue' | 'return' | 'jump' | 'goto'

export interface NftVerdict {
  readonly kind: 'verdict'
  readonly verdict: NftVerdictName
  /** The target of jump and goto. */
  readonly chain?: string
}

export type NftExpr =
  /** `ip saddr`, `tcp dport`, `th dport`: a header field. */
  | { readonly kind: 'payload'; readonly proto: string; readonly field: string }
  /** `meta mark`; `iifname` and a few more print without `meta` (unqualified). */
  | { readonly kind: 'meta'; readonly key: string; readonly qualified: boolean }
  /** `ct state`, `ct original ip saddr`. */
  | {
      readonly kind: 'ct'
      readonly key: string
      readonly dir?: 'original' | 'reply'
      readonly family?: 'ip' | 'ip6'
    }
  /** `fib saddr . iif type`. */
  | { readonly kind: 'fib'; readonly flags: readonly string[]; readonly result: string }
  /** `numgen random mod 2 offset 1`. */
  | {
      readonly kind: 'numgen'
      readonly mode: 'random' | 'inc'
      readonly mod: number
      readonly offset?: number
    }
  | {
      readonly kind: 'binop'
      readonly op: NftBinop
      readonly left: NftExpr
      readonly right: NftExpr
    }
  /** `a . b . c`. */
  | { readonly kind: 'concat'; readonly items: readonly NftExpr[] }
  /** A literal as printed; `quoted` for strings (`"eth0"`). */
  | { readonly kind: 'value'; readonly text: string; readonly quoted?: boolean }
  /** `syn / fin,syn,rst,ack`: (value & mask) == value, nft 1.0.6's form for flag tests. */
  | { readonly kind: 'flagmask'; readonly value: NftExpr; readonly mask: NftExpr }
  /** An anonymous set `{ a, b }` (or anonymous map/vmap when elements carry data). */
  | { readonly kind: 'set'; readonly elements: readonly NftElement[] }
  /** `@name`: a named set or map. */
  | { readonly kind: 'ref'; readonly name: string }
  /** `key map @m` / `key map { … }`: a map lookup giving a value. */
  | { readonly kind: 'map'; readonly key: NftExpr; readonly map: NftExpr }
  | NftVerdict

export type NftRelOp = 'implicit' | '==' | '!=' | '<' | '>' | '<=' | '>='

export type NftNatType = 'dnat' | 'snat' | 'masquerade' | 'redirect'

export type NftStmt =
  /** `left [op] right`: a match. `implicit` is nft's operator-less form. */
  | {
      readonly kind: 'match'
      readonly left: NftExpr
      readonly op: NftRelOp
      readonly right: NftExpr
    }
  | NftVerdict
  /** `counter packets N bytes M` (the listing always shows both). */
  | { readonly kind: 'counter'; readonly packets?: bigint; readonly bytes?: bigint }
  /** `log prefix "x" level debug …`, options in printed order. */
  | { readonly kind: 'log'; readonly options: readonly NftLogOption[] }
  /** `meta mark set …`, `ct mark set …`, `meta nftrace set 1`. */
  | { readonly kind: 'assign'; readonly target: NftExpr; readonly value: NftExpr }
  /** `key vmap { … }` / `key vmap @m`. */
  | { readonly kind: 'vmap'; readonly key: NftExpr; readonly map: NftExpr }
  | {
      readonly kind: 'nat'
      readonly type: NftNatType
      /** `dnat ip to …` in an inet table. */
      readonly family?: 'ip' | 'ip6'
      readonly to?: NftExpr
      /** `random`, `fully-random`, `persistent`, printed comma-joined. */
      readonly flags?: readonly string[]
    }
  /** `reject`, `reject with tcp reset`, `reject with icmp host-unreachable`. */
  | {
      readonly kind: 'reject'
      readonly with?: { readonly type: 'icmp' | 'icmpv6' | 'icmpx' | 'tcp'; readonly code: string }
    }
  | { readonly kind: 'notrack' }
  /** `add @s { ip saddr timeout 3h }`, `update @s { … }`, `delete @s { … }`. */
  | {
      readonly kind: 'dynset'
      readonly op: 'add' | 'update' | 'delete'
      readonly set: string
      readonly element: NftElement
    }
  /**
   * A statement nft accepts but kpath does not model (`limit rate 10/second`, `queue`, …),
   * kept as text so that it prints back; the engine refuses to run past it.
   */
  | { readonly kind: 'raw'; readonly text: string }

export interface NftLogOption {
  readonly name: string
  readonly value: string
  readonly quoted?: boolean
}

/** Find a table by family and name. */
export function findNftTable(
  rs: NftRuleset,
  family: NftFamily,
  name: string,
): NftTable | undefined {
  return rs.tables.find((t) => t.family === family && t.name === name)
}

export function findNftChain(t: NftTable, name: string): NftChain | undefined {
  return t.chains.find((c) => c.name === name)
}

export function findNftSet(t: NftTable, name: string): NftSet | undefined {
  return t.sets.find((s) => s.name === name)
}
