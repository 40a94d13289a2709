/**
 * @module core/kube/proxy/nftables/model
 * The `kube-proxy` nftables table as plain data, the way knftables describes objects: sets and
 * maps with their elements, chains with their rules. Each rule keeps two spellings: what
 * kube-proxy writes into its transaction (`tx`), and what `nft list` (nft 1.0.6) prints back
 * after the kernel round trip (`listed`): `mark set mark or 0x4000` becomes
 * `meta mark set meta mark | 0x00004000`, a one-element anonymous set loses its braces, and
 * so on (kube-proxy-spec.md §3.3).
 */

export type NftFamily = 'ip' | 'ip6'

/** The datatypes kube-proxy's sets and maps are keyed by. */
export type KeyType = 'ipv4_addr' | 'ipv6_addr' | 'inet_proto' | 'inet_service'

export interface NftElement {
  /** One text per key component (`172.30.0.41`, `tcp`, `80`). */
  readonly key: readonly string[]
  /** A map element's verdict (`goto service-…`, `drop`). */
  readonly value?: string
  readonly comment?: string
}

export interface NftSet {
  readonly kind: 'set' | 'map'
  readonly name: string
  /** Key components; more than one is a concatenation. */
  readonly key: readonly KeyType[]
  /** Maps only: kube-proxy's maps all map to verdicts. */
  readonly value?: 'verdict'
  readonly comment?: string
  readonly flags?: readonly string[]
  readonly timeoutSeconds?: number
  /** A rule `update`s the set from the packet path: the kernel gives it a size (65535). */
  readonly updated?: boolean
  readonly elements: NftElement[]
}

export interface NftRule {
  /** As kube-proxy writes it (after `add rule ip kube-proxy CHAIN `). */
  readonly tx: string
  /** As `nft list table` prints it. */
  readonly listed: string
}

export type Hook = 'prerouting' | 'input' | 'forward' | 'output' | 'postrouting'

export interface BaseChain {
  readonly type: 'filter' | 'nat'
  readonly hook: Hook
  readonly priority: number
}

export interface NftChain {
  readonly name: string
  readonly base?: BaseChain
  readonly comment?: string
  readonly rules: NftRule[]
}

export interface NftTable {
  readonly family: NftFamily
  readonly name: string
  readonly comment: string
  /** Sets and maps, in creation order (which `nft list` keeps). */
  readonly sets: NftSet[]
  /** Chains, in creation order. */
  readonly chains: NftChain[]
}

/** A rule written and listed alike. */
export function same(text: string): NftRule {
  return { tx: text, listed: text }
}
