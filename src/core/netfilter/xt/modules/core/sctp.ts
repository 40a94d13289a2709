/**
 * @module core/netfilter/xt/modules/core/sctp
 * `-m sctp` (libxt_sctp.c): source and destination ports. Unlike tcp, a given range is always
 * printed, even 0:65535. `--chunk-types` is not modelled and is reported as unsupported.
 */
import type { XtOption } from '../../../rule.js'
import type { CanonContext, RawOption, XtModule } from '../../types.js'
import { byName, formatRange, port, portRange, spec, value } from './common.js'

function ports(o: RawOption, ctx: CanonContext): string {
  const r = portRange(value(o), (t) => port(t, 'sctp'))
  if (!r) ctx.fail(`sctp: invalid port/service "${value(o)}"`, o)
  if (r[0] > r[1]) ctx.fail('sctp: invalid portrange (min > max)', o)
  return formatRange(r[0], r[1])
}

export const sctpMatch: XtModule = {
  name: 'sctp',
  kind: 'match',
  options: [
    spec(['--sport', '--source-port'], 1, true),
    spec(['--dport', '--destination-port'], 1, true),
    spec('--chunk-types', 2, true),
  ],
  canonicalize(raw: readonly RawOption[], ctx: CanonContext) {
    const p = ctx.proto
    if (p?.number !== 132 || p.negated)
      ctx.fail('the sctp match needs -p sctp', raw[0], 'add "-p sctp" to the rule')
    const got = byName('sctp', raw, ctx)
    const chunks = got.get('--chunk-types')
    if (chunks)
      ctx.fail('sctp: --chunk-types is not supported by kpath', chunks, 'match on ports only')
    const out: XtOption[] = []
    for (const n of ['--sport', '--dport']) {
      const o = got.get(n)
      if (o) out.push({ name: n, negated: o.negated, values: [ports(o, ctx)] })
    }
    return out
  },
}
