/**
 * @module core/netfilter/engine/targets/reject
 * REJECT (ipt_REJECT.c, ip6t_REJECT.c): drop the packet and send back an ICMP error or a TCP
 * RST. The RST swaps addresses and ports (nf_send_reset); the ICMP error quotes the packet and
 * comes from the rejected destination when it is local, else from the route back (icmp_send).
 */
import type { Packet } from '../../../model/packet.js'
import type { Rule, XtTarget } from '../../rule.js'
import type { TargetResult } from '../compiled.js'
import { Opts } from '../matches/options.js'
import type { PacketState } from '../state.js'

/** ICMP type/code for each `--reject-with`, per family. */
const ICMP_CODES: Readonly<Record<string, readonly [number, number]>> = {
  'icmp-net-unreachable': [3, 0],
  'icmp-host-unreachable': [3, 1],
  'icmp-proto-unreachable': [3, 2],
  'icmp-port-unreachable': [3, 3],
  'icmp-net-prohibited': [3, 9],
  'icmp-host-prohibited': [3, 10],
  'icmp-admin-prohibited': [3, 13],
  'icmp6-no-route': [1, 0],
  'icmp6-adm-prohibited': [1, 1],
  'icmp6-addr-unreachable': [1, 3],
  'icmp6-port-unreachable': [1, 4],
}

/** The default TTL of locally generated packets (net.ipv4.ip_default_ttl). */
const DEFAULT_TTL = 64

export function tcpReset(p: Packet): Packet {
  const acked = p.tcpFlags?.includes('ACK') ?? false
  return {
    family: p.family,
    src: p.dst,
    dst: p.src,
    proto: 6,
    ...(p.dport === undefined ? {} : { sport: p.dport }),
    ...(p.sport === undefined ? {} : { dport: p.sport }),
    // An RST answering a segment without ACK must acknowledge it (RFC 793), as nf_send_reset does.
    tcpFlags: acked ? ['RST'] : ['RST', 'ACK'],
    ttl: DEFAULT_TTL,
    length: p.family === 4 ? 40 : 60,
    mark: 0,
  }
}

export function icmpError(p: Packet, src: string, type: number, code: number): Packet {
  return {
    family: p.family,
    src,
    dst: p.src,
    proto: p.family === 4 ? 1 : 58,
    icmpType: type,
    icmpCode: code,
    inner: p,
    ttl: DEFAULT_TTL,
    length: Math.min(576, 28 + p.length),
    mark: 0,
  }
}

export function compileRejectTarget(t: XtTarget, rule: Rule): (s: PacketState) => TargetResult {
  const o = new Opts('REJECT', t.options, rule)
  o.only(['--reject-with'])
  return (s) => {
    const fam = s.pkt.family
    const withText =
      o.value('--reject-with') ?? (fam === 4 ? 'icmp-port-unreachable' : 'icmp6-port-unreachable')
    if (withText === 'tcp-reset') {
      // tcp-reset on a non-TCP packet sends nothing; the packet is still dropped.
      const response = s.pkt.proto === 6 ? tcpReset(s.pkt) : undefined
      return { kind: 'reject', with: withText, ...(response ? { response } : {}) }
    }
    const code = ICMP_CODES[withText]
    if (!code) throw o.unsupported(`--reject-with ${withText} is not modelled`)
    // The kernel never answers an ICMP error with an ICMP error.
    const isError = s.pkt.inner !== undefined
    const response = isError
      ? undefined
      : icmpError(s.pkt, s.env.icmpSource(s.pkt), code[0], code[1])
    return { kind: 'reject', with: withText, ...(response ? { response } : {}) }
  }
}
