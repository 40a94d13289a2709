/**
 * @module core/explain/explain
 * `explainBetween`: trace, find where each failing branch leaves the path a working cluster
 * takes (the request dropped, the reply not accepted, or the server seeing another source when
 * the client's was to be kept), ask the detectors for the cause, and verify every candidate fix
 * by tracing again with the fix applied as what-if edits.
 */

import { type ClusterTraceReport, traceBetween } from '../app/cluster-trace.js'
import { outcomeText } from '../app/cluster-trace-text.js'
import { isKpathError } from '../errors.js'
import type { ClusterBranch } from '../walk/index.js'
import { formatEdit } from '../whatif/index.js'
import { DETECTORS } from './detectors/index.js'
import { evidence, walkName, whoIs } from './facts.js'
import type {
  ExplainContext,
  ExplainOptions,
  ExplainReport,
  Failure,
  Finding,
  FixCandidate,
  VerifiedFix,
} from './types.js'

/** What went wrong on one branch, if anything. */
function failureOf(r: ClusterTraceReport, b: ClusterBranch, branch: number): Failure | undefined {
  if (b.outcome.kind !== 'delivered')
    return { kind: 'request', branch, hops: b.hops, outcome: b.outcome }
  if (b.reply !== undefined && b.reply.outcome.kind !== 'delivered')
    return { kind: 'reply', branch, hops: b.reply.hops, outcome: b.reply.outcome }
  const segment = (b.segments ?? []).findIndex((s) => s.outcome.kind !== 'delivered')
  const s = b.segments?.[segment]
  if (s !== undefined) return { kind: 'segment', branch, hops: s.hops, outcome: s.outcome, segment }
  if (b.outcome.serverSaw.src !== r.packet.src)
    return { kind: 'source', branch, hops: b.hops, outcome: b.outcome }
  return undefined
}

function failures(r: ClusterTraceReport): Failure[] {
  return r.trace.branches.flatMap((b, i) => failureOf(r, b, i) ?? [])
}

/** Delivered and answered on every branch, and (when asked, or for a source fix) the source kept. */
function success(r: ClusterTraceReport, keepSource: boolean): boolean {
  const fs = failures(r)
  return r.trace.branches.length > 0 && fs.every((f) => f.kind === 'source' && !keepSource)
}

function unexplained(ctx: ExplainContext): Finding {
  const o = ctx.failure.outcome
  const index = ctx.failure.hops.length - 1
  const what = `${walkName(ctx.report, ctx.failure)} is `
  return {
    cause: 'unexplained',
    sentence: `${what}${outcomeText(o, ctx.report)}; kpath has no explanation for this yet`,
    evidence: evidence(ctx, index, outcomeText(o, ctx.report)),
    fixes: [],
  }
}

function diagnose(r: ClusterTraceReport, o: ExplainOptions, f: Failure): Finding | undefined {
  const b = r.trace.branches[f.branch]
  if (b === undefined) return undefined
  const ctx: ExplainContext = { report: r, options: o, failure: f, b }
  for (const d of DETECTORS) {
    const found = d(ctx)
    if (found !== undefined) return found
  }
  return f.kind === 'source' ? undefined : unexplained(ctx)
}

/** How a trace ended, in one sentence. */
function summary(r: ClusterTraceReport, keepSource: boolean): string {
  const n = r.trace.branches.length
  const f = failures(r).find((x) => x.kind !== 'source' || keepSource)
  if (f === undefined)
    return `delivered and answered on ${n === 1 ? 'the only branch' : `all ${n} branches`}${keepSource ? `, the server seeing ${r.packet.src}` : ''}`
  const where = n === 1 ? '' : `branch ${f.branch + 1} of ${n}: `
  if (f.kind === 'source' && f.outcome.kind === 'delivered')
    return `${where}the server still sees ${f.outcome.serverSaw.src}`
  const what = f.kind === 'request' ? '' : `${walkName(r, f)} is `
  return `${where}${what}${outcomeText(f.outcome, r)}`
}

/**
 * A packet bigger than the sender's own device never leaves: the socket gets EMSGSIZE and
 * sends what fits (TCP's MSS, a PMTU-aware application). With `--size`, a fix that lowers the
 * sender's MTU is judged on a packet of that MTU.
 */
function senderMtu(r: ClusterTraceReport): number | undefined {
  const o = r.trace.branches[0]?.outcome
  if (o?.kind !== 'dropped' || o.netns !== r.netns) return undefined
  const m = /^fragmentation needed: \d+ bytes > mtu (\d+) of /.exec(o.reason)
  return m === null ? undefined : Number(m[1])
}

function verify(o: ExplainOptions, fix: FixCandidate, keepSource: boolean): VerifiedFix {
  try {
    const edits = [...(o.edits ?? []), ...fix.edits]
    const first = traceBetween({ ...o, edits })
    const fits = o.size === undefined ? undefined : senderMtu(first)
    const r = fits === undefined ? first : traceBetween({ ...o, edits, size: fits })
    const note =
      fits === undefined ? '' : `the sender's MTU is now ${fits}; a ${fits}-byte packet: `
    return { ...fix, works: success(r, keepSource), result: `${note}${summary(r, keepSource)}` }
  } catch (e) {
    if (!isKpathError(e)) throw e
    return { ...fix, works: false, result: `the edit cannot be made: ${e.message}` }
  }
}

/**
 * @example
 * const x = explainBetween({ inputs, from: 'node/slave1', to: 'svc/default/heapster' })
 * x.findings[0]?.sentence // 'rp_filter=1 on node slave2 drops packets from 10.39.0.17 arriving on flannel0, …'
 * x.findings[0]?.fixes.map((f) => f.works) // [false, true, true, true]
 * @throws KpathError for bad input (files, references, edits)
 */
export function explainBetween(o: ExplainOptions): ExplainReport {
  const r = traceBetween(o)
  const keep = o.keepSource === true
  const fs = failures(r)
  const seen = new Set<string>()
  const findings: Finding<VerifiedFix>[] = []
  const cache = new Map<string, VerifiedFix>()
  for (const f of fs) {
    const found = diagnose(r, o, f)
    if (found === undefined) continue
    // Without --keep-source a lost source is worth a word only when something would keep it.
    if (f.kind === 'source' && !keep && found.fixes.length === 0) continue
    // One finding per cause and sentence; a masquerade once per node that does it.
    const key = `${found.cause}\u0000${found.cause === 'source-ip-masqueraded' ? found.evidence.netns : found.sentence}`
    if (seen.has(key)) continue
    seen.add(key)
    const strict = keep || found.cause === 'source-ip-masqueraded'
    const fixes = found.fixes.map((fix) => {
      const key = `${strict}\u0000${fix.edits.map(formatEdit).join(' ')}`
      const v = cache.get(key) ?? verify(o, fix, strict)
      cache.set(key, v)
      return { ...v, title: fix.title }
    })
    findings.push({ ...found, fixes })
  }
  const failed = fs.filter((f) => f.kind !== 'source' || keep).length
  return { trace: r, ok: success(r, keep), findings, failed }
}

export { whoIs }
