/**
 * @module core/explain/types
 * What `kpath explain` finds: for a trace that fails (the packet or its reply does not arrive,
 * or the server does not see the client's address when that was asked for), the first point
 * where the walk leaves the path a working cluster takes, the cause in Kubernetes terms, and
 * candidate fixes, each verified by tracing again with the fix applied as what-if edits.
 */
import type { ClusterTraceOptions, ClusterTraceReport } from '../app/cluster-trace.js'
import type { ClusterBranch, Hop, Outcome } from '../walk/index.js'
import type { WhatIfEdit } from '../whatif/index.js'

/** The causes kpath recognises, one detector each (detectors/). */
export type CauseId =
  | 'asymmetric-return'
  | 'rp-filter'
  | 'ip-forward-off'
  | 'missing-route'
  | 'selector-matches-no-pods'
  | 'service-no-endpoints'
  | 'etp-local-no-endpoint'
  | 'hairpin-off'
  | 'localhost-nodeport-route-localnet'
  | 'mtu-encapsulation'
  | 'proxy-arp-gateway'
  | 'ipvs-bridged'
  | 'ipvs-reply-bypassed'
  | 'source-ip-masqueraded'
  | 'conntrack-invalid'
  | 'unexplained'

export interface ExplainOptions extends ClusterTraceOptions {
  /** The server must see the client's own address (no SNAT on the way). */
  readonly keepSource?: boolean
}

/** Which part of a branch went wrong (`segment`: one of the segments after the handshake). */
export type FailureKind = 'request' | 'reply' | 'segment' | 'source'

export interface Failure {
  readonly kind: FailureKind
  /** Index of the branch in the trace (0-based). */
  readonly branch: number
  readonly hops: readonly Hop[]
  readonly outcome: Outcome
  /** For a `segment` failure: its index in the branch's `segments`. */
  readonly segment?: number
}

export interface ExplainContext {
  readonly report: ClusterTraceReport
  readonly options: ExplainOptions
  readonly failure: Failure
  readonly b: ClusterBranch
}

/** A candidate fix: edits that a user could make on the real cluster. */
export interface FixCandidate {
  /** What the fix does, in words (`loose reverse-path filtering on node slave2`). */
  readonly title: string
  readonly edits: readonly WhatIfEdit[]
}

export interface VerifiedFix extends FixCandidate {
  /** The trace with the fix applied delivers the packet and its reply (and keeps the source). */
  readonly works: boolean
  /** How the trace with the fix ended, in one sentence. */
  readonly result: string
}

/** Where the cause shows in the trace. */
export interface Evidence {
  readonly branch: number
  readonly walk: 'request' | 'reply' | 'segment'
  /** Index of the hop in that walk. */
  readonly hop: number
  readonly netns: string
  /** The trace line that shows it (a drop, a rule, a route). */
  readonly line: string
}

export interface Finding<F = FixCandidate> {
  readonly cause: CauseId
  /** The cause in one sentence, naming the object, node, rule or sysctl. */
  readonly sentence: string
  readonly evidence: Evidence
  readonly fixes: readonly F[]
}

/** A detector recognises one cause, or returns undefined. */
export type Detector = (ctx: ExplainContext) => Finding | undefined

export interface ExplainReport {
  readonly trace: ClusterTraceReport
  /** Delivered, answered (and the source kept when asked). */
  readonly ok: boolean
  readonly findings: readonly Finding<VerifiedFix>[]
  /** Branches that failed, of all branches. */
  readonly failed: number
}
