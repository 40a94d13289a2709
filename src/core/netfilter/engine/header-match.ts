/**
 * @module core/netfilter/engine/header-match
 * The part of a rule every iptables rule has (struct ipt_ip): `-s`, `-d`, `-i`, `-o`, `-p`,
 * `-f`, tested as ip_packet_match does before any extension match runs.
 */
import { cidrContains } from '../../net/ip.js'
import type { IfaceMatch, Rule } from '../rule.js'
import { packetAddrs } from './addr-cache.js'
import type { Matcher } from './compiled.js'

/**
 * `-i eth+` matches any name starting with `eth`; otherwise the whole name must be equal. A
 * packet with no interface at this hook (OUTPUT has no input device) has the empty name.
 */
export function ifaceMatches(m: IfaceMatch, name: string | undefined): boolean {
  const n = name ?? ''
  const hit = m.name.endsWith('+') ? n.startsWith(m.name.slice(0, -1)) : n === m.name
  return hit !== m.negated
}

export function compileHeader(rule: Rule): Matcher[] {
  const out: Matcher[] = []
  const { src, dst, inIface, outIface, proto, fragment } = rule
  if (src) out.push((s) => cidrContains(src.cidr, packetAddrs(s.pkt).src) !== src.negated)
  if (dst) out.push((s) => cidrContains(dst.cidr, packetAddrs(s.pkt).dst) !== dst.negated)
  if (inIface) out.push((s) => ifaceMatches(inIface, s.pkt.inIface))
  if (outIface) out.push((s) => ifaceMatches(outIface, s.pkt.outIface))
  if (proto && proto.number !== 0) {
    out.push((s) => (s.pkt.proto === proto.number) !== proto.negated)
  } else if (proto?.negated) {
    // `! -p all` matches nothing.
    out.push(() => false)
  }
  if (fragment) out.push((s) => (s.pkt.fragment === true) !== fragment.negated)
  return out
}
