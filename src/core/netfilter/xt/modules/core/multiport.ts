/**
 * @module core/netfilter/xt/modules/core/multiport
 * `-m multiport` (libxt_multiport.c, revision 1): up to 15 ports or ranges (a range takes two
 * slots) for `--sports`, `--dports` or `--ports`, one of them per match. It needs a
 * `-p tcp|udp|udplite|sctp|dccp` rule; port names are looked up for that protocol.
 */
import type { CanonContext, RawOption, XtModule } from '../../types.js'
import { byName, exclusive, port, spec, value } from './common.js'
import { protocolName } from './netdb.js'

const OPTIONS = ['--sports', '--dports', '--ports'] as const
const PROTOS = [6, 17, 136, 132, 33]
/** XT_MULTI_PORTS. */
const SLOTS = 15

function protoFor(o: RawOption, ctx: CanonContext): string {
  const p = ctx.proto
  if (!p || p.negated || !PROTOS.includes(p.number)) {
    ctx.fail(
      p
        ? 'multiport only works with TCP, UDP, UDPLITE, SCTP and DCCP'
        : "multiport needs `-p tcp', `-p udp', `-p udplite', `-p sctp' or `-p dccp'",
      o,
      'put -p tcp (or udp, sctp) in the rule',
    )
  }
  return protocolName(p.number) ?? 'tcp'
}

function ports(o: RawOption, ctx: CanonContext): string {
  const proto = protoFor(o, ctx)
  const out: string[] = []
  let slots = 0
  for (const item of value(o).split(',')) {
    const colon = item.indexOf(':')
    const lo = port(colon < 0 ? item : item.slice(0, colon), proto)
    const hi = colon < 0 ? lo : port(item.slice(colon + 1), proto)
    if (lo === undefined || hi === undefined)
      ctx.fail(`invalid port/service "${item}" specified`, o)
    slots += colon < 0 ? 1 : 2
    if (slots > SLOTS)
      ctx.fail(
        'too many ports specified',
        o,
        `multiport holds at most ${SLOTS} ports (a range counts twice)`,
      )
    if (colon >= 0 && lo >= hi) ctx.fail('invalid portrange specified', o)
    out.push(colon < 0 ? String(lo) : `${lo}:${hi}`)
  }
  return out.join(',')
}

export const multiportMatch: XtModule = {
  name: 'multiport',
  kind: 'match',
  options: [
    spec(['--sports', '--source-ports'], 1, true),
    spec(['--dports', '--destination-ports'], 1, true),
    spec('--ports', 1, true),
  ],
  canonicalize(raw: readonly RawOption[], ctx: CanonContext) {
    const got = byName('multiport', raw, ctx)
    exclusive('multiport', got, OPTIONS, ctx)
    const o = raw[0]
    if (!o) ctx.fail('multiport expects an option', undefined, 'use --sports, --dports or --ports')
    return [{ name: o.canonical, negated: o.negated, values: [ports(o, ctx)] }]
  },
}
