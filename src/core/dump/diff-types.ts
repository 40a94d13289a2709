/**
 * @module core/dump/diff-types
 * One difference between a node's real state (its dump) and what kpath renders for it from
 * the Kubernetes objects, as `kpath diff` reports it (text and `--json`).
 */

/** `set`: an nftables set or map (kube-proxy's nftables mode). */
export type DriftKind = 'rule' | 'chain' | 'endpoints' | 'route' | 'ipset' | 'set' | 'sysctl'

export interface Drift {
  readonly kind: DriftKind
  /** missing: rendered but not on the node; extra: on the node only; differs: both, unequal. */
  readonly change: 'missing' | 'extra' | 'differs'
  /** What it belongs to: `service NS/NAME`, `chain NAME`, `set NAME`, `routes`, `ipset NAME`, `sysctls`. */
  readonly group: string
  /** Where: `ipv4 nat`, `table main`, … */
  readonly where: string
  /** The expected item (or, for `extra`, the node's). */
  readonly text: string
  /** For `differs`: what the node has. */
  readonly real?: string
}

export interface DriftReport {
  readonly node: string
  /** What was compared (files absent from the dump are not). */
  readonly compared: readonly string[]
  readonly drifts: readonly Drift[]
  readonly notes: readonly string[]
}
