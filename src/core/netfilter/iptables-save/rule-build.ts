/**
 * @module core/netfilter/iptables-save/rule-build
 * Turns a parsed rule line into a {@link Command}: checks what `do_parse`, `generic_opt_check`
 * and the post-parse hooks of iptables check, lets each extension canonicalise its options, and
 * expands `-s a,b -d c,d` into one rule per source/destination pair (sources outer), as
 * `xtables_ipparse_multiple` + `append_entry` do.
 */
import type { AddrMatch, IfaceMatch, ProtoMatch, Rule, XtMatch, XtTarget } from '../rule.js'
import { looksLikeHostname } from '../xt/modules/core/xt-addr.js'
import type { CanonContext, RawOption } from '../xt/types.js'
import type { AddrError } from './addresses.js'
import { isAddrError, isPrinted, MAX_IFNAME, parseAddressList, parseProto } from './addresses.js'
import { MAX_NAME } from './base-options.js'
import type { Canonical } from './canon-cache.js'
import type { BaseArg, Cursor, Instance, ParsedLine } from './rule-parser.js'
import { rawOptions } from './rule-parser.js'

/** One iptables-restore command, ready to apply. Positions are 1-based, as written. */
export type Command =
  | {
      readonly kind: 'append' | 'check' | 'delete'
      readonly chain: string
      readonly rules: readonly Rule[]
    }
  | {
      readonly kind: 'insert'
      readonly chain: string
      readonly position: number
      readonly rules: readonly Rule[]
    }
  | {
      readonly kind: 'replace'
      readonly chain: string
      readonly position: number
      readonly rule: Rule
    }
  | { readonly kind: 'deleteAt'; readonly chain: string; readonly position: number }
  | { readonly kind: 'newChain'; readonly chain: string }
  | { readonly kind: 'deleteChain' | 'flush'; readonly chain: string | undefined }
  | {
      readonly kind: 'zero'
      readonly chain: string | undefined
      readonly position: number | undefined
    }
  | { readonly kind: 'policy'; readonly chain: string; readonly policy: string }
  | { readonly kind: 'rename'; readonly chain: string; readonly to: string }

/** A command plus where its chain argument was written, for errors while applying it. */
export interface LocatedCommand {
  readonly command: Command
  readonly column: number
  readonly argColumns: readonly number[]
}

const RULE_COMMANDS = 'ACDIR'

function ruleNumber(c: Cursor, a: BaseArg | undefined): number {
  const n = a && /^[0-9]+$/.test(a.value) ? Number(a.value) : Number.NaN
  if (!(n >= 1 && n <= 0x7fffffff))
    c.fail(`Invalid rule number "${a?.value ?? ''}"`, a?.column ?? c.column())
  return n
}

function ctxFor(c: Cursor, inst: Instance, proto: ProtoMatch | undefined): CanonContext {
  return {
    family: c.env.family,
    proto,
    fail(message: string, option?: RawOption, hint?: string): never {
      return c.fail(message, option?.column ?? inst.column, hint)
    },
  }
}

const NO_ADDRESS: readonly (AddrMatch | undefined)[] = [undefined]

function addresses(c: Cursor, a: BaseArg | undefined): readonly (AddrMatch | undefined)[] {
  if (!a) return NO_ADDRESS
  const list = parseAddressList(a.value, c.env.family)
  const out: (AddrMatch | undefined)[] = []
  for (const v of list) {
    if (isAddrError(v)) addrError(c, a, v)
    const m: AddrMatch = { cidr: v, negated: a.negated }
    out.push(isPrinted(m) ? m : undefined)
  }
  return out
}

function addrError(c: Cursor, a: BaseArg, e: AddrError): never {
  if (e.kind === 'mask') c.fail(`invalid mask "${e.item}" specified`, a.column)
  const hint = looksLikeHostname(e.item)
    ? 'kpath does not resolve host names; write the address'
    : e.item === '!'
      ? 'write "! -s ADDRESS": the ! goes before the option'
      : 'write a numeric address, optionally with /prefix-length or /mask'
  if (looksLikeHostname(e.item)) c.unsupported(`host/network "${e.item}" is a name`, a.column, hint)
  return c.fail(`host/network "${e.item}" not found`, a.column, hint)
}

