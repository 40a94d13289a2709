/**
 * @module core/netfilter/xt/modules/extra/lib/testkit
 * Test support for the extension modules, independent of the iptables-save parser: split a rule
 * line the way `iptables-restore` does, hand each `-m`/`-j` block of a known extension to its
 * `canonicalize`, and print the result the way `iptables-save` does. Blocks of extensions that
 * are not given (core ones) are kept as written. Pure: fixtures are read by the tests.
 */

import { parseError } from '../../../../../errors.js'
import type { Family } from '../../../../../net/ip.js'
import type { ProtoMatch, XtOption } from '../../../../rule.js'
import type { CanonContext, OptionSpec, RawOption, XtModule } from '../../../types.js'
import { isAlwaysQuoted } from './quote.js'

export interface Token {
  readonly text: string
  /** 1-based column of the token's first character. */
  readonly column: number
}

/** `add_param_to_argv` of iptables 1.8.9: spaces split, `"…"` groups, `\` escapes inside quotes. */
export function tokenize(line: string): Token[] {
  const out: Token[] = []
  let cur = ''
  let start = -1
  let inQuote = false
  let escaped = false
  let quoted = false
  const flush = () => {
    if (cur !== '' || quoted) out.push({ text: cur, column: start + 1 })
    cur = ''
    start = -1
    quoted = false
  }
  for (let i = 0; i < line.length; i++) {
    const c = line[i] as string
    if (start < 0) start = i
    if (inQuote) {
      if (escaped) {
        cur += c
        escaped = false
      } else if (c === '\\') escaped = true
      else if (c === '"') {
        inQuote = false
        flush()
      } else cur += c
      continue
    }
    if (c === '"') {
      inQuote = true
      quoted = true
    } else if (c === ' ' || c === '\t' || c === '\n') {
      if (cur === '' && !quoted) start = -1
      else flush()
    } else cur += c
  }
  if (cur !== '') flush()
  return out
}

export type ModuleLookup = (
  kind: 'match' | 'target',
  name: string,
  family: Family,
) => XtModule | undefined

function findSpec(specs: readonly OptionSpec[], name: string): OptionSpec | undefined {
  return specs.find((s) => s.names.includes(name))
}

/** Split the options of one block with the module's specs, as the real parser will. */
export function rawOptions(
  mod: XtModule,
  toks: readonly Token[],
  line: string,
  lineNo = 1,
): RawOption[] {
  const out: RawOption[] = []
  let negated = false
  for (let i = 0; i < toks.length; i++) {
    const t = toks[i] as Token
    if (t.text === '!') {
      negated = true
      continue
    }
    const spec = findSpec(mod.options, t.text)
    if (!spec)
      throw parseError(`unknown option "${t.text}" for ${mod.name}`, lineNo, t.column, line)
    const values: string[] = []
    if (spec.arity === 'optional') {
      const next = toks[i + 1]
      if (next && !next.text.startsWith('-') && !next.text.startsWith('!'))
        values.push(toks[++i]?.text ?? '')
    } else {
      for (let k = 0; k < spec.arity; k++) {
        const v = toks[++i]
        if (!v) throw parseError(`option "${t.text}" requires an argument`, lineNo, t.column, line)
        values.push(v.text)
      }
    }
    out.push({
      name: t.text,
      canonical: spec.names[0] as string,
      negated,
      values,
      column: t.column,
    })
    negated = false
  }
  return out
}

export function context(
  family: Family,
  proto: ProtoMatch | undefined,
  line: string,
  lineNo = 1,
): CanonContext {
  return {
    family,
    proto,
    fail(message: string, option?: RawOption, hint?: string): never {
      throw parseError(message, lineNo, option?.column ?? 1, line, hint)
    },
  }
}

const NO_QUOTE = /^[A-Za-z0-9_-]+$/

/** `xtables_save_string`: bare when safe, else double-quoted with `"`, `\` and `'` escaped. */
export function saveString(v: string): string {
  return NO_QUOTE.test(v) ? v : `"${v.replace(/["\\']/g, (c) => `\\${c}`)}"`
}

/** The quoting of extensions that print their own quotes (`"…"` with `"` and `\` escaped). */
export function alwaysQuote(v: string): string {
  return `"${v.replace(/["\\]/g, (c) => `\\${c}`)}"`
}

/** Canonical options as iptables-save prints them, each preceded by a space. */
export function formatOptions(opts: readonly XtOption[]): string {
  let s = ''
  for (const o of opts) {
    const values = o.values.map((v) =>
      isAlwaysQuoted(o) ? alwaysQuote(v) : o.quote ? saveString(v) : v,
    )
    s += `${o.negated ? ' !' : ''} ${o.name}${values.map((v) => ` ${v}`).join('')}`
  }
  return s
}

const PROTO_NUMBERS: Readonly<Record<string, number>> = {
  tcp: 6,
  udp: 17,
  icmp: 1,
  esp: 50,
  ah: 51,
  dccp: 33,
  sctp: 132,
  ipcomp: 108,
  mh: 135,
  'mobility-header': 135,
  'ipv6-icmp': 58,
}

function protoOf(toks: readonly Token[]): ProtoMatch | undefined {
  const i = toks.findIndex((t) => t.text === '-p')
  if (i < 0) return undefined
  const name = toks[i + 1]?.text ?? ''
  const negated = toks[i - 1]?.text === '!'
  return { name, number: PROTO_NUMBERS[name] ?? Number(name), negated }
}

/**
 * Re-print one rule line with every block of a known extension canonicalised; other tokens
 * are kept. Throws the KpathError of the first extension that refuses its options.
 */
export function canonicalLine(
  line: string,
  family: Family,
  lookup: ModuleLookup,
  lineNo = 1,
): string {
  const toks = tokenize(line)
  const proto = protoOf(toks)
  const ctx = context(family, proto, line, lineNo)
  const out: string[] = []
  let i = 0
  while (i < toks.length) {
    const t = toks[i] as Token
    const kind = t.text === '-m' ? 'match' : t.text === '-j' ? 'target' : undefined
    const name = toks[i + 1]?.text
    const mod = kind && name !== undefined ? lookup(kind, name, family) : undefined
    if (!mod || !kind || name === undefined) {
      out.push(t.text)
      i++
      continue
    }
    let j = i + 2
    while (j < toks.length && !isBlockStart(toks, j)) j++
    const opts = mod.canonicalize(rawOptions(mod, toks.slice(i + 2, j), line, lineNo), ctx)
    out.push(`${t.text} ${name}${formatOptions(opts)}`)
    i = j
  }
  return out.join(' ')
}

function isBlockStart(toks: readonly Token[], j: number): boolean {
  const t = toks[j]?.text
  return t === '-m' || t === '-j' || t === '-g'
}

/** The `-A` lines of an iptables-restore/save text, grouped by chain in their order. */
export function rulesByChain(text: string): Map<string, string[]> {
  const out = new Map<string, string[]>()
  for (const line of text.split('\n')) {
    const m = /^-A (\S+) /.exec(line)
    if (!m) continue
    const chain = m[1] as string
    out.set(chain, [...(out.get(chain) ?? []), line])
  }
  return out
}

/** A lookup over a list of modules (families respected), for tests. */
export function lookupIn(modules: readonly XtModule[]): ModuleLookup {
  return (kind, name, family) =>
    modules.find(
      (m) => m.kind === kind && m.name === name && (!m.families || m.families.includes(family)),
    )
}
