/**
 * @module core/dump/netns
 * A parsed dump → the node's {@link NetnsState}, with notes on what was not collected and what
 * was assumed for it. Links come from `ip -j -d link` (or, without it, the link part of
 * `ip -j -d addr`); bridge ports without `-d` details take them from `bridge -j link`. A veth
 * whose peer lives in another namespace keeps no peer here (the dump has only the node's side:
 * its `link_netnsid` stays in the record); the cluster built from dumps wires it (cluster.ts).
 */
import { emptyNetns, type Link, type NetnsRole, type NetnsState } from '../model/netns.js'
import { netSysctls } from '../sysctl/index.js'
import type { ParsedDump } from './read.js'

export interface DumpNetns {
  readonly state: NetnsState
  /** What was not collected and what stands in for it. */
  readonly notes: readonly string[]
}

function linksOf(d: ParsedDump, notes: string[]): readonly Link[] {
  const records = d.links ?? d.addr?.links
  if (records === undefined) {
    notes.push('links not collected (ip-link.json, ip-addr.json): the node has only lo')
    return emptyNetns('x').links
  }
  if (d.links === undefined) notes.push('ip-link.json not collected: links read from ip-addr.json')
  const ports = new Map((d.bridgeLinks ?? []).map((p) => [p.name, p]))
  return records.map(({ link }) => {
    const port = ports.get(link.name)
    if (link.bridgePort !== undefined || port === undefined) return link
    return { ...link, master: link.master ?? port.master, bridgePort: port.port }
  })
}

function missing<T>(value: T | undefined, file: string, notes: string[], fallback: T): T {
  if (value !== undefined) return value
  notes.push(`${file} not collected`)
  return fallback
}

/**
 * @param name the namespace name (the cluster names nodes `node-HOST`)
 */
export function dumpNetns(d: ParsedDump, name: string, role?: NetnsRole): DumpNetns {
  const notes: string[] = []
  const empty = emptyNetns(name)
  const rules = [
    ...missing(
      d.rules,
      'ip-rule.json',
      notes,
      empty.rules.filter((r) => r.family === 4).map((rule) => ({ rule, extra: {} })),
    ),
    ...missing(
      d.rules6,
      'ip-rule6.json',
      notes,
      empty.rules.filter((r) => r.family === 6).map((rule) => ({ rule, extra: {} })),
    ),
  ].map((r) => r.rule)
  if (d.rules === undefined || d.rules6 === undefined)
    notes.push('the default policy rules stand in for the missing ones')
  const routes = [
    ...missing(d.routes, 'ip-route.json', notes, []),
    ...missing(d.routes6, 'ip-route6.json', notes, []),
  ]
  const sysctls = netSysctls(missing(d.sysctls, 'sysctl.txt', notes, []))
  const iptables = {
    ...(d.ipv4 === undefined ? {} : { ipv4: d.ipv4 }),
    ...(d.ipv6 === undefined ? {} : { ipv6: d.ipv6 }),
  }
  if (d.ipv4 === undefined) notes.push('iptables-save.txt not collected: no IPv4 iptables rules')
  if (d.nftOwnedByIptables.length > 0)
    notes.push(
      `nft tables ${d.nftOwnedByIptables.join(', ')} are iptables-nft's: read from iptables-save`,
    )
  const state: NetnsState = {
    name,
    ...(role === undefined ? {} : { role }),
    links: linksOf(d, notes),
    addresses: (d.addr?.addresses ?? []).map((a) => a.address),
    routes: routes.map((r) => r.route),
    rules,
    neighbours: (d.neighbours ?? []).map((n) => n.neighbour),
    fdb: (d.fdb ?? []).map((f) => f.entry),
    sysctls,
    iptables,
    ...(d.nftables === undefined || d.nftables.tables.length === 0 ? {} : { nftables: d.nftables }),
    ipsets: d.ipsets ?? [],
    conntrack: d.conntrack ?? [],
    ...(d.ipvs === undefined ? {} : { ipvs: d.ipvs }),
  }
  if (d.addr === undefined) notes.push('ip-addr.json not collected: the node has no addresses')
  return { state, notes }
}
