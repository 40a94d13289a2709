/**
 * @module core/conntrack/icmp-error
 * How conntrack sorts ICMP and ICMPv6 packets before normal tracking (nf_conntrack_handle_icmp):
 * errors are RELATED to the connection of the header they quote, or INVALID; IPv6 neighbour
 * discovery and MLD are UNTRACKED; queries and answers are tracked like any other packet.
 */
import { unsupported } from '../errors.js'
import { type Packet, PROTO } from '../model/packet.js'

export type IcmpClass =
  /** A query or answer: tracked normally. */
  | { readonly kind: 'normal' }
  /** Never tracked: the packet is INVALID. */
  | { readonly kind: 'invalid' }
  /** ICMPv6 ND/MLD: conntrack marks it UNTRACKED. */
  | { readonly kind: 'untracked' }
  /** An error quoting `inner`: RELATED if `inner` belongs to a known connection. */
  | { readonly kind: 'error'; readonly inner: Packet }

/** ICMP error types (icmp_is_err): unreachable, source quench, redirect, time exceeded, parameter problem. */
const ICMP_ERRORS: ReadonlySet<number> = new Set([3, 4, 5, 11, 12])
/** NR_ICMP_TYPES: anything above is "a mystery" and INVALID (RFC 1122 3.2.2). */
const ICMP_MAX_TYPE = 18

/** ICMPv6 types that never get a connection (noct_valid_new): MLD, RS/RA, NS/NA, MRD. */
const ICMPV6_NOTRACK: ReadonlySet<number> = new Set([
  130, 131, 132, 133, 134, 135, 136, 143, 151, 152,
])
const ICMPV6_REDIRECT = 137

/** Is this an ICMP(v6) error message (the kind whose quoted header NAT must rewrite)? */
export function isIcmpError(pkt: Packet): boolean {
  if (pkt.icmpType === undefined) return false
  if (pkt.proto === PROTO.icmp) return ICMP_ERRORS.has(pkt.icmpType)
  return pkt.proto === PROTO.icmpv6 && pkt.icmpType < 128
}

export function classifyIcmp(pkt: Packet): IcmpClass {
  const type = pkt.icmpType ?? -1
  if (pkt.proto === PROTO.icmp) {
    if (type < 0 || type > ICMP_MAX_TYPE) return { kind: 'invalid' }
    if (!ICMP_ERRORS.has(type)) return { kind: 'normal' }
    return pkt.inner ? { kind: 'error', inner: pkt.inner } : { kind: 'invalid' }
  }
  if (ICMPV6_NOTRACK.has(type)) return { kind: 'untracked' }
  if (type === ICMPV6_REDIRECT) {
    throw unsupported(
      'conntrack of ICMPv6 redirects is not modelled',
      undefined,
      'the kernel validates the redirect option header, which kpath packets do not carry',
    )
  }
  if (type >= 128) return { kind: 'normal' }
  return pkt.inner ? { kind: 'error', inner: pkt.inner } : { kind: 'invalid' }
}
