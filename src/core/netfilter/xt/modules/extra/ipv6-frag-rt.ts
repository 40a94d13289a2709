/**
 * @module core/netfilter/xt/modules/extra/ipv6-frag-rt
 * IPv6 extension headers with ranges: `-m frag` (libip6t_frag: identification, length and the
 * res/first/more/last flags) and `-m rt` (libip6t_rt: routing header type, segments left,
 * length and type-0 addresses). A range covering everything is not printed. `--rt-0-res` and
 * `--rt-0-addrs` must come after `--rt-type 0`, and `--rt-0-not-strict` after `--rt-0-addrs`:
 * iptables checks them in command-line order.
 */

import { parseIPv6 } from '../../../../net/ip.js'
import type { XtOption } from '../../../rule.js'
import { type CanonContext, opt, type RawOption } from '../../types.js'
import { defineModule } from './lib/define.js'
import { ntop6 } from './lib/inet.js'
import type { Opts } from './lib/options.js'
import { arg, uint, uintRange } from './lib/xtopt.js'

const ALL = 0xffffffffn

/** A `UINT32RC` range option, printed unless it is the whole range. */
function rangeOption(ext: string, o: RawOption | undefined, ctx: CanonContext): XtOption[] {
  if (!o) return []
  const v = uintRange(ext, o, ctx, 32)
  const lo = v[0] ?? 0n
  const hi = v.length === 2 ? (v[1] as bigint) : lo
  if (lo === 0n && hi === ALL) return []
  return [opt(o.canonical, [lo === hi ? String(lo) : `${lo}:${hi}`], o.negated)]
}

function numberOption(ext: string, o: RawOption | undefined, ctx: CanonContext): XtOption[] {
  return o ? [opt(o.canonical, [String(uint(ext, o, ctx, 32))], o.negated)] : []
}

export const fragMatch = defineModule({
  name: 'frag',
  kind: 'match',
  families: [6],
  options: [
    { names: ['--fragid'], invert: true },
    { names: ['--fraglen'], invert: true },
    { names: ['--fragres'], arity: 0 },
    { names: ['--fragfirst'], arity: 0 },
    { names: ['--fragmore'], arity: 0, excl: ['--fraglast'] },
    { names: ['--fraglast'], arity: 0, excl: ['--fragmore'] },
  ],
  canon(o: Opts, ctx: CanonContext) {
    const out = [
      ...rangeOption('frag', o.get('--fragid'), ctx),
      ...numberOption('frag', o.get('--fraglen'), ctx),
    ]
    for (const f of ['--fragres', '--fragfirst', '--fragmore', '--fraglast'])
      if (o.has(f)) out.push(opt(f))
    return out
  },
})

const MAX_HOPS = 16

function addresses(o: RawOption, ctx: CanonContext): string {
  const list = arg(o).split(',')
  if (list.length > MAX_HOPS)
    ctx.fail('too many addresses specified', o, `at most ${MAX_HOPS} addresses`)
  return list
    .map((a) => {
      const v = parseIPv6(a)
      if (v === undefined)
        return ctx.fail(`bad address: ${a}`, o, 'give IPv6 addresses separated by commas')
      return ntop6(v)
    })
    .join(',')
}

/** `rt_parse`'s order checks: type-0 options need `--rt-type 0` (not negated) before them. */
function checkOrder(o: Opts, ctx: CanonContext): void {
  let type0 = false
  let addrs = false
  for (const x of o.list) {
    if (x.canonical === '--rt-type') type0 = !x.negated && uint('rt', x, ctx, 32) === 0n
    if ((x.canonical === '--rt-0-res' || x.canonical === '--rt-0-addrs') && !type0) {
      ctx.fail(`\`--rt-type 0' required before \`${x.canonical}'`, x, 'put --rt-type 0 first')
    }
    if (x.canonical === '--rt-0-addrs') addrs = true
    if (x.canonical === '--rt-0-not-strict' && !addrs) {
      ctx.fail("`--rt-0-addr ...' required before `--rt-0-not-strict'", x, 'put --rt-0-addrs first')
    }
  }
}

export const rtMatch = defineModule({
  name: 'rt',
  kind: 'match',
  families: [6],
  options: [
    { names: ['--rt-type'], invert: true },
    { names: ['--rt-segsleft'], invert: true },
    { names: ['--rt-len'], invert: true },
    { names: ['--rt-0-res'], arity: 0 },
    { names: ['--rt-0-addrs'] },
    { names: ['--rt-0-not-strict'], arity: 0 },
  ],
  canon(o: Opts, ctx: CanonContext) {
    checkOrder(o, ctx)
    const out = [
      ...numberOption('rt', o.get('--rt-type'), ctx),
      ...rangeOption('rt', o.get('--rt-segsleft'), ctx),
      ...numberOption('rt', o.get('--rt-len'), ctx),
    ]
    if (o.has('--rt-0-res')) out.push(opt('--rt-0-res'))
    const a = o.get('--rt-0-addrs')
    if (a) out.push(opt('--rt-0-addrs', [addresses(a, ctx)]))
    if (o.has('--rt-0-not-strict')) out.push(opt('--rt-0-not-strict'))
    return out
  },
})
