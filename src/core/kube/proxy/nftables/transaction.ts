/**
 * @module core/kube/proxy/nftables/transaction
 * The table as an `nft -f` script in knftables' syntax, as kube-proxy's full sync would send it
 * to an empty table: the table, sets and maps, every chain, then rules, then elements (a
 * verdict map element may only name a chain that exists). Not kube-proxy's byte-exact
 * transaction (which also flushes and deletes, in Go map order), but one that builds the same
 * table: loading it into nft and listing gives {@link listTable}'s output.
 */
import type { NftChain, NftSet, NftTable } from './model.js'

function setLine(prefix: string, s: NftSet): string {
  const type =
    s.kind === 'map' ? `${s.key.join(' . ')} : ${s.value ?? 'verdict'}` : s.key.join(' . ')
  const parts = [`type ${type}`]
  if (s.flags && s.flags.length > 0) parts.push(`flags ${s.flags.join(',')}`)
  if (s.timeoutSeconds !== undefined) parts.push(`timeout ${s.timeoutSeconds}s`)
  if (s.comment !== undefined) parts.push(`comment ${JSON.stringify(s.comment)}`)
  return `add ${s.kind} ${prefix} ${s.name} { ${parts.join(' ; ')} ; }`
}

function chainLine(prefix: string, c: NftChain): string {
  const parts: string[] = []
  if (c.base) parts.push(`type ${c.base.type} hook ${c.base.hook} priority ${c.base.priority}`)
  if (c.comment !== undefined) parts.push(`comment ${JSON.stringify(c.comment)}`)
  return parts.length === 0
    ? `add chain ${prefix} ${c.name}`
    : `add chain ${prefix} ${c.name} { ${parts.join(' ; ')} ; }`
}

export function transactionText(t: NftTable): string {
  const prefix = `${t.family} ${t.name}`
  const lines = [`add table ${prefix} { comment ${JSON.stringify(t.comment)} ; }`]
  for (const s of t.sets) lines.push(setLine(prefix, s))
  for (const c of t.chains) lines.push(chainLine(prefix, c))
  for (const c of t.chains)
    for (const r of c.rules) lines.push(`add rule ${prefix} ${c.name} ${r.tx}`)
  for (const s of t.sets) {
    for (const e of s.elements) {
      const comment = e.comment === undefined ? '' : ` comment ${JSON.stringify(e.comment)}`
      const value = e.value === undefined ? '' : ` : ${e.value}`
      lines.push(`add element ${prefix} ${s.name} { ${e.key.join(' . ')}${comment}${value} }`)
    }
  }
  return `${lines.join('\n')}\n`
}
