/**
 * @module core/netfilter/engine/matches/ports
 * tcp, udp, sctp and multiport (xt_tcpudp.c, xt_sctp.c, xt_multiport.c). A port match never
 * matches a non-first fragment or a packet of another protocol.
 */

import { TCP_FLAG_NAMES, type TcpFlag } from '../../../model/packet.js'
import type { Rule, XtMatch } from '../../rule.js'
import type { Matcher } from '../compiled.js'
import { inRange, Opts, parseRange } from './options.js'

const FLAG_BITS: Record<string, number> = {
  FIN: 1,
  SYN: 2,
  RST: 4,
  PSH: 8,
  ACK: 16,
  URG: 32,
  ECE: 64,
  CWR: 128,
}

export function flagBits(list: string): number {
  if (list === 'ALL') return 0x3f
  if (list === 'NONE') return 0
  let bits = 0
  for (const f of list.split(',')) bits |= f === 'ALL' ? 0x3f : (FLAG_BITS[f] ?? 0)
  return bits
}

export function packetFlagBits(flags: readonly TcpFlag[] | undefined): number {
  let bits = 0
  for (const f of flags ?? []) bits |= 1 << TCP_FLAG_NAMES.indexOf(f)
  return bits
}

function portMatchers(o: Opts, proto: number): Matcher[] {
  const out: Matcher[] = [(s) => s.pkt.proto === proto && s.pkt.fragment !== true]
  for (const [name, field] of [
    ['--sport', 'sport'],
    ['--dport', 'dport'],
  ] as const) {
    const opt = o.get(name)
    if (!opt) continue
    const r = parseRange(opt.values[0] ?? '')
    out.push((s) => inRange(s.pkt[field], r) !== opt.negated)
  }
  return out
}

export function compileTcp(m: XtMatch, rule: Rule): Matcher[] {
  const o = new Opts('tcp', m.options, rule)
  o.only(['--sport', '--dport', '--tcp-flags'])
  const out = portMatchers(o, 6)
  const flags = o.get('--tcp-flags')
  if (flags) {
    const mask = flagBits(flags.values[0] ?? '')
    const comp = flagBits(flags.values[1] ?? '')
    out.push((s) => ((packetFlagBits(s.pkt.tcpFlags) & mask) === comp) !== flags.negated)
  }
  return out
}

export function compileUdp(m: XtMatch, rule: Rule): Matcher[] {
  const o = new Opts('udp', m.options, rule)
  o.only(['--sport', '--dport'])
  return portMatchers(o, 17)
}

export function compileSctp(m: XtMatch, rule: Rule): Matcher[] {
  const o = new Opts('sctp', m.options, rule)
  o.only(['--sport', '--dport'])
  return portMatchers(o, 132)
}

/** `--dports 80,443,8000:8080`; multiport needs -p tcp/udp/sctp, which the header tests. */
export function compileMultiport(m: XtMatch, rule: Rule): Matcher[] {
  const o = new Opts('multiport', m.options, rule)
  o.only(['--sports', '--dports', '--ports'])
  const out: Matcher[] = [(s) => s.pkt.fragment !== true]
  for (const [name, pick] of [
    ['--sports', (p: { sport?: number; dport?: number }) => [p.sport]],
    ['--dports', (p: { sport?: number; dport?: number }) => [p.dport]],
    ['--ports', (p: { sport?: number; dport?: number }) => [p.sport, p.dport]],
  ] as const) {
    const opt = o.get(name)
    if (!opt) continue
    const ranges = (opt.values[0] ?? '').split(',').map((t) => parseRange(t))
    out.push(
      (s) => pick(s.pkt).some((port) => ranges.some((r) => inRange(port, r))) !== opt.negated,
    )
  }
  return out
}
