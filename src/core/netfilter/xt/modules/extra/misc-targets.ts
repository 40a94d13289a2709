/**
 * @module core/netfilter/xt/modules/extra/misc-targets
 * `-j IDLETIMER` (libxt_IDLETIMER revision 1: `--timeout SECONDS --label NAME [--alarm]`, the
 * label cut to 27 bytes), `-j SYNPROXY` (libxt_SYNPROXY: flags and values printed in a fixed
 * order; needs `-p tcp`, and INPUT or FORWARD, which is not modelled) and `-j TCPOPTSTRIP`
 * (libxt_TCPOPTSTRIP: option names or numbers 2-255, printed as sorted numbers; needs `-p tcp`).
 */
import type { XtOption } from '../../../rule.js'
import { type CanonContext, opt, type RawOption } from '../../types.js'
import { xtStrtoul } from './lib/cnum.js'
import { defineModule } from './lib/define.js'
import type { Opts } from './lib/options.js'
import { arg, str, uint } from './lib/xtopt.js'

function needTcp(ext: string, o: RawOption | undefined, ctx: CanonContext): void {
  if (ctx.proto?.number !== 6 || ctx.proto.negated) {
    ctx.fail(
      `${ext}: the kernel refuses this target in a rule without -p tcp`,
      o,
      'add -p tcp to the rule',
    )
  }
}

export const idletimerTarget = defineModule({
  name: 'IDLETIMER',
  kind: 'target',
  options: [
    { names: ['--timeout'], mand: true },
    { names: ['--label'], mand: true },
    { names: ['--alarm'], arity: 0 },
  ],
  canon(o: Opts, ctx: CanonContext) {
    const t = o.get('--timeout')
    const l = o.get('--label')
    if (!t || !l) return []
    const timeout = uint('IDLETIMER', t, ctx, 32)
    const label = str(l, ctx, { size: 28 })
    // idletimer_tg_checkentry refuses a zero timeout and an empty label.
    if (timeout === 0n)
      ctx.fail('IDLETIMER: the kernel refuses a timeout of 0', t, 'give a timeout in seconds')
    if (label === '') ctx.fail('IDLETIMER: the kernel refuses an empty label', l, 'give a label')
    const out = [opt('--timeout', [String(timeout)]), opt('--label', [label])]
    if (o.has('--alarm')) out.push(opt('--alarm'))
    return out
  },
})

export const synproxyTarget = defineModule({
  name: 'SYNPROXY',
  kind: 'target',
  options: [
    { names: ['--sack-perm'], arity: 0 },
    { names: ['--timestamp'], arity: 0 },
    { names: ['--wscale'] },
    { names: ['--mss'] },
    { names: ['--ecn'], arity: 0 },
  ],
  canon(o: Opts, ctx: CanonContext) {
    needTcp('SYNPROXY', o.list[0], ctx)
    const out: XtOption[] = []
    for (const n of ['--sack-perm', '--timestamp', '--wscale', '--mss', '--ecn']) {
      const x = o.get(n)
      if (!x) continue
      out.push(x.values.length > 0 ? opt(n, [String(uint('SYNPROXY', x, ctx, 32))]) : opt(n))
    }
    return out
  },
})

const TCP_OPTIONS: ReadonlyMap<string, number> = new Map([
  ['wscale', 3],
  ['mss', 2],
  ['sack-permitted', 4],
  ['sack', 5],
  ['timestamp', 8],
  ['md5', 19],
])

function stripList(o: RawOption, ctx: CanonContext): number[] {
  const set = new Set<number>()
  for (const item of arg(o).split(',')) {
    const n = TCP_OPTIONS.get(item) ?? xtStrtoul(item, 0n, 255n)
    if (n === undefined)
      ctx.fail(
        `bad TCP option value "${item}"`,
        o,
        'use a number 2-255 or wscale, mss, sack-permitted, sack, timestamp, md5',
      )
    const v = Number(n)
    if (v < 2)
      ctx.fail('option value may not be 0 or 1', o, 'TCP options 0 and 1 cannot be stripped')
    if (set.has(v)) ctx.fail(`option "${item}" already specified`, o, 'list each option once')
    set.add(v)
  }
  return [...set].sort((a, b) => a - b)
}

export const tcpoptstripTarget = defineModule({
  name: 'TCPOPTSTRIP',
  kind: 'target',
  options: [{ names: ['--strip-options'] }],
  canon(o: Opts, ctx: CanonContext) {
    needTcp('TCPOPTSTRIP', o.list[0], ctx)
    const s = o.get('--strip-options')
    return s ? [opt('--strip-options', [stripList(s, ctx).join(',')])] : []
  },
})
