/**
 * @module core/netfilter/xt/modules/extra/string
 * `-m string` (libxt_string revision 1): a byte pattern searched with `--algo bm` or `kmp`.
 * `--hex-string` mixes text and `|hex|` blocks (`\` quotes one character outside a block). What
 * iptables-save prints depends only on the bytes: `--string "…"` (always quoted, `"` and `\`
 * escaped) when every byte is printable ASCII and the last is not `\`, else
 * `--hex-string "|…|"` with every byte in hex. `--from 0` and `--to 65535` are defaults and are
 * not printed.
 */
import type { XtOption } from '../../../rule.js'
import { type CanonContext, opt, type RawOption } from '../../types.js'
import { defineModule } from './lib/define.js'
import type { Opts } from './lib/options.js'
import { alwaysQuoted } from './lib/quote.js'
import { arg, str, uint } from './lib/xtopt.js'

const MAX_PATTERN = 128
/** Text-search algorithms the kernel provides (fsm exists but refuses ordinary patterns). */
const ALGOS = ['bm', 'kmp']

const isHex = (b: number | undefined) =>
  b !== undefined && /^[0-9a-fA-F]$/.test(String.fromCharCode(b))

/** `parse_hex_string`, on the UTF-8 bytes of the argument. */
function hexPattern(o: RawOption, ctx: CanonContext): number[] {
  const s = [...new TextEncoder().encode(arg(o))]
  if (s.length === 0) return ctx.fail('STRING must contain at least one char', o)
  const out: number[] = []
  let inHex = false
  let literal = false
  let i = 0
  const BS = 0x5c
  const BAR = 0x7c
  while (i < s.length) {
    if (out.length >= MAX_PATTERN)
      return ctx.fail(`STRING too long "${arg(o)}"`, o, `at most ${MAX_PATTERN} bytes`)
    if (s[i] === BS && !inHex) literal = true
    else if (s[i] === BS) return ctx.fail('cannot include literals in hex data', o)
    else if (s[i] === BAR) {
      if (inHex) inHex = false
      else {
        inHex = true
        while (s[i + 1] === 0x20) i++
      }
      if (i + 1 >= s.length) break
      i++
    }
    if (literal) {
      if (i + 1 >= s.length)
        return ctx.fail(
          'bad literal placement at end of string',
          o,
          'a "\\" must be followed by a character',
        )
      out.push(s[i + 1] as number)
      i += 2
      literal = false
    } else if (inHex) {
      if (i + 1 >= s.length) return ctx.fail('odd number of hex digits', o)
      if (i + 2 >= s.length) return ctx.fail('invalid hex block', o, 'close the hex block with "|"')
      if (!isHex(s[i]) || !isHex(s[i + 1]))
        return ctx.fail('invalid hex char', o, 'hex blocks hold pairs of hex digits')
      out.push(Number.parseInt(String.fromCharCode(s[i] as number, s[i + 1] as number), 16))
      i += s[i + 2] === 0x20 ? 3 : 2
    } else {
      out.push(s[i] as number)
      i++
    }
  }
  return out
}

function textPattern(o: RawOption, ctx: CanonContext): number[] {
  const bytes = [...new TextEncoder().encode(arg(o))]
  if (bytes.length > MAX_PATTERN)
    return ctx.fail(`STRING too long "${arg(o)}"`, o, `at most ${MAX_PATTERN} bytes`)
  return bytes
}

/** `string_save`: text when printable, else hex. */
function patternOption(bytes: readonly number[], negated: boolean): XtOption {
  const printable = bytes.every((b) => b >= 0x20 && b <= 0x7e) && bytes[bytes.length - 1] !== 0x5c
  if (printable) return alwaysQuoted('--string', String.fromCharCode(...bytes), negated)
  const hex = bytes.map((b) => b.toString(16).padStart(2, '0')).join('')
  return alwaysQuoted('--hex-string', `|${hex}|`, negated)
}

export const stringMatch = defineModule({
  name: 'string',
  kind: 'match',
  options: [
    { names: ['--from'] },
    { names: ['--to'] },
    { names: ['--algo'], mand: true },
    { names: ['--string'], invert: true, excl: ['--hex-string'] },
    { names: ['--hex-string'], invert: true, excl: ['--string'] },
    { names: ['--icase'], arity: 0 },
  ],
  canon(o: Opts, ctx: CanonContext) {
    const text = o.get('--string')
    const hex = o.get('--hex-string')
    const p = text ?? hex
    if (!p)
      return ctx.fail(
        "STRING match: you must specify `--string' or `--hex-string'",
        undefined,
        'add --string TEXT',
      )
    const bytes = text ? textPattern(text, ctx) : hexPattern(p, ctx)
    const algoOpt = o.get('--algo')
    const algo = algoOpt ? str(algoOpt, ctx, { size: 16 }) : ''
    if (!ALGOS.includes(algo))
      return ctx.fail(
        `string: the kernel has no text search algorithm "${algo}"`,
        algoOpt,
        'use --algo bm or --algo kmp',
      )
    const f = o.get('--from')
    const t = o.get('--to')
    const from = f ? uint('string', f, ctx, 16) : 0n
    const to = t ? uint('string', t, ctx, 16) : 65535n
    // xt_string refuses an empty window.
    if (from > to)
      return ctx.fail(
        'string: the kernel refuses --from beyond --to',
        f,
        'make --from at most --to',
      )
    const out = [patternOption(bytes, p.negated), opt('--algo', [algo])]
    if (from !== 0n) out.push(opt('--from', [String(from)]))
    if (to !== 65535n) out.push(opt('--to', [String(to)]))
    if (o.has('--icase')) out.push(opt('--icase'))
    return out
  },
})
