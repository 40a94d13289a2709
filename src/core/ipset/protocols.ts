/**
 * @module core/ipset/protocols
 * Protocol and service names, as the ipset tool resolves them through the C library
 * (`getprotobyname`/`getprotobynumber`, `getservbyname`) on a Debian system. The core cannot read
 * /etc/protocols or /etc/services, so the facts are tabled here:
 *
 * - protocols: the whole of netbase 6.4's /etc/protocols (official name, number, alias);
 * - services: a curated set of well-known names with the protocols netbase lists them for.
 *   A service name outside it is reported as unsupported, never guessed.
 */

/** `[number, official name, alias]`; ipset prints the official name, accepts either. */
const PROTOCOL_TABLE: readonly (readonly [number, string, string?])[] = [
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
  [73, 'rspf', 'RSPF'],
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
  [138, 'manet'],
  [139, 'hip', 'HIP'],
  [140, 'shim6', 'Shim6'],
  [141, 'wesp', 'WESP'],
  [142, 'rohc', 'ROHC'],
  [143, 'ethernet', 'Ethernet'],
]

const nameByNumber = new Map<number, string>()
const numberByName = new Map<string, number>()
for (const [num, name, alias] of PROTOCOL_TABLE) {
  if (!nameByNumber.has(num)) nameByNumber.set(num, name)
  numberByName.set(name, num)
  if (alias !== undefined) numberByName.set(alias, num)
}
// ipset's own spelling for ICMPv6 (lib/parse.c accepts it besides the /etc/protocols names).
numberByName.set('icmpv6', 58)

export const PROTO_ICMP = 1
export const PROTO_TCP = 6
export const PROTO_UDP = 17
export const PROTO_ICMPV6 = 58
export const PROTO_SCTP = 132
export const PROTO_UDPLITE = 136

/** The name `ipset save` prints for a protocol number, or undefined (it then prints the number). */
export function protocolName(n: number): string | undefined {
  return nameByNumber.get(n)
}

/** The protocol number of a name or alias as getprotobyname finds it (case-sensitive). */
export function protocolNumber(name: string): number | undefined {
  return numberByName.get(name)
}

/** Protocols whose packets carry real ports (get_port in ip_set_getport.c). */
export function hasPortNumbers(proto: number): boolean {
  return (
    proto === PROTO_TCP || proto === PROTO_UDP || proto === PROTO_SCTP || proto === PROTO_UDPLITE
  )
}

/** `name port protocols [aliases]`, from netbase 6.4's /etc/services. */
const SERVICE_TABLE = `
ftp-data 20 tcp;ftp 21 tcp;ssh 22 tcp;telnet 23 tcp;smtp 25 tcp mail;domain 53 tcp,udp
bootps 67 udp;bootpc 68 udp;tftp 69 udp;http 80 tcp www;kerberos 88 tcp,udp kerberos5,krb5,kerberos-sec
pop3 110 tcp pop-3;sunrpc 111 tcp,udp portmapper;ntp 123 udp;netbios-ns 137 udp;netbios-dgm 138 udp
netbios-ssn 139 tcp;imap2 143 tcp imap;snmp 161 tcp,udp;snmp-trap 162 tcp,udp snmptrap;bgp 179 tcp
ldap 389 tcp,udp;https 443 tcp,udp;microsoft-ds 445 tcp;isakmp 500 udp;syslog 514 udp;printer 515 tcp spooler
rtsp 554 tcp,udp;submission 587 tcp;ipp 631 tcp;ldaps 636 tcp,udp;kerberos-adm 749 tcp;rsync 873 tcp
imaps 993 tcp;pop3s 995 tcp;socks 1080 tcp;openvpn 1194 tcp,udp;ms-sql-s 1433 tcp;nfs 2049 tcp,udp
mysql 3306 tcp;sip 5060 tcp,udp;sip-tls 5061 tcp,udp;xmpp-client 5222 tcp jabber-client
postgresql 5432 tcp postgres;x11 6000 tcp x11-0;redis 6379 tcp;ircd 6667 tcp;http-alt 8080 tcp webcache
dhcpv6-client 546 udp;dhcpv6-server 547 udp`

const services = new Map<string, { readonly port: number; readonly protos: readonly string[] }>()
for (const entry of SERVICE_TABLE.split(/[;\n]/)) {
  const [name, port, protos, aliases] = entry.trim().split(' ')
  if (name === undefined || name === '' || port === undefined || protos === undefined) continue
  const info = { port: Number(port), protos: protos.split(',') }
  for (const n of [name, ...(aliases ? aliases.split(',') : [])]) services.set(n, info)
}

/**
 * getservbyname(name, proto): the port, `'wrong-proto'` when the name exists only for other
 * protocols, or `'unknown'` when kpath's table does not have it.
 */
export function servicePort(name: string, proto: string): number | 'wrong-proto' | 'unknown' {
  const s = services.get(name)
  if (!s) return 'unknown'
  return s.protos.includes(proto) ? s.port : 'wrong-proto'
}
