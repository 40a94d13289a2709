/**
 * @module core/netfilter/nft/print
 * Print a ruleset exactly as `nft list ruleset` (nft 1.0.6) does: tab indentation, sets and maps
 * before chains, a blank line between objects (and after a table's `flags` line), the base chain
 * line with named priorities, set declarations in nft's fixed order, and `elements = { … }`
 * wrapped the way nft wraps them. With handles in the model, the output is `nft -a`'s.
 *
 * @example
 * printNftRuleset(parseNftRuleset(text)) === text // for any listing nft printed
 */
import type { NftChain, NftRule, NftRuleset, NftSet, NftSetKey, NftTable } from './model.js'
import { printElement, printExpr, printRuleBody } from './print-expr.js'
import { formatPriority } from './priority.js'
import { elementsPerLine } from './selectors.js'

function handle(h: number | undefined): string {
  return h === undefined ? '' : ` # handle ${h}`
}

function printKey(k: NftSetKey): string {
  return k.kind === 'type' ? k.types.join(' . ') : printExpr(k.expr)
}

/** `elements = { a, b,\n\t\t\t     c }`: continuation lines align under the first element. */
function printElements(set: NftSet): string {
  const els = set.elements ?? []
  const perLine = elementsPerLine(set.key)
  let out = '\t\telements = { '
  els.forEach((el, i) => {
    if (i > 0) out += i % perLine === 0 ? ',\n\t\t\t     ' : ', '
    out += printElement(el)
  })
  return `${out} }\n`
}

export function printNftSet(set: NftSet): string {
  const lines = [`\t${set.kind} ${set.name} {${handle(set.handle)}`]
  const decl = set.key.kind === 'typeof' ? 'typeof' : 'type'
  lines.push(`\t\t${decl} ${printKey(set.key)}${set.data ? ` : ${printKey(set.data)}` : ''}`)
  if (set.policy !== undefined) lines.push(`\t\tpolicy ${set.policy}`)
  if (set.size !== undefined) lines.push(`\t\tsize ${set.size}`)
  if (set.flags && set.flags.length > 0) lines.push(`\t\tflags ${set.flags.join(',')}`)
  if (set.counter) lines.push('\t\tcounter')
  if (set.autoMerge) lines.push('\t\tauto-merge')
  if (set.timeout !== undefined) lines.push(`\t\ttimeout ${set.timeout}`)
  if (set.gcInterval !== undefined) lines.push(`\t\tgc-interval ${set.gcInterval}`)
  if (set.comment !== undefined) lines.push(`\t\tcomment "${set.comment}"`)
  const body = `${lines.join('\n')}\n`
  return `${body}${set.elements ? printElements(set) : ''}\t}\n`
}

export function printNftRule(r: NftRule): string {
  return `\t\t${printRuleBody(r.stmts, r.comment)}${handle(r.handle)}\n`
}

export function printNftChain(c: NftChain, family: NftTable['family']): string {
  let out = `\tchain ${c.name} {${handle(c.handle)}\n`
  if (c.comment !== undefined) out += `\t\tcomment "${c.comment}"\n`
  const b = c.base
  if (b) {
    const device = b.device === undefined ? '' : ` device "${b.device}"`
    const prio = formatPriority(family, b.hook, b.priority)
    out += `\t\ttype ${b.type} hook ${b.hook}${device} priority ${prio}; policy ${b.policy};\n`
  }
  for (const r of c.rules) out += printNftRule(r)
  return `${out}\t}\n`
}

export function printNftTable(t: NftTable): string {
  let out = `table ${t.family} ${t.name} {${handle(t.handle)}\n`
  // nft separates objects by a blank line, and the `flags` line from the first object too
  // (but not the `comment` line).
  let delim = ''
  if (t.flags && t.flags.length > 0) {
    out += `\tflags ${t.flags.join(',')}\n`
    delim = '\n'
  }
  if (t.comment !== undefined) out += `\tcomment "${t.comment}"\n`
  for (const s of t.sets) {
    out += delim + printNftSet(s)
    delim = '\n'
  }
  for (const c of t.chains) {
    out += delim + printNftChain(c, t.family)
    delim = '\n'
  }
  return `${out}}\n`
}

/** The whole ruleset; tables follow each other without a blank line, as nft prints them. */
export function printNftRuleset(rs: NftRuleset): string {
  return rs.tables.map(printNftTable).join('')
}
