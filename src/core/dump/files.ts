/**
 * @module core/dump/files
 * The files of a node dump (docs/DUMP.md): each one the plain output of one standard command
 * run on the node. The collect script (collect-script.ts) and the reader (read.ts) both follow
 * this table, so a name is spelled once. A file that is absent was not collected (the command
 * was missing or failed); it never means "empty".
 */

export type DumpFileName =
  | 'hostname.txt'
  | 'iptables-save.txt'
  | 'ip6tables-save.txt'
  | 'nft-ruleset.txt'
  | 'ip-addr.json'
  | 'ip-link.json'
  | 'ip-route.json'
  | 'ip-route6.json'
  | 'ip-rule.json'
  | 'ip-rule6.json'
  | 'ip-neigh.json'
  | 'ipset-save.txt'
  | 'conntrack.txt'
  | 'ipvsadm.txt'
  | 'sysctl.txt'
  | 'bridge-fdb.json'
  | 'bridge-link.json'

export interface DumpFileSpec {
  readonly name: DumpFileName
  /** The command the collect script runs (no shell syntax: one argv). */
  readonly argv: readonly string[]
  /**
   * A shell test that must hold before the command runs. `ipvsadm` loads `ip_vs` through
   * modprobe when the module is absent, which would change the node: it only runs when
   * /proc/net/ip_vs exists.
   */
  readonly guard?: string
  /** Keep only the lines matching this basic regular expression (`grep`). */
  readonly grep?: string
  /** What the file feeds in the model, for docs and reports. */
  readonly feeds: string
}

export const DUMP_FILES: readonly DumpFileSpec[] = [
  { name: 'hostname.txt', argv: ['hostname'], feeds: 'the node name' },
  { name: 'iptables-save.txt', argv: ['iptables-save'], feeds: 'iptables.ipv4' },
  { name: 'ip6tables-save.txt', argv: ['ip6tables-save'], feeds: 'iptables.ipv6' },
  {
    name: 'nft-ruleset.txt',
    argv: ['nft', 'list', 'ruleset'],
    feeds: 'nftables (without the tables iptables-nft owns)',
  },
  { name: 'ip-addr.json', argv: ['ip', '-j', '-d', 'addr'], feeds: 'addresses' },
  { name: 'ip-link.json', argv: ['ip', '-j', '-d', 'link'], feeds: 'links, bridge ports' },
  {
    name: 'ip-route.json',
    argv: ['ip', '-j', 'route', 'show', 'table', 'all'],
    feeds: 'IPv4 routes',
  },
  {
    name: 'ip-route6.json',
    argv: ['ip', '-j', '-6', 'route', 'show', 'table', 'all'],
    feeds: 'IPv6 routes',
  },
  { name: 'ip-rule.json', argv: ['ip', '-j', 'rule'], feeds: 'IPv4 policy rules' },
  { name: 'ip-rule6.json', argv: ['ip', '-j', '-6', 'rule'], feeds: 'IPv6 policy rules' },
  { name: 'ip-neigh.json', argv: ['ip', '-j', 'neigh'], feeds: 'neighbours' },
  { name: 'ipset-save.txt', argv: ['ipset', 'save'], feeds: 'ipsets' },
  { name: 'conntrack.txt', argv: ['conntrack', '-L'], feeds: 'conntrack' },
  {
    name: 'ipvsadm.txt',
    argv: ['ipvsadm', '-Sn'],
    guard: '[ -e /proc/net/ip_vs ]',
    feeds: 'ipvs (virtual services, real servers)',
  },
  { name: 'sysctl.txt', argv: ['sysctl', '-a'], grep: '^net\\.', feeds: 'sysctls (net.*)' },
  { name: 'bridge-fdb.json', argv: ['bridge', '-j', 'fdb'], feeds: 'fdb' },
  { name: 'bridge-link.json', argv: ['bridge', '-j', 'link'], feeds: 'bridge ports' },
]

/** Written by the collect script beside the outputs: what ran, what failed, tool versions. */
export const COLLECT_LOG = 'collect.log'

export function isDumpFileName(name: string): name is DumpFileName {
  return DUMP_FILES.some((f) => f.name === name)
}
