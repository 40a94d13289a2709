/**
 * @module core/netfilter/engine/matches/icmp
 * `-m icmp --icmp-type T[/C]` and `-m icmp6 --icmpv6-type T[/C]` (ip_tables.c icmp_match,
 * ip6_tables.c). `any` matches every type; without a code every code matches.
 */
import type { Rule, XtMatch } from '../../rule.js'
import type { Matcher } from '../compiled.js'
import { Opts } from './options.js'

const ICMP_NAMES: Record<string, string> = {
  'echo-reply': '0',
  'destination-unreachable': '3',
  'network-unreachable': '3/0',
  'host-unreachable': '3/1',
  'protocol-unreachable': '3/2',
  'port-unreachable': '3/3',
  'fragmentation-needed': '3/4',
  'source-quench': '4',
  redirect: '5',
  'echo-request': '8',
  'time-exceeded': '11',
  'ttl-zero-during-transit': '11/0',
  'parameter-problem': '12',
  'timestamp-request': '13',
  'timestamp-reply': '14',
}

function icmpMatcher(proto: number, value: string, negated: boolean): Matcher {
  const text = ICMP_NAMES[value] ?? value
  if (text === 'any') return (s) => (s.pkt.proto === proto) !== negated
  const [t, c] = text.split('/')
  const type = Number(t)
  const code = c === undefined ? undefined : Number(c)
  return (s) => {
    if (s.pkt.proto !== proto || s.pkt.fragment) return false
    const hit = s.pkt.icmpType === type && (code === undefined || s.pkt.icmpCode === code)
    return hit !== negated
  }
}

export function compileIcmp(m: XtMatch, rule: Rule): Matcher[] {
  const o = new Opts('icmp', m.options, rule)
  o.only(['--icmp-type'])
  const opt = o.get('--icmp-type')
  return opt ? [icmpMatcher(1, opt.values[0] ?? 'any', opt.negated)] : [(s) => s.pkt.proto === 1]
}

export function compileIcmp6(m: XtMatch, rule: Rule): Matcher[] {
  const o = new Opts('icmp6', m.options, rule)
  o.only(['--icmpv6-type'])
  const opt = o.get('--icmpv6-type')
  return opt ? [icmpMatcher(58, opt.values[0] ?? 'any', opt.negated)] : [(s) => s.pkt.proto === 58]
}
