/**
 * @module core/netfilter/xt/modules/extra/mh
 * `-m mh` (libip6t_mh): Mobility Header types as names (`binding-update`, or any prefix of a
 * name: `home` is `home-test-init`), short aliases (`bu`) or numbers, alone or as a range.
 * iptables-save prints numbers; the full range 0:255 is not printed, negated or not. The rule
 * needs `-p mh` (or `-p mobility-header`, `-p ipv6-mh`, `-p 135`).
 */
import { type CanonContext, opt, type RawOption } from '../../types.js'
import { xtStrtoul } from './lib/cnum.js'
import { defineModule } from './lib/define.js'
import type { Opts } from './lib/options.js'
import { arg } from './lib/xtopt.js'

const TYPES: readonly (readonly [string, number])[] = [
  ['binding-refresh-request', 0],
  ['brr', 0],
  ['home-test-init', 1],
  ['hoti', 1],
  ['careof-test-init', 2],
  ['coti', 2],
  ['home-test', 3],
  ['hot', 3],
  ['careof-test', 4],
  ['cot', 4],
  ['binding-update', 5],
  ['bu', 5],
  ['binding-acknowledgement', 6],
  ['ba', 6],
  ['binding-error', 7],
  ['be', 7],
]

/** `name_to_type`: the first name the text starts, unless a later name equals it exactly. */
function mhType(text: string, o: RawOption, ctx: CanonContext): number {
  let match: number | undefined
  for (const [name, type] of TYPES) {
    if (name.slice(0, text.length).toLowerCase() === text.toLowerCase()) {
      if (match === undefined || name.length === text.length) match = type
    }
  }
  if (match !== undefined) return match
  const n = xtStrtoul(text, 0n, 255n)
  if (n === undefined)
    return ctx.fail(
      `invalid MH type \`${text}'`,
      o,
      'use a type name such as binding-update, or 0-255',
    )
  return Number(n)
}

export const mhMatch = defineModule({
  name: 'mh',
  kind: 'match',
  families: [6],
  options: [{ names: ['--mh-type'], invert: true }],
  canon(o: Opts, ctx: CanonContext) {
    if (ctx.proto?.number !== 135 || ctx.proto.negated) {
      ctx.fail(
        'mh: the kernel refuses this match in a rule without -p mh',
        o.list[0],
        'add -p mh to the rule',
      )
    }
    const t = o.get('--mh-type')
    if (!t) return []
    const text = arg(t)
    const colon = text.indexOf(':')
    let lo: number
    let hi: number
    if (colon < 0) lo = hi = mhType(text, t, ctx)
    else {
      lo = colon > 0 ? mhType(text.slice(0, colon), t, ctx) : 0
      hi = colon < text.length - 1 ? mhType(text.slice(colon + 1), t, ctx) : 0xff
      if (lo > hi) ctx.fail('invalid MH type range (min > max)', t, 'write the smaller type first')
    }
    if (lo === 0 && hi === 0xff) return []
    return [opt('--mh-type', [lo === hi ? String(lo) : `${lo}:${hi}`], t.negated)]
  },
})
