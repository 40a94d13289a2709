/**
 * @module core/netfilter/engine/matches/conntrack
 * `-m conntrack` and `-m state` (xt_conntrack.c, xt_state.c). The state bits follow the kernel:
 * no entry is INVALID, an untracked packet UNTRACKED, and a bound NAT adds the virtual SNAT and
 * DNAT states, which is why KUBE-FIREWALL's `! --ctstate RELATED,ESTABLISHED,DNAT` spares
 * DNATed NodePort traffic.
 */
import type { Tuple } from '../../../conntrack/model.js'
import { cidrContains, parseAddr, parseCidr } from '../../../net/ip.js'
import type { Rule, XtMatch, XtOption } from '../../rule.js'
import type { Matcher } from '../compiled.js'
import type { PacketState } from '../state.js'
import { inRange, Opts, parseRange } from './options.js'

/** The set of state names a packet has, as xt_conntrack computes its statebit. */
export function stateNames(s: PacketState): Set<string> {
  const ct = s.ct
  const names = new Set<string>()
  if (!ct || ct.info === 'INVALID' || !ct.conn) {
    names.add(ct?.info === 'UNTRACKED' ? 'UNTRACKED' : 'INVALID')
    return names
  }
  if (ct.conn.untracked || ct.info === 'UNTRACKED') {
    names.add('UNTRACKED')
    return names
  }
  names.add(ct.info)
  if (ct.conn.status.srcNat) names.add('SNAT')
  if (ct.conn.status.dstNat) names.add('DNAT')
  return names
}

function stateMatcher(opt: XtOption): Matcher {
  const wanted = (opt.values[0] ?? '').split(',')
  return (s) => {
    const have = stateNames(s)
    return wanted.some((w) => have.has(w)) !== opt.negated
  }
}

function tupleAddr(pick: (s: PacketState) => string | undefined, opt: XtOption): Matcher {
  const cidr = parseCidr(opt.values[0] ?? '')
  return (s) => {
    const a = pick(s)
    const addr = a === undefined ? undefined : parseAddr(a)
    if (!cidr || !addr) return false
    return cidrContains(cidr, addr) !== opt.negated
  }
}

function tuplePort(pick: (s: PacketState) => number | undefined, opt: XtOption): Matcher {
  const r = parseRange(opt.values[0] ?? '')
  return (s) => {
    const p = pick(s)
    if (p === undefined) return false
    return inRange(p, r) !== opt.negated
  }
}

const STATUS_BITS = ['EXPECTED', 'SEEN_REPLY', 'ASSURED', 'CONFIRMED'] as const

function statusMatcher(opt: XtOption): Matcher {
  const wanted = (opt.values[0] ?? '').split(',')
  return (s) => {
    const conn = s.ct?.conn
    if (!conn) return false
    const have = new Set<string>()
    if (conn.status.seenReply) have.add('SEEN_REPLY')
    if (conn.status.assured) have.add('ASSURED')
    if (conn.status.confirmed) have.add('CONFIRMED')
    const hit = wanted.some((w) => (w === 'NONE' ? have.size === 0 : have.has(w)))
    return hit !== opt.negated
  }
}

type TupleField = (t: Tuple) => string | number | undefined
const orig = (f: TupleField) => (s: PacketState) => {
  const c = s.ct?.conn
  return c ? f(c.orig) : undefined
}
const repl = (f: TupleField) => (s: PacketState) => {
  const c = s.ct?.conn
  return c ? f(c.reply) : undefined
}

export function compileConntrack(m: XtMatch, rule: Rule): Matcher[] {
  const o = new Opts('conntrack', m.options, rule)
  const out: Matcher[] = []
  const str = (f: (s: PacketState) => string | number | undefined) => (s: PacketState) => {
    const v = f(s)
    return typeof v === 'string' ? v : undefined
  }
  const num = (f: (s: PacketState) => string | number | undefined) => (s: PacketState) => {
    const v = f(s)
    return typeof v === 'number' ? v : undefined
  }
  for (const opt of m.options) {
    switch (opt.name) {
      case '--ctstate':
        out.push(stateMatcher(opt))
        break
      case '--ctstatus':
        if (
          !(opt.values[0] ?? '')
            .split(',')
            .every((v) => v === 'NONE' || STATUS_BITS.includes(v as never))
        )
          throw o.unsupported(`--ctstatus ${opt.values[0]} is not modelled`)
        out.push(statusMatcher(opt))
        break
      case '--ctproto': {
        const n = protoNumber(opt.values[0] ?? '')
        out.push((s) => (s.ct?.conn !== undefined && s.ct.conn.proto === n) !== opt.negated)
        break
      }
      case '--ctorigsrc':
        out.push(tupleAddr(str(orig((t) => t.src)), opt))
        break
      case '--ctorigdst':
        out.push(tupleAddr(str(orig((t) => t.dst)), opt))
        break
      case '--ctreplsrc':
        out.push(tupleAddr(str(repl((t) => t.src)), opt))
        break
      case '--ctrepldst':
        out.push(tupleAddr(str(repl((t) => t.dst)), opt))
        break
      case '--ctorigsrcport':
        out.push(tuplePort(num(orig((t) => t.sport)), opt))
        break
      case '--ctorigdstport':
        out.push(tuplePort(num(orig((t) => t.dport)), opt))
        break
      case '--ctreplsrcport':
        out.push(tuplePort(num(repl((t) => t.sport)), opt))
        break
      case '--ctrepldstport':
        out.push(tuplePort(num(repl((t) => t.dport)), opt))
        break
      case '--ctdir': {
        const want = opt.values[0] === 'REPLY' ? 'reply' : 'original'
        // --ctdir has no inversion in the kernel; the value picks the direction.
        out.push((s) => s.ct?.conn !== undefined && s.ct.dir === want)
        break
      }
      case '--ctexpire': {
        const r = parseRange(opt.values[0] ?? '', 0xffffffff)
        out.push((s) => (s.ct?.conn !== undefined && inRange(s.ct.conn.timeout, r)) !== opt.negated)
        break
      }
      default:
        throw o.unsupported(`option ${opt.name} of conntrack is not modelled`)
    }
  }
  return out
}

export function compileState(m: XtMatch, rule: Rule): Matcher[] {
  const o = new Opts('state', m.options, rule)
  o.only(['--state'])
  const opt = o.get('--state')
  return opt ? [stateMatcher(opt)] : []
}

const PROTO_NUMBERS: Record<string, number> = {
  tcp: 6,
  udp: 17,
  icmp: 1,
  sctp: 132,
  icmpv6: 58,
  'ipv6-icmp': 58,
}

export function protoNumber(name: string): number {
  return PROTO_NUMBERS[name.toLowerCase()] ?? Number(name)
}
