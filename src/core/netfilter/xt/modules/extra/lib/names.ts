/**
 * @module core/netfilter/xt/modules/extra/lib/names
 * The name databases some extensions consult through libc or files, embedded because the core
 * cannot read files: `/etc/protocols` and part of `/etc/services` as Debian 12 (netbase 6.4)
 * ships them, and iproute2 6.1's default `/etc/iproute2/group` and `/etc/iproute2/rt_realms`.
 *
 * iptables resolves these on the machine that runs it; a host with edited tables prints other
 * names (e.g. a custom device group name). kpath uses the stock tables.
 */
import type { LMap } from './xtopt.js'

/** `/etc/protocols`: number, official name, aliases separated by spaces (matched exactly). */
const PROTOCOLS: readonly (readonly [number, string, string])[] = [
  [0, 'ip', 'IP'],
  [0, 'hopopt', 'HOPOPT'],
  [1, 'icmp', 'ICMP'],
  [2, 'igmp', 'IGMP'],
  [3, 'ggp', 'GGP'],
  [4, 'ipencap', 'IP-ENCAP'],
  [5, 'st', 'ST'],
  [6, 'tcp', 'TCP'],
  [8, 'egp', 'EGP'],
  [9, 'igp', 'IGP'],
  [12, 'pup', 'PUP'],
  [17, 'udp', 'UDP'],
  [20, 'hmp', 'HMP'],
  [22, 'xns-idp', 'XNS-IDP'],
  [27, 'rdp', 'RDP'],
  [29, 'iso-tp4', 'ISO-TP4'],
  [33, 'dccp', 'DCCP'],
  [36, 'xtp', 'XTP'],
  [37, 'ddp', 'DDP'],
  [38, 'idpr-cmtp', 'IDPR-CMTP'],
  [41, 'ipv6', 'IPv6'],
  [43, 'ipv6-route', 'IPv6-Route'],
  [44, 'ipv6-frag', 'IPv6-Frag'],
  [45, 'idrp', 'IDRP'],
  [46, 'rsvp', 'RSVP'],
  [47, 'gre', 'GRE'],
  [50, 'esp', 'IPSEC-ESP'],
  [51, 'ah', 'IPSEC-AH'],
  [57, 'skip', 'SKIP'],
  [58, 'ipv6-icmp', 'IPv6-ICMP'],
  [59, 'ipv6-nonxt', 'IPv6-NoNxt'],
  [60, 'ipv6-opts', 'IPv6-Opts'],
  [73, 'rspf', 'RSPF CPHB'],
  [81, 'vmtp', 'VMTP'],
  [88, 'eigrp', 'EIGRP'],
  [89, 'ospf', 'OSPFIGP'],
  [93, 'ax.25', 'AX.25'],
  [94, 'ipip', 'IPIP'],
  [97, 'etherip', 'ETHERIP'],
  [98, 'encap', 'ENCAP'],
  [103, 'pim', 'PIM'],
  [108, 'ipcomp', 'IPCOMP'],
  [112, 'vrrp', 'VRRP'],
  [115, 'l2tp', 'L2TP'],
  [124, 'isis', 'ISIS'],
  [132, 'sctp', 'SCTP'],
  [133, 'fc', 'FC'],
  [135, 'mobility-header', 'Mobility-Header'],
  [136, 'udplite', 'UDPLite'],
  [137, 'mpls-in-ip', 'MPLS-in-IP'],
  [138, 'manet', ''],
  [139, 'hip', 'HIP'],
  [140, 'shim6', 'Shim6'],
  [141, 'wesp', 'WESP'],
  [142, 'rohc', 'ROHC'],
  [143, 'ethernet', 'Ethernet'],
]

/** `getprotobyname`: official names and aliases, case-sensitive. */
export function protoByName(name: string): number | undefined {
  for (const [num, official, aliases] of PROTOCOLS) {
    if (name === official || (aliases !== '' && aliases.split(' ').includes(name))) return num
  }
  return undefined
}

/** `getprotobynumber`: the first entry with that number. */
export function protoByNumber(num: number): string | undefined {
  return PROTOCOLS.find(([n]) => n === num)?.[1]
}

/** The protocol names iptables knows without /etc/protocols (`xtables_chain_protos`). */
const CHAIN_PROTOS: ReadonlyMap<string, number> = new Map([
  ['tcp', 6],
  ['sctp', 132],
  ['udp', 17],
  ['udplite', 136],
  ['icmp', 1],
  ['ipv6-icmp', 58],
  ['icmpv6', 58],
  ['esp', 50],
  ['ah', 51],
  ['mobility-header', 135],
  ['ipv6-mh', 135],
  ['mh', 135],
  ['all', 0],
])

/** `xtables_parse_protocol` without the number form: the built-in names, then /etc/protocols. */
export function protoByIptablesName(name: string): number | undefined {
  return CHAIN_PROTOS.get(name) ?? protoByName(name)
}

/** Well-known entries of `/etc/services` (port numbers do not depend on the protocol here). */
export const SERVICES: LMap = new Map([
  ['ftp-data', 20],
  ['ftp', 21],
  ['ssh', 22],
  ['telnet', 23],
  ['smtp', 25],
  ['domain', 53],
  ['bootps', 67],
  ['bootpc', 68],
  ['tftp', 69],
  ['http', 80],
  ['www', 80],
  ['kerberos', 88],
  ['pop3', 110],
  ['sunrpc', 111],
  ['ntp', 123],
  ['imap2', 143],
  ['snmp', 161],
  ['ldap', 389],
  ['https', 443],
  ['microsoft-ds', 445],
  ['syslog', 514],
  ['submission', 587],
  ['ldaps', 636],
  ['imaps', 993],
  ['pop3s', 995],
  ['socks', 1080],
  ['openvpn', 1194],
  ['mysql', 3306],
  ['postgresql', 5432],
])

/** iproute2's default `/etc/iproute2/group`. */
export const DEVGROUPS: LMap = new Map([['default', 0]])

/** iproute2's default `/etc/iproute2/rt_realms`. */
export const REALMS: LMap = new Map([['cosmos', 0]])
