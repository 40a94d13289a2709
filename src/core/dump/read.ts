/**
 * @module core/dump/read
 * A node dump (the files of {@link DUMP_FILES}, by name) → the parsed records of each file
 * ({@link ParsedDump}) → the node's {@link NetnsState}. Every format goes through the parser
 * kpath already has for it (iptables-save, nft, ipset save, conntrack -L, the iproute2 JSON
 * listings, sysctl -a), so errors are located in `DIR/FILE:line:column`. The parsed records keep
 * what the model does not hold, so `printDumpFiles` gives each file back as it was (round trip).
 */
import { type ConntrackEntry, parseConntrackList } from '../conntrack/index.js'
import { KpathError } from '../errors.js'
import {
  type IpAddrListing,
  type IpBridgeLink,
  type IpFdbEntry,
  type IpLink,
  type IpNeighbour,
  type IpRoute,
  type IpRule,
  parseBridgeFdbJson,
  parseBridgeLinkJson,
  parseIpAddrJson,
  parseIpLinkJson,
  parseIpNeighJson,
  parseIpRouteJson,
  parseIpRuleJson,
  soloContext,
} from '../iproute2/index.js'
import { type IpSet, parseIpsetSave } from '../ipset/index.js'
import { type IpvsState, parseIpvsSave } from '../ipvs/index.js'
import { parseIptablesSave } from '../netfilter/iptables-save/index.js'
import { type NftRuleset, parseNftRuleset } from '../netfilter/nft/index.js'
import type { Ruleset } from '../netfilter/rule.js'
import { parseSysctlA, type SysctlEntry } from '../sysctl/index.js'
import { DUMP_FILES, type DumpFileName, isDumpFileName } from './files.js'
import { parseHostname } from './hostname.js'
import { iptablesNftTables, splitIptablesNft } from './nft-split.js'

/** A dump as read from disk: file name (no folder) → text. */
export type DumpFiles = ReadonlyMap<string, string>

export interface ParsedDump {
  /** Where the dump came from, for messages (a folder path). */
  readonly source: string
  /** The dump files present, in DUMP_FILES order. */
  readonly present: readonly DumpFileName[]
  /** Files in the folder that are not dump files (collect.log, notes): listed, not read. */
  readonly ignored: readonly string[]
  /** The IpContext namespace the listings were read with. */
  readonly netns: string
  readonly hostname?: string
  readonly links?: readonly IpLink[]
  readonly addr?: IpAddrListing
  readonly routes?: readonly IpRoute[]
  readonly routes6?: readonly IpRoute[]
  readonly rules?: readonly IpRule[]
  readonly rules6?: readonly IpRule[]
  readonly neighbours?: readonly IpNeighbour[]
  readonly fdb?: readonly IpFdbEntry[]
  readonly bridgeLinks?: readonly IpBridgeLink[]
  readonly sysctls?: readonly SysctlEntry[]
  readonly ipv4?: Ruleset
  readonly ipv6?: Ruleset
  readonly nftables?: NftRuleset
  /** nft tables left to iptables-save (iptables-nft's own), see nft-split.ts. */
  readonly nftOwnedByIptables: readonly string[]
  readonly ipsets?: readonly IpSet[]
  readonly conntrack?: readonly ConntrackEntry[]
  /** `ipvsadm -Sn`: the virtual services and their real servers (core/ipvs). */
  readonly ipvs?: IpvsState
}

/** The namespace name listings are read into before the node's name is known. */
export const DUMP_NETNS = 'dump'

type Parsers = { [K in DumpFileName]: (text: string, file: string, acc: Acc) => Partial<Acc> }
type Acc = { -readonly [K in keyof ParsedDump]: ParsedDump[K] } & { files: DumpFiles }

const ctx = soloContext(DUMP_NETNS)

