/**
 * @module core/kube/proxy/iptables/payload
 * The `iptables-restore --noflush --counters` input kube-proxy writes on each sync: per table a
 * list of `:CHAIN - [0:0]` lines (each flushes or creates its chain) and a list of rules, the
 * way kube-proxy's LineBuffers hold them. Arguments are kept as kube-proxy writes them, with
 * the double quotes it puts around multi-word comments.
 */

export interface RestoreRule {
  readonly chain: string
  readonly args: readonly string[]
}

export interface RestoreTable {
  readonly chains: string[]
  readonly rules: RestoreRule[]
  /** The same names as `chains`, for a constant-time "declared yet?". */
  readonly declared: Set<string>
}

export interface RestorePayload {
  readonly filter: RestoreTable
  readonly nat: RestoreTable
}

export function emptyPayload(): RestorePayload {
  const table = (): RestoreTable => ({ chains: [], rules: [], declared: new Set() })
  return { filter: table(), nat: table() }
}

/** Append one rule; `parts` are words or word lists, flattened like kube-proxy's `Write`. */
export function addRule(
  t: RestoreTable,
  chain: string,
  ...parts: (string | readonly string[])[]
): void {
  t.rules.push({ chain, args: parts.flat() })
}

/** Declare a chain once (`MakeChainLine`). */
export function addChain(t: RestoreTable, chain: string): void {
  if (t.declared.has(chain)) return
  t.declared.add(chain)
  t.chains.push(chain)
}

/** A comment argument as kube-proxy writes it: quoted, because it holds spaces. */
export function quoted(text: string): string {
  return `"${text}"`
}

export function ruleLine(r: RestoreRule): string {
  return ['-A', r.chain, ...r.args].join(' ')
}

function tableText(name: string, t: RestoreTable): string[] {
  return [`*${name}`, ...t.chains.map((c) => `:${c} - [0:0]`), ...t.rules.map(ruleLine), 'COMMIT']
}

/** The payload in the order kube-proxy emits it. */
export function emittedText(p: RestorePayload): string {
  return `${[...tableText('filter', p.filter), ...tableText('nat', p.nat)].join('\n')}\n`
}
