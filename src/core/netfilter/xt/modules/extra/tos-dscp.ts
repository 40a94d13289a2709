/**
 * @module core/netfilter/xt/modules/extra/tos-dscp
 * The IPv4 TOS / IPv6 traffic class byte: matches `-m tos` (libxt_tos revision 1) and `-m dscp`,
 * targets `-j TOS` (libxt_TOS revision 1) and `-j DSCP`. Values are saved in hex: `--tos` and
 * `--set-tos` as `0xVV/0xMM`, where a number gets the mask 0xff and a symbolic name (e.g.
 * `Minimize-Delay`) the mask 0x3f; `--and-tos`, `--or-tos` and `--xor-tos` are stored as a
 * value/mask pair and print as `--set-tos`. DSCP classes (`EF`, `AF41`, `CS1`, …) print as
 * their number; a class name only has to start the argument (`AF11x` is AF11), as in iptables.
 */
import { type CanonContext, opt, type RawOption } from '../../types.js'
import { hex, xtStrtoulPrefix } from './lib/cnum.js'
import { defineModule } from './lib/define.js'
import type { Opts } from './lib/options.js'
import { arg, uint } from './lib/xtopt.js'

const TOS_SYMBOLS: readonly (readonly [string, number])[] = [
  ['Minimize-Delay', 0x10],
  ['Maximize-Throughput', 0x08],
  ['Maximize-Reliability', 0x04],
  ['Minimize-Cost', 0x02],
  ['Normal-Service', 0x00],
]

/** `XTTYPE_TOSMASK`: `value[/mask]` (numbers mask 0xff) or a symbol (mask `symbolMask`). */
function tosMask(
  o: RawOption,
  ctx: CanonContext,
  symbolMask: number,
): { value: number; mask: number } {
  const text = arg(o)
  const first = xtStrtoulPrefix(text, 0n, 255n)
  if (first) {
    let mask = 0xff
    let end = first.end
    if (text[end] === '/') {
      const m = xtStrtoulPrefix(text, 0n, 255n, end + 1)
      if (!m) return ctx.fail(`illegal value: "${text}"`, o, 'write value/mask, each 0-255')
      mask = Number(m.value)
      end = m.end
    }
    if (end !== text.length)
      return ctx.fail(`illegal value: "${text}"`, o, 'write value/mask, each 0-255')
    return { value: Number(first.value), mask }
  }
  const sym = TOS_SYMBOLS.find(([n]) => n.toLowerCase() === text.toLowerCase())
  if (!sym) {
    const names = TOS_SYMBOLS.map(([n]) => n).join(', ')
    return ctx.fail(`symbolic name "${text}" is unknown`, o, `use a number or one of ${names}`)
  }
  return { value: sym[1], mask: symbolMask }
}

const tosPair = (v: number, m: number) => `${hex(v, 2)}/${hex(m, 2)}`

export const tosMatch = defineModule({
  name: 'tos',
  kind: 'match',
  options: [{ names: ['--tos'], invert: true, mand: true }],
  canon(o: Opts, ctx: CanonContext) {
    const t = o.get('--tos')
    if (!t) return []
    const { value, mask } = tosMask(t, ctx, 0x3f)
    return [opt('--tos', [tosPair(value, mask)], t.negated)]
  },
})

const TOS_ACTIONS = ['--set-tos', '--and-tos', '--or-tos', '--xor-tos']

export const tosTarget = defineModule({
  name: 'TOS',
  kind: 'target',
  options: TOS_ACTIONS.map((n) => ({ names: [n], excl: TOS_ACTIONS })),
  canon(o: Opts, ctx: CanonContext) {
    const x = o.list[0]
    if (!x)
      return ctx.fail(
        'TOS: an action is required',
        undefined,
        'add --set-tos, --and-tos, --or-tos or --xor-tos',
      )
    if (x.canonical === '--set-tos') {
      const { value, mask } = tosMask(x, ctx, 0x3f)
      return [opt('--set-tos', [tosPair(value, mask)])]
    }
    const v = Number(uint('TOS', x, ctx, 8))
    const pair =
      x.canonical === '--and-tos' ? [0, ~v & 0xff] : x.canonical === '--or-tos' ? [v, v] : [v, 0]
    return [opt('--set-tos', [tosPair(pair[0] as number, pair[1] as number)])]
  },
})

const DSCP_CLASSES: readonly (readonly [string, number])[] = [
  ['CS0', 0x00],
  ['CS1', 0x08],
  ['CS2', 0x10],
  ['CS3', 0x18],
  ['CS4', 0x20],
  ['CS5', 0x28],
  ['CS6', 0x30],
  ['CS7', 0x38],
  ['BE', 0x00],
  ['AF11', 0x0a],
  ['AF12', 0x0c],
  ['AF13', 0x0e],
  ['AF21', 0x12],
  ['AF22', 0x14],
  ['AF23', 0x16],
  ['AF31', 0x1a],
  ['AF32', 0x1c],
  ['AF33', 0x1e],
  ['AF41', 0x22],
  ['AF42', 0x24],
  ['AF43', 0x26],
  ['EF', 0x2e],
]

/** `class_to_dscp`: the first class whose name starts the argument, case-insensitively. */
function dscpClass(o: RawOption, ctx: CanonContext): number {
  const text = arg(o).toUpperCase()
  const c = DSCP_CLASSES.find(([n]) => text.startsWith(n))
  if (!c) return ctx.fail(`invalid DSCP value \`${arg(o)}'`, o, 'use BE, EF, AFxy or CSx')
  return c[1]
}

function dscpValue(
  ext: string,
  numeric: RawOption | undefined,
  cls: RawOption | undefined,
  ctx: CanonContext,
): number {
  if (numeric) return Number(uint(ext, numeric, ctx, 8, 0n, 0x3fn))
  if (cls) return dscpClass(cls, ctx)
  return -1
}

export const dscpMatch = defineModule({
  name: 'dscp',
  kind: 'match',
  options: [
    { names: ['--dscp'], invert: true, excl: ['--dscp-class'] },
    { names: ['--dscp-class'], invert: true, excl: ['--dscp'] },
  ],
  canon(o: Opts, ctx: CanonContext) {
    const n = o.get('--dscp')
    const c = o.get('--dscp-class')
    const v = dscpValue('dscp', n, c, ctx)
    if (v < 0)
      return ctx.fail(
        'DSCP match: parameter --dscp is required',
        undefined,
        'add --dscp N or --dscp-class CLASS',
      )
    return [opt('--dscp', [hex(v, 2)], (n ?? c)?.negated === true)]
  },
})

export const dscpTarget = defineModule({
  name: 'DSCP',
  kind: 'target',
  options: [
    { names: ['--set-dscp'], excl: ['--set-dscp-class'] },
    { names: ['--set-dscp-class'], excl: ['--set-dscp'] },
  ],
  canon(o: Opts, ctx: CanonContext) {
    const v = dscpValue('DSCP', o.get('--set-dscp'), o.get('--set-dscp-class'), ctx)
    if (v < 0)
      return ctx.fail(
        'DSCP target: parameter --set-dscp is required',
        undefined,
        'add --set-dscp N or --set-dscp-class CLASS',
      )
    return [opt('--set-dscp', [hex(v, 2)])]
  },
})
