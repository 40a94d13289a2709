/**
 * @module core/explain/text
 * The text view of `kpath explain`: the trace in one line, then each cause found with the
 * trace line that shows it, and every candidate fix with ✓ (the trace with it applied is
 * delivered and answered) or ✗, the options that make it, and how that trace ended.
 */
import { tcpdumpLine } from '../app/cluster-trace-text.js'
import { type Palette, PLAIN } from '../app/trace-text.js'
import { formatEdit } from '../whatif/index.js'
import type { ExplainReport, Finding, VerifiedFix } from './types.js'

function fixLines(f: VerifiedFix, c: Palette): string[] {
  const mark = f.works ? c.green('✓') : c.red('✗')
  return [
    `  ${mark} ${f.title}`,
    ...f.edits.map((e) => `      ${c.dim(formatEdit(e))}`),
    `      => ${f.result}`,
  ]
}

function findingLines(x: ExplainReport, f: Finding<VerifiedFix>, c: Palette): string[] {
  const e = f.evidence
  const n = x.trace.trace.branches.length
  const where = `${n > 1 ? `branch ${e.branch + 1}, ` : ''}${e.walk} hop ${e.hop + 1} [${e.netns}]`
  return [
    '',
    `${c.bold('cause:')} ${f.sentence}`,
    `  ${c.dim(`evidence: ${where}: ${e.line}`)}`,
    f.fixes.length === 0
      ? '  no fix to propose'
      : 'fixes (each verified by tracing again with it applied):',
    ...f.fixes.flatMap((v) => fixLines(v, c)),
  ]
}

function verdict(x: ExplainReport): string {
  const n = x.trace.trace.branches.length
  if (x.ok) return `delivered and answered${n > 1 ? ` on all ${n} branches` : ''}`
  return `not working: ${x.failed} of ${n} branch${n === 1 ? '' : 'es'} fail${x.failed === 1 ? 's' : ''}`
}

/**
 * @example
 * explainText(explainBetween({ inputs, from: 'node/slave1', to: 'svc/default/heapster' }))
 */
export function explainText(x: ExplainReport, c: Palette = PLAIN): string {
  const r = x.trace
  const head = [
    c.bold(`explain ${r.from.label} -> ${r.to.label}, sent from ${r.netns}`),
    `  ${tcpdumpLine({ ...r.packet }, { ...(r.packet.tcpFlags ? { tcpFlags: r.packet.tcpFlags } : {}), ...(r.packet.icmpType === undefined ? {} : { icmpType: r.packet.icmpType }) })}`,
    x.ok ? c.green(verdict(x)) : c.red(verdict(x)),
  ]
  const body = x.findings.flatMap((f) => findingLines(x, f, c))
  return `${[...head, ...body].join('\n')}\n`
}
