/**
 * @module core/netfilter/xt/modules/core/conntrack
 * `-m conntrack` (libxt_conntrack.c, revision 3) and `-m state`, which libxt_conntrack also
 * implements (as conntrack with the "state alias" flag; it is still saved as `-m state`).
 * Option order and spelling follow `conntrack_dump`; state and status lists are parsed by
 * case-insensitive prefix and printed in the kernel's bit order.
 */
import type { XtOption } from '../../../rule.js'
import type { CanonContext, RawOption, XtModule } from '../../types.js'
import {
  byName,
  decimalPort,
  formatRange,
  keep,
  needUint,
  prefixList,
  spec,
  value,
} from './common.js'
import { protocolNumber } from './netdb.js'
import { formatHostMask, hostMask } from './xt-addr.js'

/** Parse order of `conntrack_ps_state` (prefixes resolve to the first that fits). */
const STATE_PARSE = ['INVALID', 'NEW', 'ESTABLISHED', 'RELATED', 'UNTRACKED', 'SNAT', 'DNAT']
/** Print order of `print_state`. */
const STATE_PRINT = ['INVALID', 'NEW', 'RELATED', 'ESTABLISHED', 'UNTRACKED', 'SNAT', 'DNAT']
/** `conntrack_ps_status` order, which is also the print order; NONE adds no bit. */
const STATUS = ['NONE', 'EXPECTED', 'SEEN_REPLY', 'ASSURED', 'CONFIRMED']

function states(ext: string, o: RawOption, parse: readonly string[], ctx: CanonContext): string {
  const idx = prefixList(value(o), parse)
  if (!idx)
    ctx.fail(
      `${ext}: bad state "${value(o)}"`,
      o,
      `states are ${parse.join(', ')} (comma-separated, no spaces)`,
    )
  const set = new Set(idx.map((i) => parse[i]))
  return STATE_PRINT.filter((s) => set.has(s)).join(',')
}

function statuses(o: RawOption, ctx: CanonContext): string {
  const idx = prefixList(value(o), STATUS)
  if (!idx)
    ctx.fail(`conntrack: bad ctstatus "${value(o)}"`, o, `statuses are ${STATUS.join(', ')}`)
  const set = new Set(idx)
  const names = STATUS.slice(1).filter((_, i) => set.has(i + 1))
  return names.length === 0 ? 'NONE' : names.join(',')
}

function addr(o: RawOption, ctx: CanonContext): string {
  const a = hostMask(value(o), ctx.family)
  if (!a)
    ctx.fail(
      `conntrack: bad address "${value(o)}" for ${o.canonical}`,
      o,
      'give a numeric address[/mask]; host names are not resolved',
    )
  return formatHostMask(a)
}

/** `XTTYPE_PORTRC` ports, printed as `lo` when the range is one port (`conntrack_dump_ports`). */
function ports(o: RawOption, ctx: CanonContext): string {
  const parts = value(o).split(':')
  if (parts.length > 2) ctx.fail(`conntrack: too many components in "${value(o)}"`, o)
  const lo = parts[0] === '' ? 0 : decimalPort(parts[0] ?? '')
  const hi = parts.length === 1 ? lo : parts[1] === '' ? 65535 : decimalPort(parts[1] ?? '')
  if (lo === undefined || hi === undefined)
    ctx.fail(`conntrack: port "${value(o)}" does not resolve to anything`, o)
  return hi === 0 || lo === hi ? String(lo) : `${lo}:${hi}`
}

function expire(o: RawOption, ctx: CanonContext): string {
  const parts = value(o).split(':')
  if (parts.length > 2) ctx.fail(`conntrack: too many components in "${value(o)}"`, o)
  const lo = parts[0] === '' ? 0 : needUint('conntrack', o, parts[0] ?? '', 0, 0xffffffff, ctx)
  const hi =
    parts.length === 1
      ? lo
      : parts[1] === ''
        ? 0xffffffff
        : needUint('conntrack', o, parts[1] ?? '', 0, 0xffffffff, ctx)
  return formatRange(lo, hi)
}

function proto(o: RawOption, ctx: CanonContext): string {
  const n = protocolNumber(value(o))
  if (n === undefined) ctx.fail(`conntrack: unknown protocol "${value(o)}"`, o)
  // libxt_conntrack means to refuse "! --ctproto 0" but tests the flag before setting it, so
  // iptables 1.8.9 accepts it (checked with the binary).
  return String(n)
}

const ADDRS = ['--ctorigsrc', '--ctorigdst', '--ctreplsrc', '--ctrepldst'] as const
const PORTS = ['--ctorigsrcport', '--ctorigdstport', '--ctreplsrcport', '--ctrepldstport'] as const

export const conntrackMatch: XtModule = {
  name: 'conntrack',
  kind: 'match',
  options: [
    spec('--ctstate', 1, true),
    spec('--ctproto', 1, true),
    ...ADDRS.map((n) => spec(n, 1, true)),
    spec('--ctstatus', 1, true),
    spec('--ctexpire', 1, true),
    ...PORTS.map((n) => spec(n, 1, true)),
    spec('--ctdir'),
  ],
  canonicalize(raw: readonly RawOption[], ctx: CanonContext) {
    const got = byName('conntrack', raw, ctx)
    if (got.size === 0)
      ctx.fail('conntrack: at least one option is required', undefined, 'e.g. --ctstate NEW')
    const out: XtOption[] = []
    const put = (name: string, f: (o: RawOption) => string) => {
      const o = got.get(name)
      if (o) out.push(keep(o, name, [f(o)]))
    }
    put('--ctstate', (o) => states('conntrack', o, STATE_PARSE, ctx))
    put('--ctproto', (o) => proto(o, ctx))
    for (const n of ADDRS) put(n, (o) => addr(o, ctx))
    for (const n of PORTS) put(n, (o) => ports(o, ctx))
    put('--ctstatus', (o) => statuses(o, ctx))
    put('--ctexpire', (o) => expire(o, ctx))
    const dir = got.get('--ctdir')
    if (dir) {
      const d = value(dir).toUpperCase()
      if (d !== 'ORIGINAL' && d !== 'REPLY')
        ctx.fail(`conntrack: bad --ctdir "${value(dir)}"`, dir, 'use ORIGINAL or REPLY')
      out.push({ name: '--ctdir', negated: false, values: [d] })
    }
    return out
  },
}

/** `state_parse_state` (libxt_state): the same prefix rule, without SNAT/DNAT. */
const STATE_NAMES = ['INVALID', 'NEW', 'ESTABLISHED', 'RELATED', 'UNTRACKED']

export const stateMatch: XtModule = {
  name: 'state',
  kind: 'match',
  options: [spec('--state', 1, true)],
  canonicalize(raw: readonly RawOption[], ctx: CanonContext) {
    const o = byName('state', raw, ctx).get('--state')
    if (!o)
      ctx.fail(
        'state: option "--state" must be specified',
        undefined,
        'e.g. --state ESTABLISHED,RELATED',
      )
    return [keep(o, '--state', [states('state', o, STATE_NAMES, ctx)])]
  },
}
