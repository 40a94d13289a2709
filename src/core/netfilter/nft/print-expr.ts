/**
 * @module core/netfilter/nft/print-expr
 * Expressions, set elements and statements as `nft list` prints them (nft 1.0.6): operators
 * and separators surrounded by single spaces, anonymous sets as `{ a, b }` on one line, the
 * relational operator omitted when it is implicit.
 */
import type { NftElement, NftExpr, NftStmt, NftVerdict } from './model.js'

export function printVerdict(v: NftVerdict): string {
  return v.chain === undefined ? v.verdict : `${v.verdict} ${v.chain}`
}

export function printExpr(e: NftExpr): string {
  switch (e.kind) {
    case 'payload':
      return `${e.proto} ${e.field}`
    case 'meta':
      return e.qualified ? `meta ${e.key}` : e.key
    case 'ct':
      return ['ct', e.dir, e.family, e.key].filter((x) => x !== undefined).join(' ')
    case 'fib':
      return `fib ${e.flags.join(' . ')} ${e.result}`
    case 'numgen':
      return `numgen ${e.mode} mod ${e.mod}${e.offset === undefined ? '' : ` offset ${e.offset}`}`
    case 'binop':
      return `${printExpr(e.left)} ${e.op} ${printExpr(e.right)}`
    case 'concat':
      return e.items.map(printExpr).join(' . ')
    case 'value':
      return e.quoted ? `"${e.text}"` : e.text
    case 'flagmask':
      return `${printExpr(e.value)} / ${printExpr(e.mask)}`
    case 'set':
      return `{ ${e.elements.map(printElement).join(', ')} }`
    case 'ref':
      return `@${e.name}`
    case 'map':
      return `${printExpr(e.key)} map ${printExpr(e.map)}`
    case 'verdict':
      return printVerdict(e)
  }
}

/** `key [counter …] [timeout T] [expires E] [comment "c"] [: data]`, in nft's order. */
export function printElement(el: NftElement): string {
  let out = printExpr(el.key)
  if (el.counter) out += ` counter packets ${el.counter.packets} bytes ${el.counter.bytes}`
  if (el.timeout !== undefined) out += ` timeout ${el.timeout}`
  if (el.expires !== undefined) out += ` expires ${el.expires}`
  if (el.comment !== undefined) out += ` comment "${el.comment}"`
  if (el.data) out += ` : ${printExpr(el.data)}`
  return out
}

export function printStmt(st: NftStmt): string {
  switch (st.kind) {
    case 'match':
      return `${printExpr(st.left)}${st.op === 'implicit' ? ' ' : ` ${st.op} `}${printExpr(st.right)}`
    case 'verdict':
      return printVerdict(st)
    case 'counter':
      return st.packets === undefined
        ? 'counter'
        : `counter packets ${st.packets} bytes ${st.bytes ?? 0n}`
    case 'log':
      return [
        'log',
        ...st.options.map((o) => `${o.name} ${o.quoted ? `"${o.value}"` : o.value}`),
      ].join(' ')
    case 'assign':
      return `${printExpr(st.target)} set ${printExpr(st.value)}`
    case 'vmap':
      return `${printExpr(st.key)} vmap ${printExpr(st.map)}`
    case 'nat': {
      const parts: string[] = [st.type]
      if (st.family) parts.push(st.family)
      if (st.to) parts.push('to', printExpr(st.to))
      if (st.flags && st.flags.length > 0) parts.push(st.flags.join(','))
      return parts.join(' ')
    }
    case 'reject':
      return st.with ? `reject with ${st.with.type} ${st.with.code}` : 'reject'
    case 'notrack':
      return 'notrack'
    case 'dynset':
      return `${st.op} @${st.set} { ${printElement(st.element)} }`
    case 'raw':
      return st.text
  }
}

/** A rule's text as `nft list` prints it, without indentation or handle. */
export function printRuleBody(stmts: readonly NftStmt[], comment?: string): string {
  const body = stmts.map(printStmt).join(' ')
  return comment === undefined ? body : `${body} comment "${comment}"`
}
