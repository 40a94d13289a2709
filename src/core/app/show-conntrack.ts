/**
 * @module core/app/show-conntrack
 * `kpath show FILE... (--node NAME | --pod REF) conntrack --from REF --to REF`: the conntrack
 * table a trace leaves in one namespace, printed as `conntrack -L` prints it (core/conntrack
 * list-print). The trace is `kpath trace`'s (same references, port and protocol); the table is
 * the one of branch `--branch N` (default 1) after its request and its reply. A namespace the
 * branch never crossed lists what the model held before the trace.
 */
import { printConntrackList, printConntrackSummary } from '../conntrack/index.js'
import { KpathError } from '../errors.js'
import { type ClusterTraceOptions, traceBetween } from './cluster-trace.js'
import { pick, type ShowOptions, type ShowResult, toJson } from './show.js'

export interface ConntrackAfterTraceOptions
  extends Pick<ShowOptions, 'inputs' | 'node' | 'pod'>,
    Pick<ClusterTraceOptions, 'from' | 'to' | 'port' | 'proto' | 'edits' | 'progress'> {
  /** Which branch's tables (1-based, default 1). */
  readonly branch?: number
}

export interface ConntrackAfterTrace extends ShowResult {
  /** The line `conntrack -L` writes on stderr after the listing. */
  readonly summary: string
}

/**
 * @example
 * showConntrackAfterTrace({ inputs, node: 'beta', from: 'node/alpha', to: 'svc/default/web' })
 * // text: 'tcp      6 119 SYN_RECV src=10.39.0.11 dst=10.96.0.10 sport=40000 dport=80 …\n'
 */
export function showConntrackAfterTrace(o: ConntrackAfterTraceOptions): ConntrackAfterTrace {
  const { branch: _b, node, pod, ...trace } = o
  const r = traceBetween({ ...trace, conntrack: true })
  const n = pick({ ...o, view: 'conntrack' }, r.cluster, r.state)
  const count = r.trace.branches.length
  const i = o.branch ?? 1
  const b = r.trace.branches[i - 1]
  if (b === undefined || !Number.isInteger(i))
    throw new KpathError('KPATH_INVALID_ARGUMENT', `the trace has no branch ${i}`, {
      hint: `it has ${count} branch${count === 1 ? '' : 'es'}: give --branch 1 to ${count}`,
    })
  const entries = b.conntrack?.[n.name] ?? n.conntrack
  const label = `branch ${i} of ${count} (probability ${b.probability.toFixed(6)})`
  const where = node ?? pod ?? n.name
  return {
    text: printConntrackList(entries),
    json: toJson(entries),
    summary: printConntrackSummary(entries.length),
    warnings: [
      ...r.warnings,
      ...(count > 1 ? [`conntrack of ${where} after ${label}; --branch picks another`] : []),
    ],
  }
}
