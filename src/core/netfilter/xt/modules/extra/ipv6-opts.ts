/**
 * @module core/netfilter/xt/modules/extra/ipv6-opts
 * IPv6 option headers: `-m hbh` (hop-by-hop, libip6t_hbh) and `-m dst` (destination options,
 * libip6t_dst). `--*-len` is the header length; `--*-opts TYPE[:LEN],…` lists up to 16 options
 * (numbers in any C base, printed in decimal; an option without a length, or with length 255,
 * prints without one). Type 0 (Pad1) cannot have a length.
 */
import { type CanonContext, opt, type RawOption } from '../../types.js'
import { strtoul } from './lib/cnum.js'
import { defineModule } from './lib/define.js'
import type { Opts } from './lib/options.js'
import { arg, uint } from './lib/xtopt.js'

const MAX_OPTS = 16

function optNumber(
  ext: string,
  text: string,
  what: string,
  o: RawOption,
  ctx: CanonContext,
): number {
  const r = strtoul(text, 0)
  if (r.end === 0 && text !== '')
    return ctx.fail(`${ext}: no valid digits in ${what} \`${text}'`, o)
  if (text === '') return ctx.fail(`${ext}: no valid digits in ${what} \`${text}'`, o)
  if (r.end !== text.length) return ctx.fail(`${ext}: error parsing ${what} \`${text}'`, o)
  return Number(r.value & 0xffn)
}

function options(ext: string, o: RawOption, ctx: CanonContext): string {
  const items = arg(o).split(',')
  if (items.length > MAX_OPTS)
    ctx.fail('too many addresses specified', o, `at most ${MAX_OPTS} options`)
  return items
    .map((item, i) => {
      const colon = item.indexOf(':')
      const type = optNumber(ext, colon < 0 ? item : item.slice(0, colon), 'opt', o, ctx)
      if (colon < 0) return String(type)
      if (i === MAX_OPTS - 1) ctx.fail('too many ports specified', o)
      if (type === 0) ctx.fail('PAD0 has not got length', o, 'give Pad1 (type 0) without a length')
      const len = optNumber(ext, item.slice(colon + 1), 'length', o, ctx)
      return len === 0xff ? String(type) : `${type}:${len}`
    })
    .join(',')
}

function optsMatch(name: 'hbh' | 'dst') {
  const [lenName, optsName] = [`--${name}-len`, `--${name}-opts`]
  return defineModule({
    name,
    kind: 'match',
    families: [6],
    options: [{ names: [lenName], invert: true }, { names: [optsName] }],
    canon(o: Opts, ctx: CanonContext) {
      const out = []
      const l = o.get(lenName)
      if (l) out.push(opt(lenName, [String(uint(name, l, ctx, 32))], l.negated))
      const x = o.get(optsName)
      if (x) out.push(opt(optsName, [options(name, x, ctx)]))
      return out
    },
  })
}

export const hbhMatch = optsMatch('hbh')
export const dstMatch = optsMatch('dst')
