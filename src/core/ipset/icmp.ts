/**
 * @module core/ipset/icmp
 * ICMP and ICMPv6 type/code names, as ipset 7.17 prints and parses them in the port part of
 * an element (`icmp:echo-request`, `ipv6-icmp:packet-too-big`). Verified against the binary by
 * adding every type/code pair: a pair with no name prints as `type/code`.
 *
 * Parsing follows ipset's lookup: the entries are searched in type/code order, case-insensitively,
 * and the first whose name *starts with* the given text wins (`echo` is echo-reply, `ping` is an
 * alias of echo-request).
 */

interface IcmpName {
  readonly type: number
  readonly code: number
  readonly name: string
  readonly aliases?: readonly string[]
}

export const ICMP_NAMES: readonly IcmpName[] = [
  { type: 0, code: 0, name: 'echo-reply', aliases: ['pong'] },
  { type: 3, code: 0, name: 'network-unreachable' },
  { type: 3, code: 1, name: 'host-unreachable' },
  { type: 3, code: 2, name: 'protocol-unreachable' },
  { type: 3, code: 3, name: 'port-unreachable' },
  { type: 3, code: 4, name: 'fragmentation-needed' },
  { type: 3, code: 5, name: 'source-route-failed' },
  { type: 3, code: 6, name: 'network-unknown' },
  { type: 3, code: 7, name: 'host-unknown' },
  { type: 3, code: 9, name: 'network-prohibited' },
  { type: 3, code: 10, name: 'host-prohibited' },
  { type: 3, code: 11, name: 'TOS-network-unreachable' },
  { type: 3, code: 12, name: 'TOS-host-unreachable' },
  { type: 3, code: 13, name: 'communication-prohibited' },
  { type: 3, code: 14, name: 'host-precedence-violation' },
  { type: 3, code: 15, name: 'precedence-cutoff' },
  { type: 4, code: 0, name: 'source-quench' },
  { type: 5, code: 0, name: 'network-redirect' },
  { type: 5, code: 1, name: 'host-redirect' },
  { type: 5, code: 2, name: 'TOS-network-redirect' },
  { type: 5, code: 3, name: 'TOS-host-redirect' },
  { type: 8, code: 0, name: 'echo-request', aliases: ['ping'] },
  { type: 9, code: 0, name: 'router-advertisement' },
  { type: 10, code: 0, name: 'router-solicitation' },
  { type: 11, code: 0, name: 'ttl-zero-during-transit' },
  { type: 11, code: 1, name: 'ttl-zero-during-reassembly' },
  { type: 12, code: 0, name: 'ip-header-bad' },
  { type: 12, code: 1, name: 'required-option-missing' },
  { type: 13, code: 0, name: 'timestamp-request' },
  { type: 14, code: 0, name: 'timestamp-reply' },
  { type: 17, code: 0, name: 'address-mask-request' },
  { type: 18, code: 0, name: 'address-mask-reply' },
]

export const ICMPV6_NAMES: readonly IcmpName[] = [
  { type: 1, code: 0, name: 'no-route' },
  { type: 1, code: 1, name: 'communication-prohibited' },
  { type: 1, code: 3, name: 'address-unreachable' },
  { type: 1, code: 4, name: 'port-unreachable' },
  { type: 2, code: 0, name: 'packet-too-big' },
  { type: 3, code: 0, name: 'ttl-zero-during-transit' },
  { type: 3, code: 1, name: 'ttl-zero-during-reassembly' },
  { type: 4, code: 0, name: 'bad-header' },
  { type: 4, code: 1, name: 'unknown-header-type' },
  { type: 4, code: 2, name: 'unknown-option' },
  { type: 128, code: 0, name: 'echo-request', aliases: ['ping'] },
  { type: 129, code: 0, name: 'echo-reply', aliases: ['pong'] },
  { type: 133, code: 0, name: 'router-solicitation' },
  { type: 134, code: 0, name: 'router-advertisement' },
  { type: 135, code: 0, name: 'neighbour-solicitation' },
  { type: 136, code: 0, name: 'neighbour-advertisement' },
  { type: 137, code: 0, name: 'redirect' },
]

/** The printed form of a type/code pair: its name, or `type/code`. */
export function formatIcmp(table: readonly IcmpName[], type: number, code: number): string {
  const e = table.find((n) => n.type === type && n.code === code)
  return e ? e.name : `${type}/${code}`
}

/** Resolve a name (or unambiguous start of one) the way ipset does; undefined when none fits. */
export function lookupIcmpName(
  table: readonly IcmpName[],
  text: string,
): { readonly type: number; readonly code: number } | undefined {
  if (text === '') return undefined
  const t = text.toLowerCase()
  for (const e of table) {
    for (const n of [e.name, ...(e.aliases ?? [])]) {
      if (n.toLowerCase().startsWith(t)) return { type: e.type, code: e.code }
    }
  }
  return undefined
}
