/**
 * @module core/netfilter/iptables-save/base-options
 * The built-in options of an iptables-restore line (the `switch` of `do_parse` in
 * iptables/xshared.c): commands with their chain, rule number or policy, the rule's own fields,
 * `-m`, `-j`/`-g` and `-c`. Options that only make sense on a command line (`-t`, `-w`, `-v`, …)
 * are refused, as iptables-restore refuses most of them.
 */
import { KpathError } from '../../errors.js'
import { STANDARD_VERDICTS } from '../rule.js'
import { isIptablesExtension, lookupModule } from './extensions.js'
import type { HasArg } from './getopt.js'
import type { BaseArg, BaseLetter, Cursor, OptWord, ParsedLine } from './rule-parser.js'
import { hasArg, load, takeValue } from './rule-parser.js'

/** XT_EXTENSION_MAXNAMELEN - 1: the longest chain or target name. */
export const MAX_NAME = 28

const COMMANDS = 'ACDIRLSFZNXEP'
const RULE_FIELDS = 'sdpio'

function command(p: ParsedLine, c: Cursor, letter: string, o: OptWord, invert: boolean): void {
  if (invert) c.fail(`unexpected ! flag before -${letter}`, o.column)
  if (p.command)
    c.fail(`Can't use -${letter} with -${p.command.letter}`, o.column, 'one command per line')
  if (letter === 'L' || letter === 'S') {
    c.unsupported(`-${letter} lists rules; it has no place in a ruleset`, o.column)
  }
  const args: BaseArg[] = []
  // The chain: required for -A -C -D -I -R -N -E -P, optional for -F -X -Z (no closures here:
  // this runs once per line of a dump).
  const column = c.column()
  const v = takeValue(c, o.inline, 'ACDIRNEP'.includes(letter) ? 1 : 2, o.label, o.column)
  if (v !== undefined)
    args.push({ value: v, negated: false, column: o.inline === undefined ? column : o.column })
  if (letter === 'D' || letter === 'I' || (letter === 'Z' && args.length > 0))
    moreArg(c, args, letter, o, '')
  else if (letter === 'R') moreArg(c, args, letter, o, 'a rule number')
  else if (letter === 'E') moreArg(c, args, letter, o, 'old-chain-name and new-chain-name')
  else if (letter === 'P') moreArg(c, args, letter, o, 'a chain and a policy')
  p.command = { letter, column: o.column, args }
}

/** A further argument (`xs_has_arg`); `required` names it for the error when it is missing. */
function moreArg(c: Cursor, args: BaseArg[], letter: string, o: OptWord, required: string): void {
  if (hasArg(c)) args.push({ value: c.words.text(c.i), negated: false, column: c.column(c.i++) })
  else if (required !== '') c.fail(`-${letter} requires ${required}`, o.column)
}

function field(p: ParsedLine, c: Cursor, letter: BaseLetter, o: OptWord, invert: boolean): void {
  if (p.base.has(letter)) c.fail(`multiple -${letter} flags not allowed`, o.column)
  const column = o.inline === undefined ? c.column() : o.column
  const value = takeValue(c, o.inline, 1, o.label, o.column) as string
  // "-s ! x" is not negation in 1.8.9: "!" is the value (an address that does not parse, or an
  // interface that iptables accepts), and "x" is then a stray word.
  p.base.set(letter, { value, negated: invert, column })
}

function checkTargetName(c: Cursor, name: string, column: number): void {
  if (name.length < 1) c.fail('Invalid target name (too short)', column)
  if (name.length > MAX_NAME)
    c.fail(`Invalid target name "${name}" (${MAX_NAME} chars max)`, column)
  if (/\s/.test(name)) c.fail(`Invalid target name "${name}"`, column)
}

/**
 * `-j NAME`: a verdict, a chain of the table (a chain wins over an extension of the same name,
 * as iptables-restore announces `:CHAIN` lines), or an extension target.
 */
