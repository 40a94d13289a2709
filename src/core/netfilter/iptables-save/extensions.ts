/**
 * @module core/netfilter/iptables-save/extensions
 * Which names iptables 1.8.9 ships as extensions (its `extensions/` directory), and how names
 * map onto kpath's registry. An unknown `-m NAME` or `-j NAME` is reported as unsupported when
 * iptables knows the extension, and as an unknown chain or match otherwise.
 */
import type { Family } from '../../net/ip.js'
import { allModules, findModule } from '../xt/registry.js'
import type { XtModule } from '../xt/types.js'

const IPTABLES_MATCHES = new Set(
  (
    'addrtype ah bpf cgroup cluster comment connbytes connlabel connlimit connmark conntrack cpu dccp devgroup ' +
    'dscp dst ecn esp eui64 frag hashlimit hbh helper hl icmp icmp6 ipcomp iprange ipv6header ipvs length limit ' +
    'mac mark mh multiport nfacct osf owner physdev pkttype policy quota rateest realm recent rpfilter rt sctp set ' +
    'socket srh state statistic string tcp tcpmss time tos ttl u32 udp'
  ).split(' '),
)

const IPTABLES_TARGETS = new Set(
  (
    'AUDIT CHECKSUM CLASSIFY CLUSTERIP CONNMARK CONNSECMARK CT DNAT DNPT DSCP ECN HL HMARK IDLETIMER LED LOG MARK ' +
    'MASQUERADE NETMAP NFLOG NFQUEUE NOTRACK RATEEST REDIRECT REJECT SECMARK SET SNAT SNPT SYNPROXY TCPMSS ' +
    'TCPOPTSTRIP TEE TOS TPROXY TRACE TTL ULOG'
  ).split(' '),
)

/** `xtables_find_match` renames these to `icmp6` ("This is ugly as hell"). */
export function matchAlias(name: string): string {
  return name === 'icmpv6' || name === 'ipv6-icmp' ? 'icmp6' : name
}

export function isIptablesExtension(kind: 'match' | 'target', name: string): boolean {
  return (kind === 'match' ? IPTABLES_MATCHES : IPTABLES_TARGETS).has(
    kind === 'match' ? matchAlias(name) : name,
  )
}

/** Lookups by kind and family, memoised: a dump asks for the same few names over and over. */
const lookups = new Map<string, Map<string, XtModule | null>>()

export function lookupModule(
  kind: 'match' | 'target',
  name: string,
  family: Family,
): XtModule | undefined {
  const key = kind === 'match' ? (family === 4 ? 'm4' : 'm6') : family === 4 ? 't4' : 't6'
  let byName = lookups.get(key)
  if (!byName) {
    byName = new Map()
    lookups.set(key, byName)
  }
  let m = byName.get(name)
  if (m === undefined) {
    m = findModule(kind, kind === 'match' ? matchAlias(name) : name, family) ?? null
    if (byName.size < 1000) byName.set(name, m)
  }
  return m ?? undefined
}

/** Every extension name iptables 1.8.9 has of a kind. */
export function iptablesExtensionNames(kind: 'match' | 'target'): string[] {
  return [...(kind === 'match' ? IPTABLES_MATCHES : IPTABLES_TARGETS)]
}

/** The names kpath knows for a kind and family, for hints. */
export function knownNames(kind: 'match' | 'target', family: Family): string[] {
  return allModules()
    .filter((m) => m.kind === kind && (!m.families || m.families.includes(family)))
    .map((m) => m.name)
    .sort()
}
