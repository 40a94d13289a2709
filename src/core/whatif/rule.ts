/**
 * @module core/whatif/rule
 * `iptables [-t TABLE] COMMAND …` on one namespace's IPv4 ruleset, through the iptables-restore
 * reader (core/netfilter/iptables-save) with `--noflush`: the command becomes a one-line
 * payload applied to the namespace's ruleset, so `-A`, `-I [N]`, `-D` (by rule or number),
 * `-R`, `-N`, `-F`, `-P` all mean what iptables makes them mean, and every check iptables
 * makes (unknown options, DNAT outside nat, a jump to a missing chain) is made.
 */
import { KpathError } from '../errors.js'
import type { NetnsState } from '../model/netns.js'
import { parseIptablesSave } from '../netfilter/iptables-save/index.js'
import { TABLE_NAMES } from '../netfilter/rule.js'

/** `-t nat` (or `--table=nat`, `-tnat`) taken out, blanked so columns stay where they were. */
function takeTable(text: string): { table: string; rest: string } {
  const m = /(^|\s)(?:-t\s*|--table[=\s]\s*)(\S+)/.exec(text)
  if (m === null) return { table: 'filter', rest: text }
  const start = m.index + (m[1] ?? '').length
  const end = m.index + m[0].length
  return {
    table: m[2] ?? '',
    rest: `${text.slice(0, start)}${' '.repeat(end - start)}${text.slice(end)}`,
  }
}

/**
 * `iptables ARGS` in namespace `n` (the `iptables` word itself may be left out).
 *
 * @example
 * applyRule(node, '-t nat -I POSTROUTING 1 -s 10.39.0.0/24 -j MASQUERADE')
 * @throws KpathError located in `text` (line 1) for what iptables would refuse
 */
export function applyRule(n: NetnsState, text: string): NetnsState {
  const bare = text.replace(/^\s*iptables(-legacy|-nft)?(?=\s)/, (w) => ' '.repeat(w.length))
  const { table, rest } = takeTable(bare)
  if (!(TABLE_NAMES as readonly string[]).includes(table))
    throw new KpathError('KPATH_INVALID_ARGUMENT', `no table ${table}`, {
      location: { line: 1, column: Math.max(1, text.indexOf(table) + 1), text },
      hint: TABLE_NAMES.join(', '),
    })
  const payload = `*${table}\n${rest}\nCOMMIT\n`
  try {
    const ipv4 = parseIptablesSave(payload, {
      family: 4,
      noflush: true,
      ...(n.iptables.ipv4 === undefined ? {} : { base: n.iptables.ipv4 }),
    })
    return { ...n, iptables: { ...n.iptables, ipv4 } }
  } catch (e) {
    if (!(e instanceof KpathError)) throw e
    throw new KpathError(e.code, `${n.name}: ${e.message}`, {
      location: { line: 1, column: e.location?.column ?? 1, text },
      ...(e.hint === undefined ? {} : { hint: e.hint }),
      cause: e,
    })
  }
}
