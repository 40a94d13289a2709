/**
 * @module core/netfilter/xt/modules/core/nat
 * The NAT targets of libxt_NAT.c: `DNAT`, `SNAT`, `MASQUERADE` and `REDIRECT`. A range is
 * `[addr[-addr]][:port[-port]]` (IPv6 addresses in brackets when a port follows); ports need
 * `-p tcp|udp|sctp|dccp|icmp`. The save functions print the range in that form, then
 * `--random`, `--random-fully`, `--persistent`. The kernel (xt_nat.c) only allows these
 * targets in the nat table; the parser checks that.
 */
import type { Family } from '../../../../net/ip.js'
import type { XtOption } from '../../../rule.js'
import type { CanonContext, RawOption, XtModule } from '../../types.js'
import { byName, type Got, mandatory, spec, uint, value } from './common.js'
import { servicePort } from './netdb.js'
import { formatInet, inet4, inet6 } from './xt-addr.js'

/** IPPROTO_TCP, UDP, SCTP, DCCP, ICMP: the protocols `__NAT_parse` accepts ports for. */
const PORT_PROTOS = [6, 17, 132, 33, 1]

interface NatRange {
  min?: number | bigint
  max?: number | bigint
  ports?: { lo: number; hi: number; base?: number }
}

/** `xtables_strtoui` with an end pointer: the longest C number prefix. */
function leadingNumber(text: string): { n: number; rest: string } | undefined {
  const m = /^(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)/.exec(text)
  if (!m?.[1]) return undefined
  const n = uint(m[1], 0, 65535)
  return n === undefined ? undefined : { n, rest: text.slice(m[1].length) }
}

/** Ports need a protocol that has them (`__NAT_parse`). */
function needPortProto(o: RawOption | undefined, ctx: CanonContext): void {
  const p = ctx.proto
  if (!p || p.negated || !PORT_PROTOS.includes(p.number)) {
    ctx.fail(
      'Need TCP, UDP, SCTP or DCCP with port specification',
      o,
      'add -p tcp (or udp, sctp) before the target',
    )
  }
}

/** `parse_ports` of libxt_NAT.c: `port`, `port-port` or (DNAT) `port-port/base`. */
function parsePorts(
  text: string,
  o: RawOption,
  ctx: CanonContext,
  baseOk: boolean,
): NatRange['ports'] {
  needPortProto(o, ctx)
  let first = leadingNumber(text)
  if (!first) {
    const svc = servicePort(text)
    if (svc === undefined) ctx.fail(`Port "${text}" not valid`, o)
    first = { n: svc, rest: '' }
  }
  if (first.rest === '') return { lo: first.n, hi: first.n }
  if (first.rest[0] === ':') ctx.fail('Invalid port:port syntax - use dash', o)
  if (first.rest[0] !== '-') ctx.fail(`Garbage after port value: "${first.rest}"`, o)
  const second = leadingNumber(first.rest.slice(1))
  if (!second) ctx.fail(`Port "${first.rest.slice(1)}" not valid`, o)
  if (second.n < first.n) ctx.fail(`Port range "${first.rest.slice(1)}" funky`, o)
  if (second.rest === '') return { lo: first.n, hi: second.n }
  if (second.rest[0] !== '/' || !baseOk) ctx.fail(`Garbage after port range: "${second.rest}"`, o)
  const base = uint(second.rest.slice(1), 1, 65535) ?? servicePort(second.rest.slice(1))
  if (base === undefined) ctx.fail(`Port "${second.rest.slice(1)}" not valid`, o)
  return { lo: first.n, hi: second.n, base }
}

function parseAddr(text: string, family: Family, o: RawOption, ctx: CanonContext): number | bigint {
  const v = family === 4 ? inet4(text) : inet6(text)
  if (v === undefined)
    ctx.fail(
      `Bad IP address "${text}"`,
      o,
      'NAT ranges take numeric addresses; host names are not resolved',
    )
  return v
}

/** `parse_to`: split address part and port part the way libxt_NAT does. */
function parseTo(o: RawOption, ctx: CanonContext, baseOk: boolean): NatRange {
  const arg = value(o)
  let start = arg
  let colon = -1
  const open = arg.indexOf('[')
  if (open < 0) {
    colon = arg.indexOf(':')
    // One colon is a port; more than one is an IPv6 address without a port.
    if (colon >= 0 && arg.includes(':', colon + 1)) colon = -1
    if (colon >= 0) start = arg.slice(0, colon)
  } else {
    const close = arg.indexOf(']', open)
    if (close < 0 || ctx.family === 4) ctx.fail('Invalid address format', o)
    start = arg.slice(open + 1, close)
    colon = arg.indexOf(':', close + 1)
  }
  const range: NatRange = {}
  if (colon >= 0) {
    range.ports = parsePorts(arg.slice(colon + 1), o, ctx, baseOk)
    // "Starts with colon or [] colon? No IP info" (libxt_NAT checks offsets 0 and 2).
    if (colon === 0 || colon === 2) return range
  }
  const dash = start.indexOf('-')
  range.min = parseAddr(dash < 0 ? start : start.slice(0, dash), ctx.family, o, ctx)
  range.max = dash < 0 ? range.min : parseAddr(start.slice(dash + 1), ctx.family, o, ctx)
  return range
}

