/**
 * @module core/netfilter/xt/modules/core/iprange
 * `-m iprange` (libxt_iprange.c, revision 1): `--src-range`/`--dst-range` `from[-to]`, read with
 * libxtables' numeric address parser and always saved as `from-to`.
 */
import type { XtOption } from '../../../rule.js'
import type { CanonContext, RawOption, XtModule } from '../../types.js'
import { byName, spec, value } from './common.js'
import { formatInet, inet6, xtIPv4 } from './xt-addr.js'

function range(o: RawOption, ctx: CanonContext): string {
  const text = value(o)
  const dash = text.indexOf('-')
  const parts = dash < 0 ? [text, text] : [text.slice(0, dash), text.slice(dash + 1)]
  const addrs = parts.map((p) => (ctx.family === 4 ? xtIPv4(p) : inet6(p)))
  const [from, to] = addrs
  if (from === undefined || to === undefined) {
    ctx.fail(
      `iprange: bad value for ${o.canonical}: "${text}"`,
      o,
      'give numeric addresses; host names are not resolved',
    )
  }
  return `${formatInet(ctx.family, from)}-${formatInet(ctx.family, to)}`
}

export const iprangeMatch: XtModule = {
  name: 'iprange',
  kind: 'match',
  options: [spec('--src-range', 1, true), spec('--dst-range', 1, true)],
  canonicalize(raw: readonly RawOption[], ctx: CanonContext) {
    const got = byName('iprange', raw, ctx)
    if (got.size === 0) ctx.fail("iprange match: You must specify `--src-range' or `--dst-range'")
    const out: XtOption[] = []
    for (const n of ['--src-range', '--dst-range']) {
      const o = got.get(n)
      if (o) out.push({ name: n, negated: o.negated, values: [range(o, ctx)] })
    }
    return out
  },
}
