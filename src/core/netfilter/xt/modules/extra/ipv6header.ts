/**
 * @module core/netfilter/xt/modules/extra/ipv6header
 * `-m ipv6header` (libip6t_ipv6header): which extension headers a packet has (`--soft`: has at
 * least these). Headers are given by name, /etc/protocols name or number; iptables-save prints
 * them in a fixed order with their /etc/protocols names (`hop-by-hop` for 0, `protocol` for
 * 255, which /etc/protocols does not name). Also `-m eui64` (libip6t_eui64), which has no options.
 */
import { type CanonContext, opt, type RawOption } from '../../types.js'
import { defineModule } from './lib/define.js'
import { protoByName, protoByNumber } from './lib/names.js'
import type { Opts } from './lib/options.js'
import { arg } from './lib/xtopt.js'

/** libip6t_ipv6header's own names, tried after /etc/protocols. */
const NAMES: readonly (readonly [string, number])[] = [
  ['hop-by-hop', 0],
  ['protocol', 255],
  ['hop', 0],
  ['dst', 60],
  ['route', 43],
  ['frag', 44],
  ['auth', 51],
  ['esp', 50],
  ['none', 59],
  ['prot', 255],
  ['0', 0],
  ['60', 60],
  ['43', 43],
  ['44', 44],
  ['51', 51],
  ['50', 50],
  ['59', 59],
  ['255', 255],
]

/** Header protocols in the order of their mask bits (which is the save order). */
const ORDER = [0, 60, 43, 44, 51, 50, 59, 255]

function headerName(proto: number): string {
  if (proto !== 0) {
    const n = protoByNumber(proto)
    if (n) return n
  }
  return NAMES.find(([, p]) => p === proto)?.[0] as string
}

function headerMask(o: RawOption, ctx: CanonContext): number {
  let mask = 0
  for (const tok of arg(o)
    .split(',')
    .filter((t) => t !== '')) {
    const proto = protoByName(tok) ?? NAMES.find(([n]) => n === tok)?.[1]
    if (proto === undefined)
      ctx.fail(
        `unknown header \`${tok}' specified`,
        o,
        'use hop, dst, route, frag, auth, esp, none or prot',
      )
    const bit = ORDER.indexOf(proto)
    if (bit < 0)
      ctx.fail(
        `unknown header \`${proto}' specified`,
        o,
        'only IPv6 extension headers can be matched',
      )
    mask |= 1 << (7 - bit)
  }
  if (mask === 0) ctx.fail('ip6t_ipv6header: cannot parse header names', o)
  return mask
}

export const ipv6headerMatch = defineModule({
  name: 'ipv6header',
  kind: 'match',
  families: [6],
  options: [
    { names: ['--header'], invert: true, mand: true },
    { names: ['--soft'], arity: 0 },
  ],
  canon(o: Opts, ctx: CanonContext) {
    const h = o.get('--header')
    if (!h) return []
    const mask = headerMask(h, ctx)
    const names = ORDER.filter((_, i) => mask & (1 << (7 - i))).map(headerName)
    const out = [opt('--header', [names.join(',')], h.negated)]
    if (o.has('--soft')) out.push(opt('--soft'))
    return out
  },
})

export const eui64Match = defineModule({
  name: 'eui64',
  kind: 'match',
  families: [6],
  options: [],
  canon: () => [],
})