/**
 * Whether an IPv4 `--to-destination`/`--to-source` value is already what `sprint_range` prints
 * for it, `a.b.c.d` or `a.b.c.d:port` in plain decimal (every DNAT rule of kube-proxy): then
 * parsing and printing it again gives the same text. 0: not that form; 1: an address; 2: with
 * a port.
 */
function savedForm(text: string): 0 | 1 | 2 {
  let i = 0
  for (let dots = 0; ; dots++) {
    const from = i
    let octet = 0
    while (i < text.length && i - from < 3) {
      const c = text.charCodeAt(i)
      if (c < 48 || c > 57) break
      octet = octet * 10 + (c - 48)
      i++
    }
    // An octet is 1-3 digits, at most 255, without a leading zero (inet4 refuses those).
    if (i === from || octet > 255 || (i - from > 1 && text.charCodeAt(from) === 48)) return 0
    if (dots === 3) break
    if (text.charCodeAt(i) !== 46) return 0
    i++
  }
  if (i === text.length) return 1
  if (text.charCodeAt(i) !== 58 || text.length - i < 2 || text.length - i > 6) return 0
  if (text.charCodeAt(i + 1) === 48 && text.length - i > 2) return 0
  let port = 0
  for (let j = i + 1; j < text.length; j++) {
    const c = text.charCodeAt(j)
    if (c < 48 || c > 57) return 0
    port = port * 10 + (c - 48)
  }
  return port <= 65535 ? 2 : 0
}

/** `sprint_range`: what follows `--to-destination`/`--to-source`/`--to-ports`. */
function formatRange(r: NatRange, family: Family): string {
  let s = ''
  if (r.min !== undefined && r.max !== undefined) {
    s = formatInet(family, r.min)
    if (r.max !== r.min) s += `-${formatInet(family, r.max)}`
    if (family === 6 && r.ports) s = `[${s}]`
  }
  if (r.ports) {
    s += `:${r.ports.lo}`
    if (r.ports.hi !== r.ports.lo) s += `-${r.ports.hi}`
    if (r.ports.base !== undefined) s += `/${r.ports.base}`
  }
  return s
}

const FLAGS = ['--random', '--random-fully', '--persistent']

function flags(got: Got): XtOption[] {
  const out: XtOption[] = []
  for (const f of FLAGS) if (got.has(f)) out.push({ name: f, negated: false, values: [] })
  return out
}

function toTarget(
  name: 'DNAT' | 'SNAT',
  opt: '--to-destination' | '--to-source',
  extra: readonly string[],
): XtModule {
  return {
    name,
    kind: 'target',
    options: [spec(opt), ...extra.map((f) => spec(f, 0))],
    canonicalize(raw: readonly RawOption[], ctx: CanonContext) {
      // The usual single `--to-…` needs no index of the options (no flags, no duplicates).
      const only = raw.length === 1 && raw[0]?.canonical === opt ? raw[0] : undefined
      const got = only === undefined ? byName(name, raw, ctx) : undefined
      const o = only ?? mandatory(name, got as Got, opt, ctx)
      const text = value(o)
      const saved = ctx.family === 4 ? savedForm(text) : 0
      if (saved === 2) needPortProto(o, ctx)
      // DNAT revision 2 (IPv4) and revision 2 (IPv6) accept a shifted port map "/base".
      const shown = saved === 0 ? formatRange(parseTo(o, ctx, name === 'DNAT'), ctx.family) : text
      const to: XtOption = { name: opt, negated: false, values: [shown] }
      return got === undefined ? [to] : [to, ...flags(got)]
    },
    canonicalizeValue(canonical: string, text: string, ctx: CanonContext) {
      // Only the saved form is taken here; anything else is parsed by canonicalize.
      const saved = canonical === opt && ctx.family === 4 ? savedForm(text) : 0
      if (saved === 0) return undefined
      if (saved === 2) needPortProto(undefined, ctx)
      return [{ name: opt, negated: false, values: [text] }]
    },
  }
}

export const dnatTarget = toTarget('DNAT', '--to-destination', ['--random', '--persistent'])
export const snatTarget = toTarget('SNAT', '--to-source', [
  '--random',
  '--random-fully',
  '--persistent',
])

/** MASQUERADE and REDIRECT print the port range without the leading colon (`skip_colon`). */
function portsTarget(name: 'MASQUERADE' | 'REDIRECT', extra: readonly string[]): XtModule {
  return {
    name,
    kind: 'target',
    options: [spec('--to-ports'), ...extra.map((f) => spec(f, 0))],
    canonicalize(raw: readonly RawOption[], ctx: CanonContext) {
      const got = byName(name, raw, ctx)
      const o = got.get('--to-ports')
      const out: XtOption[] = []
      if (o) {
        const ports = parsePorts(value(o), o, ctx, false)
        out.push({
          name: '--to-ports',
          negated: false,
          values: [formatRange({ ports }, ctx.family).slice(1)],
        })
      }
      return [...out, ...flags(got)]
    },
  }
}

export const masqueradeTarget = portsTarget('MASQUERADE', ['--random', '--random-fully'])
export const redirectTarget = portsTarget('REDIRECT', ['--random'])
