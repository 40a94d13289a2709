/**
 * @module core/netfilter/xt/modules/extra/lib/names
 * The name databases some extensions consult through libc or files, embedded because the core
 * cannot read files: part of `/etc/services` as Debian 12 (netbase 6.4)
 * ships them, and iproute2 6.1's default `/etc/iproute2/group` and `/etc/iproute2/rt_realms`.
 *
 * iptables resolves these on the machine that runs it; a host with edited tables prints other
 * names (e.g. a custom device group name). kpath uses the stock tables.
 */
import type { LMap } from './xtopt.js'

// The protocol databases (/etc/protocols, libxtables' built-in names) live with the core
// modules that resolve protocols the same way.
export { protoByIptablesName, protoByName, protoByNumber } from '../../core/netdb.js'

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
