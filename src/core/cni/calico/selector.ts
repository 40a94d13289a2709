/**
 * @module core/cni/calico/selector
 * Calico's label selector language as IPPool `nodeSelector` uses it (libcalico-go
 * `lib/selector`), for the forms kpath reads: `all()`, `has(k)`, `k == "v"`, `k != "v"`,
 * `k in {"a", "b"}`, `k not in {…}`, `!`, `&&`, `||` and parentheses. Values are quoted with
 * `'` or `"`. Anything else (`contains`, `starts with`, `global()`, …) is refused with the column
 * it starts at, never guessed.
 */
import { parseError } from '../../errors.js'

export type Selector =
  | { readonly op: 'all' }
  | { readonly op: 'has'; readonly key: string }
  | { readonly op: 'eq' | 'ne'; readonly key: string; readonly value: string }
  | { readonly op: 'in' | 'notin'; readonly key: string; readonly values: readonly string[] }
  | { readonly op: 'not'; readonly inner: Selector }
  | { readonly op: 'and' | 'or'; readonly left: Selector; readonly right: Selector }

const TOKEN = /\s*(all\(\)|has\(|&&|\|\||==|!=|!|\(|\)|\{|\}|,|"[^"]*"|'[^']*'|[A-Za-z0-9_./-]+)/y

class Tokens {
  private pos = 0
  readonly list: { text: string; column: number }[] = []
  constructor(readonly src: string) {
    TOKEN.lastIndex = 0
    while (TOKEN.lastIndex < src.length) {
      const start = TOKEN.lastIndex
      const m = TOKEN.exec(src)
      if (!m) {
        if (src.slice(start).trim() === '') break
        throw this.error(`cannot read the selector here`, start + 1 + this.skipSpace(start))
      }
      const text = m[1] ?? ''
      this.list.push({ text, column: TOKEN.lastIndex - text.length + 1 })
    }
  }
  private skipSpace(from: number): number {
    return (this.src.slice(from).match(/^\s*/)?.[0] ?? '').length
  }
  peek(): string | undefined {
    return this.list[this.pos]?.text
  }
  next(): string {
    const t = this.list[this.pos++]
    if (!t) throw this.error('the selector ends too early', this.src.length + 1)
    return t.text
  }
  expect(text: string): void {
    const col = this.column()
    if (this.next() !== text) throw this.error(`expected "${text}"`, col)
  }
  column(): number {
    return this.list[this.pos]?.column ?? this.src.length + 1
  }
  done(): boolean {
    return this.pos >= this.list.length
  }
  error(message: string, column: number) {
    return parseError(
      `nodeSelector: ${message}`,
      1,
      column,
      this.src,
      'kpath reads all(), has(k), k == "v", k != "v", k in {…}, k not in {…}, !, &&, || and ( )',
    )
  }
}

function unquote(t: Tokens, text: string, column: number): string {
  if (/^(".*"|'.*')$/.test(text)) return text.slice(1, -1)
  throw t.error(`expected a quoted value, got ${text}`, column)
}

function primary(t: Tokens): Selector {
  const column = t.column()
  const tok = t.next()
  if (tok === 'all()') return { op: 'all' }
  if (tok === '!') return { op: 'not', inner: primary(t) }
  if (tok === '(') {
    const inner = orExpr(t)
    t.expect(')')
    return inner
  }
  if (tok === 'has(') {
    const key = t.next()
    t.expect(')')
    return { op: 'has', key }
  }
  if (!/^[A-Za-z0-9_./-]+$/.test(tok)) throw t.error(`unexpected "${tok}"`, column)
  const opColumn = t.column()
  let op = t.next()
  if (op === 'not' && t.peek() === 'in') op = `not ${t.next()}`
  if (op === '==' || op === '!=') {
    const vc = t.column()
    return { op: op === '==' ? 'eq' : 'ne', key: tok, value: unquote(t, t.next(), vc) }
  }
  if (op === 'in' || op === 'not in') {
    t.expect('{')
    const values: string[] = []
    while (t.peek() !== '}') {
      const vc = t.column()
      values.push(unquote(t, t.next(), vc))
      if (t.peek() === ',') t.next()
    }
    t.next()
    return { op: op === 'in' ? 'in' : 'notin', key: tok, values }
  }
  if (op === '(') throw t.error(`unsupported function ${tok}()`, column)
  throw t.error(`unsupported operator "${op}"`, opColumn)
}

function andExpr(t: Tokens): Selector {
  let left = primary(t)
  while (t.peek() === '&&') {
    t.next()
    left = { op: 'and', left, right: primary(t) }
  }
  return left
}

function orExpr(t: Tokens): Selector {
  let left = andExpr(t)
  while (t.peek() === '||') {
    t.next()
    left = { op: 'or', left, right: andExpr(t) }
  }
  return left
}

/** Parse a selector; an empty one means `all()`, as Calico reads an unset nodeSelector. */
export function parseSelector(src: string): Selector {
  if (src.trim() === '') return { op: 'all' }
  const t = new Tokens(src)
  const s = orExpr(t)
  if (!t.done()) throw t.error(`unexpected "${t.peek()}"`, t.column())
  return s
}

export function matchesLabels(s: Selector, labels: Readonly<Record<string, string>>): boolean {
  switch (s.op) {
    case 'all':
      return true
    case 'has':
      return s.key in labels
    case 'eq':
      return labels[s.key] === s.value
    case 'ne':
      return labels[s.key] !== s.value
    case 'in':
      return s.key in labels && s.values.includes(labels[s.key] ?? '')
    case 'notin':
      return !(s.key in labels) || !s.values.includes(labels[s.key] ?? '')
    case 'not':
      return !matchesLabels(s.inner, labels)
    case 'and':
      return matchesLabels(s.left, labels) && matchesLabels(s.right, labels)
    case 'or':
      return matchesLabels(s.left, labels) || matchesLabels(s.right, labels)
  }
}
