/**
 * @module core/dump/diff-text
 * The text view of `kpath diff`: per node, the differences grouped by Service, chain, ipset,
 * routes and sysctls, like a unified diff (`-` rendered but missing on the node, `+` on the
 * node only, `~` both but unequal), then what was compared and the notes.
 */
import type { Drift, DriftReport } from './diff-types.js'

const SIGN = { missing: '-', extra: '+', differs: '~' } as const

function line(d: Drift): string[] {
  // A whole nftables table is reported as a chain-level drift, named `table FAMILY NAME`.
  const what = d.kind === 'chain' && !d.text.startsWith('table ') ? `chain ${d.text}` : d.text
  if (d.change !== 'differs') return [`  ${SIGN[d.change]} [${d.where}] ${what}`]
  const label = d.kind === 'endpoints' ? 'endpoints' : ''
  return [
    `  - [${d.where}] ${label}${label ? ' ' : ''}${d.text}`,
    `  + [${d.where}] ${label}${label ? ' ' : ''}${d.real ?? ''}`,
  ]
}

export function driftText(reports: readonly DriftReport[]): string {
  const out: string[] = []
  for (const r of reports) {
    const n = r.drifts.length
    out.push(
      `node ${r.node}: ${n === 0 ? 'no drift' : `${n} difference${n === 1 ? '' : 's'}`} (compared: ${r.compared.join(', ') || 'nothing'})`,
    )
    const groups = new Map<string, Drift[]>()
    for (const d of r.drifts) groups.set(d.group, [...(groups.get(d.group) ?? []), d])
    for (const [group, drifts] of groups) {
      out.push(group)
      for (const d of drifts) out.push(...line(d))
    }
    for (const note of r.notes) out.push(`note: ${note}`)
    out.push('')
  }
  out.push('- rendered from the objects but not on the node; + on the node only')
  return `${out.join('\n')}\n`
}

/** Any drift in any report. */
export function hasDrift(reports: readonly DriftReport[]): boolean {
  return reports.some((r) => r.drifts.length > 0)
}