const PARSERS: Parsers = {
  'hostname.txt': (t, file) => ({ hostname: located(file, () => parseHostname(t)) }),
  'iptables-save.txt': (t, file) => ({ ipv4: parseIptablesSave(t, { family: 4, file }) }),
  'ip6tables-save.txt': (t, file) => ({ ipv6: parseIptablesSave(t, { family: 6, file }) }),
  'nft-ruleset.txt': (t, file, acc) => {
    const owned = new Set([
      ...iptablesNftTables(acc.files.get('iptables-save.txt'), 'ip'),
      ...iptablesNftTables(acc.files.get('ip6tables-save.txt'), 'ip6'),
    ])
    const split = splitIptablesNft(t, owned)
    return { nftables: parseNftRuleset(split.text, { file }), nftOwnedByIptables: split.owned }
  },
  'ip-addr.json': (t, file) => ({ addr: parseIpAddrJson(t, ctx, { file }) }),
  'ip-link.json': (t, file) => ({ links: parseIpLinkJson(t, ctx, { file }) }),
  'ip-route.json': (t, file) => ({ routes: parseIpRouteJson(t, { file }) }),
  'ip-route6.json': (t, file) => ({ routes6: parseIpRouteJson(t, { file, family: 6 }) }),
  'ip-rule.json': (t, file) => ({ rules: parseIpRuleJson(t, { file }) }),
  'ip-rule6.json': (t, file) => ({ rules6: parseIpRuleJson(t, { file, family: 6 }) }),
  'ip-neigh.json': (t, file) => ({ neighbours: parseIpNeighJson(t, { file }) }),
  'ipset-save.txt': (t, file) => ({ ipsets: parseIpsetSave(t, { file }) }),
  'conntrack.txt': (t, file) => ({ conntrack: parseConntrackList(t, { file }) }),
  'ipvsadm.txt': (t, file) => ({ ipvs: located(file, () => parseIpvsSave(t)) }),
  'sysctl.txt': (t, file) => ({ sysctls: parseSysctlA(t, { file }) }),
  'bridge-fdb.json': (t, file) => ({ fdb: parseBridgeFdbJson(t, { file }) }),
  'bridge-link.json': (t, file) => ({ bridgeLinks: parseBridgeLinkJson(t, { file }) }),
}

function located<T>(file: string, parse: () => T): T {
  try {
    return parse()
  } catch (e) {
    if (e instanceof KpathError) throw e.inFile(file)
    throw e
  }
}

/**
 * Parse every dump file present in `files`. Errors name `source/FILE`.
 *
 * @example
 * parseDump(new Map([['hostname.txt', 'alpha\n']]), 'dumps/alpha').hostname // 'alpha'
 * @throws KpathError KPATH_PARSE / KPATH_UNSUPPORTED from the format's parser, located;
 *   KPATH_INVALID_ARGUMENT when the folder holds no dump file at all
 */
export function parseDump(files: DumpFiles, source: string): ParsedDump {
  const present = DUMP_FILES.map((f) => f.name).filter((n) => files.has(n))
  const ignored = [...files.keys()].filter((n) => !isDumpFileName(n)).sort()
  if (present.length === 0)
    throw new KpathError('KPATH_INVALID_ARGUMENT', `${source} holds no dump file`, {
      hint: `a dump holds files such as ${DUMP_FILES.slice(0, 4)
        .map((f) => f.name)
        .join(', ')} (kpath collect writes them; docs/DUMP.md)`,
    })
  const acc: Acc = { source, present, ignored, netns: DUMP_NETNS, nftOwnedByIptables: [], files }
  for (const name of present) {
    const text = files.get(name) ?? ''
    Object.assign(acc, PARSERS[name](text, `${source}/${name}`, acc))
  }
  const { files: _files, ...parsed } = acc
  return parsed
}

/** Whether the dump holds `name` (absent = not collected). */
export function has(d: ParsedDump, name: DumpFileName): boolean {
  return d.present.includes(name)
}
