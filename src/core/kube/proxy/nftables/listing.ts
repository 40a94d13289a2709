/**
 * @module core/kube/proxy/nftables/listing
 * `nft list table <family> kube-proxy` as nft 1.0.6 prints it: the table comment, every set
 * and map (creation order), then every chain (creation order), separated by blank lines.
 * Element lists are sorted as nft sorts them and wrapped as nft's `calculate_delim` does: two
 * IPv4 addresses per line, one element per line for any other key (IPv6, concatenations),
 * continuation lines indented by three tabs and five spaces.
 */
import { sortElements } from './element-order.js'
import type { BaseChain, NftChain, NftElement, NftSet, NftTable } from './model.js'

/** nft's `time_print`: `3h`, `1h1m40s`, `1d`. */
export function nftTime(seconds: number): string {
  const units: [number, string][] = [
    [86400, 'd'],
    [3600, 'h'],
    [60, 'm'],
    [1, 's'],
  ]
  let rest = seconds
  let out = ''
  for (const [size, unit] of units) {
    const n = Math.floor(rest / size)
    if (n > 0) out += `${n}${unit}`
    rest -= n * size
  }
  return out === '' ? '0s' : out
}

/** Standard priority names nft prints for the ip/ip6 families, with the hooks they apply to. */
const STD_PRIORITIES: readonly { name: string; value: number; hooks?: readonly string[] }[] = [
  { name: 'raw', value: -300 },
  { name: 'mangle', value: -150 },
  { name: 'dstnat', value: -100, hooks: ['prerouting'] },
  { name: 'filter', value: 0 },
  { name: 'security', value: 50 },
  { name: 'srcnat', value: 100, hooks: ['postrouting'] },
]

/** `dstnat - 10`, `filter`, `srcnat`; a bare number where no standard name is within 10. */
export function priorityText(b: BaseChain): string {
  for (const s of STD_PRIORITIES) {
    if (s.hooks && !s.hooks.includes(b.hook)) continue
    const off = b.priority - s.value
    if (off === 0) return s.name
    if (Math.abs(off) <= 10) return `${s.name} ${off < 0 ? '-' : '+'} ${Math.abs(off)}`
  }
  return String(b.priority)
}

function elementText(e: NftElement): string {
  const comment = e.comment === undefined ? '' : ` comment ${JSON.stringify(e.comment)}`
  const value = e.value === undefined ? '' : ` : ${e.value}`
  return `${e.key.join(' . ')}${comment}${value}`
}

function elementsText(s: NftSet): string {
  const sorted = sortElements(s.key, s.elements)
  const perLine = s.key.length === 1 && s.key[0] === 'ipv4_addr' ? 2 : 1
  let out = ''
  sorted.forEach((e, i) => {
    if (i > 0) out += i % perLine === 0 ? ',\n\t\t\t     ' : ', '
    out += elementText(e)
  })
  return `{ ${out} }`
}

function setBlock(s: NftSet): string[] {
  const type =
    s.kind === 'map' ? `${s.key.join(' . ')} : ${s.value ?? 'verdict'}` : s.key.join(' . ')
  const lines = [`\t${s.kind} ${s.name} {`, `\t\ttype ${type}`]
  if (s.updated) lines.push('\t\tsize 65535')
  if (s.flags && s.flags.length > 0) lines.push(`\t\tflags ${s.flags.join(',')}`)
  if (s.timeoutSeconds !== undefined) lines.push(`\t\ttimeout ${nftTime(s.timeoutSeconds)}`)
  if (s.comment !== undefined) lines.push(`\t\tcomment ${JSON.stringify(s.comment)}`)
  if (s.elements.length > 0) lines.push(`\t\telements = ${elementsText(s)}`)
  lines.push('\t}')
  return lines
}

function chainBlock(c: NftChain): string[] {
  const lines = [`\tchain ${c.name} {`]
  if (c.base)
    lines.push(
      `\t\ttype ${c.base.type} hook ${c.base.hook} priority ${priorityText(c.base)}; policy accept;`,
    )
  if (c.comment !== undefined) lines.push(`\t\tcomment ${JSON.stringify(c.comment)}`)
  for (const r of c.rules) lines.push(`\t\t${r.listed}`)
  lines.push('\t}')
  return lines
}

/** The text of `nft list table`, ending with a newline. */
export function listTable(t: NftTable): string {
  const blocks = [...t.sets.map(setBlock), ...t.chains.map(chainBlock)]
  const body = blocks.map((b) => b.join('\n')).join('\n\n')
  const head = `table ${t.family} ${t.name} {\n\tcomment ${JSON.stringify(t.comment)}`
  return `${head}${body === '' ? '' : `\n${body}`}\n}\n`
}
