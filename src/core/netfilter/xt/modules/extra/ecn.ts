/**
 * @module core/netfilter/xt/modules/extra/ecn
 * Explicit Congestion Notification: the match `-m ecn` (libxt_ecn) and the IPv4 target `-j ECN`
 * (libipt_ECN). The match saves `--ecn-tcp-ece`, `--ecn-tcp-cwr`, `--ecn-ip-ect` in that order.
 * The target saves `--ecn-tcp-remove` when it only clears both TCP bits; `--ecn-tcp-remove`
 * *replaces* the operations given before it (so `--ecn-ip-ect 1 --ecn-tcp-remove` loses the
 * IP part), as in libipt_ECN. The kernel refuses TCP bits unless the rule has `-p tcp`.
 */
import type { XtOption } from '../../../rule.js'
import { type CanonContext, opt, type RawOption } from '../../types.js'
import { defineModule } from './lib/define.js'
import type { Opts } from './lib/options.js'
import { uint } from './lib/xtopt.js'

/** xt_ecn / ipt_ECN: TCP header bits need a rule restricted to (not negated) TCP. */
function needTcp(ext: string, o: RawOption | undefined, ctx: CanonContext): void {
  if (ctx.proto?.number !== 6 || ctx.proto.negated) {
    ctx.fail(
      `${ext}: the kernel refuses TCP ECN bits in a rule without -p tcp`,
      o,
      'add -p tcp to the rule',
    )
  }
}

export const ecnMatch = defineModule({
  name: 'ecn',
  kind: 'match',
  options: [
    { names: ['--ecn-tcp-cwr'], arity: 0, invert: true },
    { names: ['--ecn-tcp-ece'], arity: 0, invert: true },
    { names: ['--ecn-ip-ect'], invert: true },
  ],
  canon(o: Opts, ctx: CanonContext) {
    if (o.list.length === 0)
      return ctx.fail(
        'ECN match: some option required',
        undefined,
        'add --ecn-tcp-cwr, --ecn-tcp-ece or --ecn-ip-ect',
      )
    const out: XtOption[] = []
    for (const n of ['--ecn-tcp-ece', '--ecn-tcp-cwr']) {
      const x = o.get(n)
      if (!x) continue
      needTcp('ecn', x, ctx)
      out.push(opt(n, [], x.negated))
    }
    const ip = o.get('--ecn-ip-ect')
    if (ip) out.push(opt('--ecn-ip-ect', [String(uint('ecn', ip, ctx, 8, 0n, 3n))], ip.negated))
    return out
  },
})

const SET_ECE = 1
const SET_CWR = 2
const SET_IP = 4

export const ecnTarget = defineModule({
  name: 'ECN',
  kind: 'target',
  families: [4],
  options: [
    { names: ['--ecn-tcp-remove'], arity: 0, excl: ['--ecn-tcp-cwr', '--ecn-tcp-ece'] },
    { names: ['--ecn-tcp-cwr'], excl: ['--ecn-tcp-remove'] },
    { names: ['--ecn-tcp-ece'], excl: ['--ecn-tcp-remove'] },
    { names: ['--ecn-ip-ect'] },
  ],
  canon(o: Opts, ctx: CanonContext) {
    if (o.list.length === 0)
      return ctx.fail('ECN target: an operation is required', undefined, 'add --ecn-tcp-remove')
    let op = 0
    const v = { ece: 0n, cwr: 0n, ip: 0n }
    for (const x of o.list) {
      if (x.canonical === '--ecn-tcp-remove') {
        op = SET_ECE | SET_CWR
        v.ece = 0n
        v.cwr = 0n
      } else if (x.canonical === '--ecn-tcp-cwr') {
        op |= SET_CWR
        v.cwr = uint('ECN', x, ctx, 8, 0n, 1n)
      } else if (x.canonical === '--ecn-tcp-ece') {
        op |= SET_ECE
        v.ece = uint('ECN', x, ctx, 8, 0n, 1n)
      } else {
        op |= SET_IP
        v.ip = uint('ECN', x, ctx, 8, 0n, 3n)
      }
    }
    if (op & (SET_ECE | SET_CWR)) needTcp('ECN', o.list[0], ctx)
    if (op === (SET_ECE | SET_CWR) && v.ece === 0n && v.cwr === 0n) return [opt('--ecn-tcp-remove')]
    const out: XtOption[] = []
    if (op & SET_ECE) out.push(opt('--ecn-tcp-ece', [String(v.ece)]))
    if (op & SET_CWR) out.push(opt('--ecn-tcp-cwr', [String(v.cwr)]))
    if (op & SET_IP) out.push(opt('--ecn-ip-ect', [String(v.ip)]))
    return out
  },
})