function iface(c: Cursor, a: BaseArg | undefined): IfaceMatch | undefined {
  if (!a) return undefined
  if (a.value.length > MAX_IFNAME) {
    c.fail(`interface name "${a.value}" must be shorter than IFNAMSIZ (${MAX_IFNAME})`, a.column)
  }
  if (a.value === '') c.fail('Empty interface is likely to be undesired', a.column)
  // A lone "+" matches every interface; its mask is empty, so iptables-save leaves it out.
  return a.value === '+' ? undefined : { name: a.value, negated: a.negated }
}

function proto(c: Cursor, a: BaseArg | undefined): ProtoMatch | undefined {
  if (!a) return undefined
  const p = parseProto(a.value, a.negated)
  if (!p)
    c.fail(
      `unknown protocol "${a.value}" specified`,
      a.column,
      'use a number 0-255 or a name such as tcp, udp, icmp, sctp',
    )
  if (p.number === 0 && p.negated) c.fail('rule would never match protocol', a.column)
  return p.number === 0 ? undefined : p
}

/** The text of an instance's words (up to the next word), or undefined when not contiguous. */
function spanText(c: Cursor, inst: Instance): string | undefined {
  if (!inst.span) return undefined
  if (inst.first < 0) return ''
  const { words, env } = c
  const end = inst.last + 1 < words.length ? words.column(inst.last + 1) - 1 : env.line.length
  return env.line.slice(words.column(inst.first) - 1, end)
}

/** The canonical match or target of an instance, memoised (see canon-cache.ts). */
function canonical(c: Cursor, inst: Instance, pm: ProtoMatch | undefined): Canonical {
  const cache = c.canon
  const key = cache.enabled(inst.module) ? spanText(c, inst) : undefined
  const table =
    key === undefined
      ? undefined
      : cache.table(inst.module, pm ? pm.number * 2 + (pm.negated ? 1 : 0) : -1)
  const hit = key === undefined ? undefined : table?.get(key)
  if (key !== undefined) cache.count(inst.module, hit !== undefined)
  if (hit) return hit
  const options = inst.module.canonicalize(rawOptions(c, inst), ctxFor(c, inst, pm))
  const done: Canonical =
    inst.kind === 'match'
      ? { module: inst.module.name, options }
      : { name: inst.module.name, options, goto: false }
  if (key !== undefined) {
    table?.set(key, done)
    cache.stored()
  }
  return done
}

function target(c: Cursor, p: ParsedLine, pm: ProtoMatch | undefined): XtTarget | undefined {
  if (p.target) return canonical(c, p.target, pm) as XtTarget
  if (!p.jump) return undefined
  // Verdicts and jumps are shared between rules: they are immutable and very common.
  const { name, goto } = p.jump
  const cache = goto ? c.gotos : c.jumps
  let t = cache.get(name)
  if (!t) {
    t = { name, options: [], goto }
    cache.set(name, t)
  }
  return t
}

function counters(p: ParsedLine): Rule['counters'] {
  const c = p.base.get('c')
  if (!c) return p.counters
  const [packets = '0', bytes = '0'] = c.value.split(':')
  return { packets: BigInt(packets), bytes: BigInt(bytes) }
}

/** The rules a rule command describes (one per source/destination pair). */
function rules(c: Cursor, p: ParsedLine): Rule[] {
  const pm = proto(c, p.base.get('p'))
  const matches: XtMatch[] = []
  for (const m of p.matches) matches.push(canonical(c, m, pm) as XtMatch)
  const t = target(c, p, pm)
  const srcs = addresses(c, p.base.get('s'))
  const dsts = addresses(c, p.base.get('d'))
  if (srcs.length > 1 || dsts.length > 1) {
    const s = p.base.get('s')
    const neg = s?.negated ? s : p.base.get('d')
    if (neg?.negated)
      c.fail('! not allowed with multiple source or destination IP addresses', neg.column)
  }
  const inIface = iface(c, p.base.get('i'))
  const outIface = iface(c, p.base.get('o'))
  const f = p.base.get('f')
  const fragment = f ? { negated: f.negated } : undefined
  const ctr = counters(p)
  const location = c.location(1)
  const out: Rule[] = []
  // Every rule has the same property set (absent fields are undefined), one hidden class.
  for (const src of srcs) {
    for (const dst of dsts) {
      out.push({
        src,
        dst,
        inIface,
        outIface,
        proto: pm,
        fragment,
        matches,
        target: t,
        counters: ctr,
        location,
      })
    }
  }
  return out
}

