/**
 * @module core/cni/calico/felix/payload
 * One table's worth of felix state written as an iptables-restore payload, the way felix writes
 * it (felix/iptables/table.go `applyUpdates`): its own chains declared and filled, then its
 * jumps in the kernel chains: in insert mode (the default) `-I` at the top, written last to
 * first so that they end up in order; in append mode `-A`. Rules felix always appends (the
 * end of FORWARD) follow with `-A`.
 *
 * Chain declarations use `- [0:0]` where felix writes `- -`: both load the same (iptables-restore
 * accepts either), and kpath's parser reads the former.
 */
import { type FelixChain, type FelixRule, renderRule, ruleHashes } from './rule.js'

export interface FelixTable {
  readonly name: 'filter' | 'nat' | 'mangle' | 'raw'
  readonly chains: readonly FelixChain[]
  /** Jumps felix inserts (or appends, in append mode) into kernel chains. */
  readonly hooks: Readonly<Record<string, readonly FelixRule[]>>
  /** Rules felix always appends to kernel chains. */
  readonly appends?: Readonly<Record<string, readonly FelixRule[]>>
}

function chainLines(c: FelixChain): string[] {
  const hashes = ruleHashes(c.name, c.rules)
  return c.rules.map((r, i) => renderRule(`-A ${c.name}`, r, hashes[i] ?? ''))
}

function hookLines(
  chain: string,
  rules: readonly FelixRule[],
  mode: 'insert' | 'append',
): string[] {
  const hashes = ruleHashes(chain, rules)
  const lines = rules.map((r, i) =>
    renderRule(`${mode === 'insert' ? '-I' : '-A'} ${chain}`, r, hashes[i] ?? ''),
  )
  return mode === 'insert' ? lines.reverse() : lines
}

function appendLines(chain: string, rules: readonly FelixRule[]): string[] {
  const hashes = ruleHashes(`${chain}*appends*`, rules)
  return rules.map((r, i) => renderRule(`-A ${chain}`, r, hashes[i] ?? ''))
}

/** The payload of one table, from `*table` to `COMMIT`. */
export function tablePayload(t: FelixTable, mode: 'insert' | 'append'): string {
  const lines = [`*${t.name}`]
  for (const c of t.chains) lines.push(`:${c.name} - [0:0]`)
  for (const c of t.chains) lines.push(...chainLines(c))
  for (const [chain, rules] of Object.entries(t.hooks)) lines.push(...hookLines(chain, rules, mode))
  for (const [chain, rules] of Object.entries(t.appends ?? {})) {
    lines.push(...appendLines(chain, rules))
  }
  lines.push('COMMIT')
  return `${lines.join('\n')}\n`
}