function jump(p: ParsedLine, c: Cursor, letter: string, o: OptWord, invert: boolean): void {
  if (invert) c.fail(`cannot have ! before -${letter}`, o.column)
  if (p.jump || p.target) c.fail(`multiple -j flags not allowed`, o.column)
  const column = o.inline === undefined ? c.column() : o.column
  const name = takeValue(c, o.inline, 1, o.label, o.column) as string
  checkTargetName(c, name, column)
  const goto = letter === 'g'
  if (goto || STANDARD_VERDICTS.has(name) || c.env.isChain(name)) {
    p.jump = { name, column, goto }
    return
  }
  if (name === 'QUEUE') c.unsupported('the QUEUE verdict is not supported by kpath', column)
  if (lookupModule('target', name, c.env.family) || isIptablesExtension('target', name)) {
    load(p, 'target', name, column, c)
    return
  }
  throw new KpathError(
    'KPATH_UNKNOWN_CHAIN',
    `chain "${name}" does not exist in table ${c.env.table}`,
    {
      location: c.location(column),
      hint: `declare it before use (":${name} - [0:0]" or "-N ${name}")`,
    },
  )
}

function match(p: ParsedLine, c: Cursor, o: OptWord, invert: boolean): void {
  if (invert) c.fail('unexpected ! flag before --match', o.column)
  const column = o.inline === undefined ? c.column() : o.column
  const name = takeValue(c, o.inline, 1, o.label, o.column) as string
  if (name.length > MAX_NAME) c.fail(`Invalid match name "${name}" (${MAX_NAME} chars max)`, column)
  load(p, 'match', name, column, c)
}

/** `-c PKTS BYTES` or `-c PKTS,BYTES`. */
function counters(p: ParsedLine, c: Cursor, o: OptWord, invert: boolean): void {
  if (invert) c.fail('cannot have ! before -c', o.column)
  if (p.base.has('c')) c.fail('multiple -c flags not allowed', o.column)
  const first = takeValue(c, o.inline, 1, o.label, o.column) as string
  const comma = first.indexOf(',', 1)
  let pkts = first
  let bytes: string | undefined
  if (comma >= 0) {
    pkts = first.slice(0, comma)
    bytes = first.slice(comma + 1)
  } else if (hasArg(c)) bytes = c.words.text(c.i++)
  if (bytes === undefined) c.fail('-c requires packet and byte counter', o.column)
  if (!/^[0-9]+$/.test(pkts)) c.fail('-c packet counter not numeric', o.column)
  if (!/^[0-9]+$/.test(bytes)) c.fail('-c byte counter not numeric', o.column)
  p.base.set('c', { value: `${pkts}:${bytes}`, negated: false, column: o.column })
}

function fragment(p: ParsedLine, c: Cursor, o: OptWord, invert: boolean): void {
  if (c.env.family === 6) c.fail("`-f' is not supported in IPv6, use -m frag instead", o.column)
  if (p.base.has('f')) c.fail('multiple -f flags not allowed', o.column)
  if (o.inline !== undefined) c.fail(`option "${o.label}" doesn't allow an argument`, o.column)
  p.base.set('f', { value: '', negated: invert, column: o.column })
}

function refused(c: Cursor, letter: string, o: OptWord): never {
  if (letter === 't')
    c.fail(
      'The -t option cannot be used in iptables-restore',
      o.column,
      'the table comes from the *table line',
    )
  if (letter === 'w' || letter === 'W')
    c.fail(`You cannot use -${letter} from iptables-restore`, o.column)
  return c.unsupported(`option ${o.label} has no meaning in a ruleset`, o.column, 'remove it')
}

/** The {@link BaseHandler} for iptables' built-in options. */
export function baseOption(
  p: ParsedLine,
  c: Cursor,
  letter: string,
  _hasArg: HasArg,
  o: OptWord,
  invert: boolean,
): void {
  if (COMMANDS.includes(letter)) command(p, c, letter, o, invert)
  else if (RULE_FIELDS.includes(letter)) field(p, c, letter as BaseLetter, o, invert)
  else if (letter === 'f') fragment(p, c, o, invert)
  else if (letter === 'j' || letter === 'g') jump(p, c, letter, o, invert)
  else if (letter === 'm') match(p, c, o, invert)
  else if (letter === 'c') counters(p, c, o, invert)
  else refused(c, letter, o)
}
