/**
 * @module core/app/iptables-restore
 * What `iptables-save` shows after `iptables-restore` of a ruleset into a fresh namespace.
 * The rules print as the parser canonicalised them; only the table order depends on the
 * backend. iptables-legacy lists /proc/net/ip_tables_names, where the kernel adds each table at
 * the head, so the table the restore created last prints first (seen with iptables 1.8.9:
 * restoring nat then filter prints filter then nat). iptables-nft-save prints its fixed order,
 * which the printer's `backend: 'nft'` applies.
 */
import type { Ruleset } from '../netfilter/rule.js'

export function afterRestore(rs: Ruleset, backend: 'legacy' | 'nft'): Ruleset {
  return backend === 'legacy' ? { ...rs, tables: [...rs.tables].reverse() } : rs
}
