/**
 * @module core/kube/proxy/iptables/payload
 * The `iptables-restore --noflush --counters` input kube-proxy writes on each sync: per table a
 * list of `:CHAIN - [0:0]` lines (each flushes or creates its chain) and a list of rules, the
 * way kube-proxy's LineBuffers hold them. Arguments are kept as kube-proxy writes them, with
 * the double quotes it puts around multi-word comments.
 *
 * A rule is joined into its text line when it is added (kube-proxy's `LineBuffer.Write` does
 * the same): a large sync writes ~110,000 rules, and one string per rule is what both printers
 * need. Only the comment is kept apart, as the unit tests' sort key.
 */

export interface RestoreRule {
  readonly chain: string
  /** The whole line, `-A CHAIN arg…`, as kube-proxy writes it. */
  readonly line: string
  /** The word after `--comment`, as written (with its quotes); `''` without a comment. */
  readonly comment: string
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

function emptyTable(): RestoreTable {
  return { chains: [], rules: [], declared: new Set() }
}

export function emptyPayload(): RestorePayload {
  return { filter: emptyTable(), nat: emptyTable() }
}

/** The words of the rule being added; reused, so that a rule allocates only its line. */
const WORDS: string[] = []

/**
 * Append one rule; `parts` are words or word lists, joined with spaces like kube-proxy's
 * `Write`. One `join` gives a flat string (piecewise `+=` would leave a rope of small strings
 * per rule for the collector and for every later read).
 */
export function addRule(
  t: RestoreTable,
  chain: string,
  ...parts: (string | readonly string[])[]
): void {
  WORDS.length = 0
  WORDS.push('-A', chain)
  for (const part of parts) {
    if (typeof part === 'string') WORDS.push(part)
    else for (const word of part) WORDS.push(word)
  }
  // The comment is the word after the first `--comment` (the tests' dump parser reads it so).
  const at = WORDS.indexOf('--comment', 2)
  const comment = at < 0 ? '' : (WORDS[at + 1] ?? '')
  t.rules.push({ chain, line: WORDS.join(' '), comment })
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

/** Append one table's lines (`*name`, its chain lines, its rules, `COMMIT`) in emission order. */
export function pushTable(out: string[], name: string, t: RestoreTable): void {
  out.push(`*${name}`)
  for (const c of t.chains) out.push(`:${c} - [0:0]`)
  for (const r of t.rules) out.push(r.line)
  out.push('COMMIT')
}

/** The payload in the order kube-proxy emits it. */
export function emittedText(p: RestorePayload): string {
  const out: string[] = []
  pushTable(out, 'filter', p.filter)
  pushTable(out, 'nat', p.nat)
  out.push('')
  return out.join('\n')
}