/** generic_opt_check: rule options only go with rule commands. */
function checkOptions(c: Cursor, p: ParsedLine, letter: string, rulenum: boolean): void {
  if (RULE_COMMANDS.includes(letter) && !rulenum) return
  for (const [l, a] of p.base.entries())
    c.fail(`Illegal option "-${l}" with this command`, a.column)
  const ext = p.matches[0] ?? p.target
  if (ext) c.fail(`Illegal option "-m/-j" with this command`, ext.column)
  if (p.jump) c.fail('Illegal option "-j" with this command', p.jump.column)
}

/** -o cannot be used in input chains, -i in output chains (checked on the chain's name). */
function checkDirections(c: Cursor, p: ParsedLine, chain: string): void {
  const o = p.base.get('o')
  const i = p.base.get('i')
  if (o && (chain === 'PREROUTING' || chain === 'INPUT'))
    c.fail(`Can't use -o with ${chain}`, o.column)
  if (i && (chain === 'POSTROUTING' || chain === 'OUTPUT'))
    c.fail(`Can't use -i with ${chain}`, i.column)
}

function chainArg(c: Cursor, a: BaseArg | undefined, column: number): string {
  if (!a) c.fail('a chain name is required', column)
  if (a.value.length > MAX_NAME)
    c.fail(`chain name "${a.value}" too long (must be under ${MAX_NAME + 1} chars)`, a.column)
  return a.value
}

function ruleCommand(
  c: Cursor,
  p: ParsedLine,
  letter: string,
  chain: string,
  args: readonly BaseArg[],
): Command {
  checkDirections(c, p, chain)
  if (c.env.table === 'nat' && p.jump?.name === 'DROP') {
    c.fail(
      'The "nat" table is not intended for filtering, the use of DROP is therefore inhibited.',
      p.jump.column,
    )
  }
  const rs = rules(c, p)
  if (letter === 'A') return { kind: 'append', chain, rules: rs }
  if (letter === 'C') return { kind: 'check', chain, rules: rs }
  if (letter === 'D') return { kind: 'delete', chain, rules: rs }
  if (letter === 'I')
    return { kind: 'insert', chain, position: args[1] ? ruleNumber(c, args[1]) : 1, rules: rs }
  if (rs.length !== 1) c.fail('Replacement rule does not specify a unique address', c.column(0))
  return { kind: 'replace', chain, position: ruleNumber(c, args[1]), rule: rs[0] as Rule }
}

/** The commands on chains (and `-D CHAIN N`). */
function chainCommand(
  c: Cursor,
  letter: string,
  chain: string | undefined,
  args: readonly BaseArg[],
  column: number,
): Command {
  switch (letter) {
    case 'D':
      return { kind: 'deleteAt', chain: chain as string, position: ruleNumber(c, args[1]) }
    case 'N':
      return { kind: 'newChain', chain: chain as string }
    case 'X':
      return { kind: 'deleteChain', chain }
    case 'F':
      return { kind: 'flush', chain }
    case 'Z':
      return { kind: 'zero', chain, position: args[1] ? ruleNumber(c, args[1]) : undefined }
    case 'P':
      return { kind: 'policy', chain: chain as string, policy: args[1]?.value ?? '' }
    default:
      return { kind: 'rename', chain: chain as string, to: chainArg(c, args[1], column) }
  }
}

/** Build the command of a parsed line. */
export function buildCommand(c: Cursor, p: ParsedLine): LocatedCommand {
  const cmd = p.command
  if (!cmd)
    c.fail(
      'no command specified',
      1,
      'a rule line starts with -A CHAIN (or -I, -D, -N, -X, -F, -P)',
    )
  const { letter, args, column } = cmd
  const rulenum = letter === 'D' && args.length > 1
  checkOptions(c, p, letter, rulenum)
  const argColumns: number[] = []
  for (const a of args) argColumns.push(a.column)
  const chain = args[0] ? chainArg(c, args[0], column) : undefined
  const command =
    RULE_COMMANDS.includes(letter) && !rulenum
      ? ruleCommand(c, p, letter, chain as string, args)
      : chainCommand(c, letter, chain, args, column)
  return { command, column, argColumns }
}
