/**
 * @module core/netfilter/xt/modules/extra/tcpmss
 * TCP maximum segment size: the match `-m tcpmss` (libxt_tcpmss, `--mss a[:b]`) and the target
 * `-j TCPMSS` (libxt_TCPMSS). `--clamp-mss-to-pmtu` is stored as MSS 65535, so when both target
 * options are given the last one wins, as in iptables. `--set-mss` goes up to 65535 minus the IP
 * header (65515 for IPv4, 65495 for IPv6). Both need `-p tcp`; the target also needs a match on
 * the SYN flag (`-m tcp --tcp-flags SYN,RST SYN`), which canonicalisation cannot see.
 */
import { type CanonContext, opt, type RawOption } from '../../types.js'
import { formatRange16 } from './length.js'
import { defineModule } from './lib/define.js'
import type { Opts } from './lib/options.js'
import { uint, uintRange } from './lib/xtopt.js'

function needTcp(ext: string, o: RawOption | undefined, ctx: CanonContext): void {
  if (ctx.proto?.number !== 6 || ctx.proto.negated) {
    ctx.fail(
      `${ext}: the kernel refuses this in a rule without -p tcp`,
      o,
      'add -p tcp to the rule',
    )
  }
}

export const tcpmssMatch = defineModule({
  name: 'tcpmss',
  kind: 'match',
  options: [{ names: ['--mss'], invert: true, mand: true }],
  canon(o: Opts, ctx: CanonContext) {
    const m = o.get('--mss')
    if (!m) return []
    needTcp('tcpmss', m, ctx)
    const v = uintRange('tcpmss', m, ctx, 16)
    const lo = v[0] ?? 0n
    const hi = v.length === 2 ? (v[1] as bigint) : lo
    if (hi < lo) ctx.fail('tcpmss: invalid range given', m, 'write the smaller MSS first')
    return [opt('--mss', [formatRange16(lo, hi)], m.negated)]
  },
})

const CLAMP = 0xffffn

export const tcpmssTarget = defineModule({
  name: 'TCPMSS',
  kind: 'target',
  options: [{ names: ['--set-mss'] }, { names: ['--clamp-mss-to-pmtu'], arity: 0 }],
  canon(o: Opts, ctx: CanonContext) {
    if (o.list.length === 0) {
      return ctx.fail(
        'TCPMSS target: at least one parameter is required',
        undefined,
        'add --set-mss N or --clamp-mss-to-pmtu',
      )
    }
    needTcp('TCPMSS', o.list[0], ctx)
    let mss = 0n
    for (const x of o.list) {
      mss =
        x.canonical === '--clamp-mss-to-pmtu'
          ? CLAMP
          : uint('TCPMSS', x, ctx, 16, 0n, ctx.family === 4 ? 65515n : 65495n)
    }
    return mss === CLAMP ? [opt('--clamp-mss-to-pmtu')] : [opt('--set-mss', [String(mss)])]
  },
})
