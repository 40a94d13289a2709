/**
 * @module core/netfilter/xt/modules/core/addrtype
 * `-m addrtype` (libxt_addrtype.c, revision 1): the route type of the source or destination
 * address. Types are read by case-insensitive prefix in `rtn_names` order and printed in that
 * order; `--limit-iface-in` and `--limit-iface-out` exclude each other. The kernel also refuses
 * BLACKHOLE, PROHIBIT and BROADCAST for IPv6 (checked here) and limits the interface options to
 * some hooks (not checked: that needs the chain's reachability).
 */
import type { XtOption } from '../../../rule.js'
import type { CanonContext, RawOption, XtModule } from '../../types.js'
import { byName, exclusive, keep, prefixList, spec, value } from './common.js'

/** The kernel's RTN_* route types, by bit position. */
export const ROUTE_TYPES = [
  'UNSPEC',
  'UNICAST',
  'LOCAL',
  'BROADCAST',
  'ANYCAST',
  'MULTICAST',
  'BLACKHOLE',
  'UNREACHABLE',
  'PROHIBIT',
  'THROW',
  'NAT',
  'XRESOLVE',
]

/** Types xt_addrtype refuses for IPv6 (`addrtype_mt_checkentry_v1`). */
const NOT_IPV6 = ['BLACKHOLE', 'PROHIBIT', 'BROADCAST']

function types(o: RawOption, ctx: CanonContext): string {
  const idx = prefixList(value(o), ROUTE_TYPES)
  if (!idx) ctx.fail(`addrtype: bad type "${value(o)}"`, o, `types are ${ROUTE_TYPES.join(', ')}`)
  const bad = idx.map((i) => ROUTE_TYPES[i] ?? '').find((n) => NOT_IPV6.includes(n))
  if (ctx.family === 6 && bad) ctx.fail(`addrtype: ipv6 does not support ${bad} matching`, o)
  const set = new Set(idx)
  return ROUTE_TYPES.filter((_, i) => set.has(i)).join(',')
}

export const addrtypeMatch: XtModule = {
  name: 'addrtype',
  kind: 'match',
  options: [
    spec('--src-type', 1, true),
    spec('--dst-type', 1, true),
    spec('--limit-iface-in', 0),
    spec('--limit-iface-out', 0),
  ],
  canonicalize(raw: readonly RawOption[], ctx: CanonContext) {
    const got = byName('addrtype', raw, ctx)
    exclusive('addrtype', got, ['--limit-iface-in', '--limit-iface-out'], ctx)
    if (!got.has('--src-type') && !got.has('--dst-type')) {
      ctx.fail('addrtype: you must specify --src-type or --dst-type', raw[0])
    }
    const out: XtOption[] = []
    for (const n of ['--src-type', '--dst-type']) {
      const o = got.get(n)
      if (o) out.push(keep(o, n, [types(o, ctx)]))
    }
    for (const n of ['--limit-iface-in', '--limit-iface-out']) {
      if (got.has(n)) out.push({ name: n, negated: false, values: [] })
    }
    return out
  },
}
