/**
 * @module bench/report
 * How a run is shown: a fixed-width table on the console, and a dated Markdown section appended
 * to BENCHMARKS.md (`## <YYYY-MM-DD> nproc <n>, node <version>`) with each figure, the reference
 * measured in the same run and the ratio against the target.
 */
import type { BenchResult, Target, Verdict } from './case.js'
import type { KubeDump } from './gen-kube-dump.js'
import type { RestoreSkipped, RestoreTiming } from './restore-timing.js'
import { formatMiB, formatMs } from './stats.js'

export type Outcome =
  | {
      readonly kind: 'done'
      readonly name: string
      readonly target: Target
      readonly result: BenchResult
      readonly verdict: Verdict
    }
  | {
      readonly kind: 'not available' | 'error'
      readonly name: string
      readonly reason: string
      readonly target?: Target
    }

export interface Machine {
  readonly date: string
  readonly nproc: number
  readonly node: string
  readonly cpu: string
  readonly kernel: string
  readonly commit: string
}

export interface RunSummary {
  readonly machine: Machine
  readonly dump: KubeDump
  readonly generateMs: number
  readonly restore: RestoreTiming | RestoreSkipped | undefined
  readonly outcomes: readonly Outcome[]
}

const HEADERS = ['benchmark', 'value', 'reference', 'ratio', 'target', 'verdict'] as const

function formatValue(value: number, unit: string): string {
  return unit === 'ms' ? formatMs(value) : `${value.toPrecision(4)} ${unit}`
}

function row(o: Outcome): string[] {
  if (o.kind !== 'done') {
    return [
      o.name,
      '—',
      '—',
      '—',
      o.target?.description ?? '—',
      `${o.kind.toUpperCase()}: ${o.reason}`,
    ]
  }
  const r = o.result
  const ref = r.reference
    ? `${formatValue(r.reference.value, r.reference.unit)} (${r.reference.label})`
    : '—'
  const ratio = r.ratio === undefined ? '—' : r.ratio.toFixed(2)
  return [o.name, formatValue(r.value, r.unit), ref, ratio, o.target.description, o.verdict]
}

/** The console table. */
export function consoleTable(outcomes: readonly Outcome[]): string {
  const rows = [HEADERS.slice(), ...outcomes.map(row)]
  const widths = HEADERS.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)))
  return rows
    .map((r) =>
      r
        .map((cell, i) => cell.padEnd(widths[i] ?? 0))
        .join('  ')
        .trimEnd(),
    )
    .join('\n')
}

/** A line saying what the reference was, for the console and the record. */
export function restoreLine(restore: RunSummary['restore']): string {
  if (restore === undefined) return 'iptables-legacy-restore: not measured (no case asked for it)'
  if (restore.kind === 'skipped') return `iptables-legacy-restore: skipped (${restore.reason})`
  const runs = restore.testRunsMs.map((ms) => formatMs(ms)).join(', ')
  return `iptables-legacy-restore --test: median ${formatMs(restore.testMedianMs)} (runs ${runs}); real load once: ${formatMs(restore.loadMs)} (netns ${restore.netns})`
}

/** The Markdown section appended to BENCHMARKS.md. */
export function markdownSection(s: RunSummary): string {
  const m = s.machine
  const d = s.dump
  const lines = [
    `## ${m.date} nproc ${m.nproc}, node ${m.node}`,
    '',
    `- machine: ${m.cpu}, Linux ${m.kernel}; commit ${m.commit}`,
    `- dump: ${d.services.toLocaleString('en-US')} services × ${d.endpointsPerService} endpoints, ${d.lines.toLocaleString('en-US')} lines, ${formatMiB(d.text.length)} (generated in ${formatMs(s.generateMs)})`,
    `- reference: ${restoreLine(s.restore)}`,
    '',
    `| ${HEADERS.join(' | ')} |`,
    `|${HEADERS.map(() => '---').join('|')}|`,
    ...s.outcomes.map((o) => `| ${row(o).map(escapeCell).join(' | ')} |`),
  ]
  for (const o of s.outcomes) {
    if (o.kind !== 'done' || !o.result.details) continue
    const parts = Object.entries(o.result.details).map(([k, v]) => `${k}: ${v}`)
    lines.push('', `${o.name}: ${parts.join('; ')}`)
  }
  return `${lines.join('\n')}\n`
}

function escapeCell(cell: string): string {
  return cell.replace(/\|/g, '\\|')
}
