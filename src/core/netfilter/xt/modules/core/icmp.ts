/**
 * @module core/netfilter/xt/modules/core/icmp
 * `-m icmp --icmp-type` (libipt_icmp.c, IPv4) and `-m icmp6 --icmpv6-type` (libip6t_icmp6.c,
 * IPv6; also reachable as `-m icmpv6` / `-m ipv6-icmp`). Type names are matched by
 * case-insensitive prefix (an ambiguous prefix is an error) and saved as numbers: `type`, or
 * `type/code` when a single code was chosen; IPv4 `any` stays `any`.
 */
import type { CanonContext, RawOption, XtModule } from '../../types.js'
import { byName, mandatory, spec, uint, value } from './common.js'

/** [name, type, code_min, code_max] from libxt_icmp.h. */
type IcmpName = readonly [string, number, number, number]

const ICMP4: readonly IcmpName[] = [
  ['any', 255, 0, 255],
  ['echo-reply', 0, 0, 255],
  ['pong', 0, 0, 255],
  ['destination-unreachable', 3, 0, 255],
  ['network-unreachable', 3, 0, 0],
  ['host-unreachable', 3, 1, 1],
  ['protocol-unreachable', 3, 2, 2],
  ['port-unreachable', 3, 3, 3],
  ['fragmentation-needed', 3, 4, 4],
  ['source-route-failed', 3, 5, 5],
  ['network-unknown', 3, 6, 6],
  ['host-unknown', 3, 7, 7],
  ['network-prohibited', 3, 9, 9],
  ['host-prohibited', 3, 10, 10],
  ['TOS-network-unreachable', 3, 11, 11],
  ['TOS-host-unreachable', 3, 12, 12],
  ['communication-prohibited', 3, 13, 13],
  ['host-precedence-violation', 3, 14, 14],
  ['precedence-cutoff', 3, 15, 15],
  ['source-quench', 4, 0, 255],
  ['redirect', 5, 0, 255],
  ['network-redirect', 5, 0, 0],
  ['host-redirect', 5, 1, 1],
  ['TOS-network-redirect', 5, 2, 2],
  ['TOS-host-redirect', 5, 3, 3],
  ['echo-request', 8, 0, 255],
  ['ping', 8, 0, 255],
  ['router-advertisement', 9, 0, 255],
  ['router-solicitation', 10, 0, 255],
  ['time-exceeded', 11, 0, 255],
  ['ttl-exceeded', 11, 0, 255],
  ['ttl-zero-during-transit', 11, 0, 0],
  ['ttl-zero-during-reassembly', 11, 1, 1],
  ['parameter-problem', 12, 0, 255],
  ['ip-header-bad', 12, 0, 0],
  ['required-option-missing', 12, 1, 1],
  ['timestamp-request', 13, 0, 255],
  ['timestamp-reply', 14, 0, 255],
  ['address-mask-request', 17, 0, 255],
  ['address-mask-reply', 18, 0, 255],
]

const ICMP6: readonly IcmpName[] = [
  ['destination-unreachable', 1, 0, 255],
  ['no-route', 1, 0, 0],
  ['communication-prohibited', 1, 1, 1],
  ['beyond-scope', 1, 2, 2],
  ['address-unreachable', 1, 3, 3],
  ['port-unreachable', 1, 4, 4],
  ['failed-policy', 1, 5, 5],
  ['reject-route', 1, 6, 6],
  ['packet-too-big', 2, 0, 255],
  ['time-exceeded', 3, 0, 255],
  ['ttl-exceeded', 3, 0, 255],
  ['ttl-zero-during-transit', 3, 0, 0],
  ['ttl-zero-during-reassembly', 3, 1, 1],
  ['parameter-problem', 4, 0, 255],
  ['bad-header', 4, 0, 0],
  ['unknown-header-type', 4, 1, 1],
  ['unknown-option', 4, 2, 2],
  ['echo-request', 128, 0, 255],
  ['ping', 128, 0, 255],
  ['echo-reply', 129, 0, 255],
  ['pong', 129, 0, 255],
  ['router-solicitation', 133, 0, 255],
  ['router-advertisement', 134, 0, 255],
  ['neighbour-solicitation', 135, 0, 255],
  ['neighbor-solicitation', 135, 0, 255],
  ['neighbour-advertisement', 136, 0, 255],
  ['neighbor-advertisement', 136, 0, 255],
  ['redirect', 137, 0, 255],
]

/** `parse_range`: `n` or `n:m`, bytes in any C base, followed by what is left. */
function byteRange(text: string): { lo: number; hi: number } | undefined {
  const [a = '', b, ...rest] = text.split(':')
  if (rest.length > 0) return undefined
  const lo = uint(a, 0, 255)
  const hi = b === undefined ? lo : uint(b, 0, 255)
  return lo === undefined || hi === undefined ? undefined : { lo, hi }
}

/** `__parse_icmp`: a name (prefix, case-insensitive) or `type[/code[:code]]`. */
function parseType(
  ext: string,
  o: RawOption,
  table: readonly IcmpName[],
  ctx: CanonContext,
): [number, number, number] {
  const text = value(o)
  const hits = table.filter(([n]) => n.toLowerCase().startsWith(text.toLowerCase()))
  if (hits.length > 1)
    ctx.fail(`Ambiguous ${ext} type "${text}": "${hits[0]?.[0]}" or "${hits[1]?.[0]}"?`, o)
  const hit = hits[0]
  if (hit) return [hit[1], hit[2], hit[3]]
  const slash = text.indexOf('/')
  const type = byteRange(slash < 0 ? text : text.slice(0, slash))
  const code = slash < 0 ? { lo: 0, hi: 255 } : byteRange(text.slice(slash + 1))
  if (!type || !code)
    ctx.fail(
      `Unknown ${ext} type "${text}"`,
      o,
      `use a number or one of ${table.map(([n]) => n).join(', ')}`,
    )
  if (type.lo !== type.hi) ctx.fail(`${ext} type range not supported`, o)
  return [type.lo, code.lo, code.hi]
}

/** icmp_save / icmp6_save: the type, and `/code` unless the code range is 0-255. */
function saved(type: number, lo: number, hi: number, any: boolean): string {
  if (any && type === 255) return 'any'
  return lo !== 0 || hi !== 255 ? `${type}/${lo}` : String(type)
}

function icmpModule(name: 'icmp' | 'icmp6'): XtModule {
  const v4 = name === 'icmp'
  const opt = v4 ? '--icmp-type' : '--icmpv6-type'
  return {
    name,
    kind: 'match',
    families: [v4 ? 4 : 6],
    options: [spec(opt, 1, true)],
    canonicalize(raw: readonly RawOption[], ctx: CanonContext) {
      const o = mandatory(name, byName(name, raw, ctx), opt, ctx)
      const [type, lo, hi] = parseType(v4 ? 'ICMP' : 'ICMPv6', o, v4 ? ICMP4 : ICMP6, ctx)
      const p = ctx.proto
      if (!p || p.number !== (v4 ? 1 : 58) || p.negated) {
        ctx.fail(
          `the ${name} match needs -p ${v4 ? 'icmp' : 'ipv6-icmp'}`,
          o,
          `add "-p ${v4 ? 'icmp' : 'ipv6-icmp'}" to the rule`,
        )
      }
      return [{ name: opt, negated: o.negated, values: [saved(type, lo, hi, v4)] }]
    },
  }
}

export const icmpMatch = icmpModule('icmp')
export const icmp6Match = icmpModule('icmp6')
