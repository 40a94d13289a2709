/**
 * @module core/netfilter/xt/modules/core/tcp-udp
 * `-m tcp` (libxt_tcp.c) and `-m udp` (libxt_udp.c): ports, TCP flags and the TCP option
 * match. Both are loaded implicitly by `-p tcp|udp` followed by one of their options. The kernel
 * (xt_tcpudp.c) refuses them unless the rule says `-p tcp` / `-p udp` without `!`.
 */
import type { XtOption } from '../../../rule.js'
import type { CanonContext, RawOption, XtModule } from '../../types.js'
import {
  byName,
  decimalPort,
  exclusive,
  formatRange,
  type Got,
  needUint,
  port,
  portRange,
  spec,
  value,
} from './common.js'

/** TCP flag bits in libxt_tcp's order; `ALL` is the six classic flags (no ECE/CWR). */
const TCP_FLAGS: readonly (readonly [string, number])[] = [
  ['FIN', 0x01],
  ['SYN', 0x02],
  ['RST', 0x04],
  ['PSH', 0x08],
  ['ACK', 0x10],
  ['URG', 0x20],
  ['ALL', 0x3f],
  ['NONE', 0],
]

function parseFlags(text: string): number | undefined {
  let bits = 0
  for (const item of text.split(',')) {
    if (item === '') continue // strtok skips empty items
    const f = TCP_FLAGS.find(([n]) => n.toLowerCase() === item.toLowerCase())
    if (!f) return undefined
    bits |= f[1]
  }
  return bits
}

/** `print_tcpf`: names in bit order, `NONE` for no flag. */
function formatFlags(bits: number): string {
  const names = TCP_FLAGS.slice(0, 6)
    .filter(([, b]) => bits & b)
    .map(([n]) => n)
  return names.length === 0 ? 'NONE' : names.join(',')
}

/** The kernel's proto check (`tcp_mt_check`/`udp_mt_check`): `-p P` without `!`. */
function requireProto(
  name: string,
  num: number,
  ctx: CanonContext,
  first: RawOption | undefined,
): void {
  const p = ctx.proto
  if (!p || p.number !== num || p.negated) {
    ctx.fail(
      `the ${name} match needs -p ${name}`,
      first,
      `add "-p ${name}" to the rule (without "!")`,
    )
  }
}

/** Ports are printed only when they differ from the full range 0:65535 (`tcp_save`). */
function portOption(
  o: RawOption | undefined,
  name: string,
  range: [number, number] | undefined,
): XtOption[] {
  if (!o || !range || (range[0] === 0 && range[1] === 65535)) return []
  return [{ name, negated: o.negated, values: [formatRange(range[0], range[1])] }]
}

function tcpPorts(o: RawOption | undefined, ctx: CanonContext): [number, number] | undefined {
  if (!o) return undefined
  const r = portRange(value(o), (t) => port(t, 'tcp'))
  if (!r)
    ctx.fail(
      `tcp: invalid port/service "${value(o)}"`,
      o,
      'a port is a number 0-65535 or a tcp service name',
    )
  if (r[0] > r[1]) ctx.fail('tcp: invalid portrange (min > max)', o)
  return r
}

function tcpFlags(got: Got, ctx: CanonContext): XtOption[] {
  exclusive('tcp', got, ['--tcp-flags', '--syn'], ctx)
  const syn = got.get('--syn')
  if (syn)
    return [{ name: '--tcp-flags', negated: syn.negated, values: ['FIN,SYN,RST,ACK', 'SYN'] }]
  const o = got.get('--tcp-flags')
  if (!o) return []
  const mask = parseFlags(o.values[0] ?? '')
  const cmp = parseFlags(o.values[1] ?? '')
  if (mask === undefined || cmp === undefined) {
    ctx.fail(
      `tcp: unknown TCP flag in "${o.values.join(' ')}"`,
      o,
      'flags are FIN, SYN, RST, PSH, ACK, URG, ALL, NONE',
    )
  }
  if (mask === 0 && !o.negated) return []
  return [
    { name: '--tcp-flags', negated: o.negated, values: [formatFlags(mask), formatFlags(cmp)] },
  ]
}

export const tcpMatch: XtModule = {
  name: 'tcp',
  kind: 'match',
  options: [
    spec(['--sport', '--source-port'], 1, true),
    spec(['--dport', '--destination-port'], 1, true),
    spec('--syn', 0, true),
    spec('--tcp-flags', 2, true),
    spec('--tcp-option', 1, true),
  ],
  canonicalize(raw: readonly RawOption[], ctx: CanonContext) {
    requireProto('tcp', 6, ctx, raw[0])
    const got = byName('tcp', raw, ctx)
    const out = [
      ...portOption(got.get('--sport'), '--sport', tcpPorts(got.get('--sport'), ctx)),
      ...portOption(got.get('--dport'), '--dport', tcpPorts(got.get('--dport'), ctx)),
    ]
    const opt = got.get('--tcp-option')
    if (opt) {
      const n = needUint('tcp', opt, value(opt), 1, 255, ctx)
      out.push({ name: '--tcp-option', negated: opt.negated, values: [String(n)] })
    }
    return [...out, ...tcpFlags(got, ctx)]
  },
}

function udpPorts(o: RawOption | undefined, ctx: CanonContext): [number, number] | undefined {
  if (!o) return undefined
  const r = portRange(value(o), decimalPort)
  if (!r)
    ctx.fail(
      `udp: port "${value(o)}" does not resolve to anything`,
      o,
      'a port is a number 0-65535 or a service name',
    )
  return r
}

export const udpMatch: XtModule = {
  name: 'udp',
  kind: 'match',
  options: [
    spec(['--sport', '--source-port'], 1, true),
    spec(['--dport', '--destination-port'], 1, true),
  ],
  canonicalize(raw: readonly RawOption[], ctx: CanonContext) {
    requireProto('udp', 17, ctx, raw[0])
    const got = byName('udp', raw, ctx)
    return [
      ...portOption(got.get('--sport'), '--sport', udpPorts(got.get('--sport'), ctx)),
      ...portOption(got.get('--dport'), '--dport', udpPorts(got.get('--dport'), ctx)),
    ]
  },
}
