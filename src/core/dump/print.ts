/**
 * @module core/dump/print
 * Each dump file printed back from its parsed records, through the printers of each format
 * (the round-trip tests check that parse then print gives the file back byte for byte). The
 * nft ruleset prints without the tables left to iptables-save (nft-split.ts).
 */
import { printConntrackList } from '../conntrack/index.js'
import {
  printBridgeFdbJson,
  printBridgeLinkJson,
  printIpAddrJson,
  printIpLinkJson,
  printIpNeighJson,
  printIpRouteJson,
  printIpRuleJson,
  soloContext,
} from '../iproute2/index.js'
import { printIpsetSave } from '../ipset/index.js'
import { printIpvsSave } from '../ipvs/index.js'
import { printIptablesSave } from '../netfilter/iptables-save/index.js'
import { printNftRuleset } from '../netfilter/nft/print.js'
import { printSysctlA } from '../sysctl/index.js'
import type { DumpFileName } from './files.js'
import { printHostname } from './hostname.js'
import type { ParsedDump } from './read.js'

type Printers = { [K in DumpFileName]: (d: ParsedDump) => string | undefined }

const PRINTERS: Printers = {
  'hostname.txt': (d) => (d.hostname === undefined ? undefined : printHostname(d.hostname)),
  'iptables-save.txt': (d) => d.ipv4 && printIptablesSave(d.ipv4),
  'ip6tables-save.txt': (d) => d.ipv6 && printIptablesSave(d.ipv6),
  'nft-ruleset.txt': (d) => d.nftables && printNftRuleset(d.nftables),
  'ip-addr.json': (d) =>
    d.addr && printIpAddrJson(d.addr, soloContext(d.netns), { details: true, mode: 'addr' }),
  'ip-link.json': (d) => d.links && printIpLinkJson(d.links, soloContext(d.netns)),
  'ip-route.json': (d) => d.routes && printIpRouteJson(d.routes),
  'ip-route6.json': (d) => d.routes6 && printIpRouteJson(d.routes6),
  'ip-rule.json': (d) => d.rules && printIpRuleJson(d.rules),
  'ip-rule6.json': (d) => d.rules6 && printIpRuleJson(d.rules6),
  'ip-neigh.json': (d) => d.neighbours && printIpNeighJson(d.neighbours),
  'ipset-save.txt': (d) => d.ipsets && printIpsetSave(d.ipsets),
  'conntrack.txt': (d) => d.conntrack && printConntrackList(d.conntrack),
  'ipvsadm.txt': (d) => d.ipvs && printIpvsSave(d.ipvs),
  'sysctl.txt': (d) => d.sysctls && printSysctlA(d.sysctls),
  'bridge-fdb.json': (d) => d.fdb && printBridgeFdbJson(d.fdb),
  'bridge-link.json': (d) => d.bridgeLinks && printBridgeLinkJson(d.bridgeLinks),
}

/** The file `name` printed from the dump's records; undefined when it was not collected. */
export function printDumpFile(d: ParsedDump, name: DumpFileName): string | undefined {
  return d.present.includes(name) ? PRINTERS[name](d) : undefined
}
