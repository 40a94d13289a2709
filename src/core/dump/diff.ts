/**
 * @module core/dump/diff
 * `kpath diff --dump DIR FILE…`: a node's real state (its dump) against what kpath renders for
 * that node from the Kubernetes objects (the same loadCluster → assembleCluster as `kpath
 * trace FILE…`). Compared: iptables rules by chain and Service (diff-rules.ts), kube-proxy's
 * nftables tables (diff-nft.ts), IPv4 and IPv6 routes of every table (as `ip route` prints
 * them), ipset members, and the sysctls the CNI and kube-proxy depend on. Only what the dump
 * holds is compared; the report lists what was.
 */
import { type AssembledCluster, assembleCluster } from '../cluster/index.js'
import { KpathError } from '../errors.js'
import { printIpRouteText } from '../iproute2/index.js'
import { type IpSet, printIpsetSave } from '../ipset/index.js'
import { type LoadInput, loadCluster } from '../kube/load/index.js'
import { netnsName } from '../model/cluster-state.js'
import type { NetnsState, Route } from '../model/netns.js'
import { multisetDiff } from './diff-multiset.js'
import { diffNftables } from './diff-nft.js'
import { diffRulesets } from './diff-rules.js'
import type { Drift, DriftReport } from './diff-types.js'
import { dumpNetns } from './netns.js'
import { has, type ParsedDump } from './read.js'

/**
 * The sysctls a CNI or kube-proxy needs at a value (forwarding, reverse-path filtering, proxy
 * ARP, route_localnet for localhost NodePorts, br_netfilter, conntrack's TCP settings).
 */
const NEEDED =
  /^net\.(ipv4\.ip_forward|ipv4\.conf\.[^.]+\.(rp_filter|proxy_arp|route_localnet|forwarding)|bridge\.bridge-nf-call-ip6?tables|netfilter\.nf_conntrack_tcp_(loose|be_liberal|timeout_established|timeout_close_wait))$/

function routeText(r: Route): string {
  return printIpRouteText([{ route: r, extra: {} }]).trimEnd()
}

/**
 * Routes of one family in every table, as `ip route` prints them. IPv6 routes the kernel makes
 * itself from links and addresses (`proto kernel`: each device's fe80::/64, the local table's
 * address and multicast routes) are left out: kpath does not model IPv6 link-local addressing,
 * and they follow from state compared elsewhere. The routes CNIs and people add are compared.
 */
function diffRoutes(real: NetnsState, want: NetnsState, family: 4 | 6): Drift[] {
  const of = (n: NetnsState) =>
    n.routes.filter((r) => r.family === family && (family === 4 || r.proto !== 'kernel'))
  const key = (r: Route) => `${r.table}\u0000${routeText(r)}`
  return multisetDiff(of(real).map(key), of(want).map(key), (change, k) => {
    const [table = '', text = ''] = k.split('\u0000')
    const group = family === 4 ? 'routes' : 'IPv6 routes'
    return { kind: 'route', change, group, where: `table ${table}`, text }
  })
}

/**
 * A set's header and member lines. `initval` is the hash seed the kernel draws at random when
 * the set is created (ipset 7.x prints it), so it is not compared.
 */
function setLines(set: IpSet): { header: string; members: string[] } {
  const [header = '', ...members] = printIpsetSave([set]).trimEnd().split('\n')
  return { header: header.replace(/ initval 0x[0-9a-f]+/, ''), members }
}

function diffIpsets(real: NetnsState, want: NetnsState): Drift[] {
  const out: Drift[] = []
  for (const w of want.ipsets) {
    const r = real.ipsets.find((s) => s.name === w.name)
    const group = `ipset ${w.name}`
    if (r === undefined) {
      out.push({ kind: 'ipset', change: 'missing', group, where: 'ipset', text: w.name })
      continue
    }
    const a = setLines(w)
    const b = setLines(r)
    if (a.header !== b.header)
      out.push({
        kind: 'ipset',
        change: 'differs',
        group,
        where: 'ipset',
        text: a.header,
        real: b.header,
      })
    out.push(
      ...multisetDiff(b.members, a.members, (change, text) => ({
        kind: 'ipset',
        change,
        group,
        where: 'ipset',
        text,
      })),
    )
  }
  for (const r of real.ipsets)
    if (!want.ipsets.some((s) => s.name === r.name))
      out.push({
        kind: 'ipset',
        change: 'extra',
        group: `ipset ${r.name}`,
        where: 'ipset',
        text: r.name,
      })
  return out
}

function diffSysctls(real: NetnsState, want: NetnsState, notes: string[]): Drift[] {
  const out: Drift[] = []
  for (const [key, value] of Object.entries(want.sysctls)) {
    if (!NEEDED.test(key)) continue
    const got = real.sysctls[key]
    if (got === undefined)
      notes.push(`${key} is not in the dump (module not loaded, or no such device)`)
    else if (got !== value)
      out.push({
        kind: 'sysctl',
        change: 'differs',
        group: 'sysctls',
        where: 'sysctl',
        text: `${key} = ${value}`,
        real: `${key} = ${got}`,
      })
  }
  return out
}

/** Compare one node's dumped state with the rendered state of the same node. */
export function diffNode(dump: ParsedDump, want: NetnsState): DriftReport {
  const { state: real, notes: own } = dumpNetns(dump, want.name)
  const notes = [...own]
  const drifts: Drift[] = []
  const compared: string[] = []
  if (has(dump, 'iptables-save.txt')) {
    compared.push('iptables (IPv4)')
    drifts.push(...diffRulesets('ipv4', real.iptables.ipv4, want.iptables.ipv4))
  }
  if (has(dump, 'ip6tables-save.txt')) {
    compared.push('iptables (IPv6)')
    drifts.push(...diffRulesets('ipv6', real.iptables.ipv6, want.iptables.ipv6))
  }
  if (has(dump, 'ip-route.json')) {
    compared.push('IPv4 routes')
    drifts.push(...diffRoutes(real, want, 4))
  }
  if (has(dump, 'ip-route6.json')) {
    compared.push('IPv6 routes')
    drifts.push(...diffRoutes(real, want, 6))
  }
  if (has(dump, 'ipset-save.txt')) {
    compared.push('ipsets')
    drifts.push(...diffIpsets(real, want))
  }
  if (has(dump, 'sysctl.txt')) {
    compared.push('sysctls')
    drifts.push(...diffSysctls(real, want, notes))
  }
  if (has(dump, 'nft-ruleset.txt')) {
    compared.push('nftables (kube-proxy tables)')
    drifts.push(...diffNftables(real.nftables, want.nftables))
  }
  return { node: want.role?.kind === 'node' ? want.role.node : want.name, compared, drifts, notes }
}

function nodeFor(state: AssembledCluster, dump: ParsedDump): NetnsState {
  const nodes = state.namespaces.filter((n) => n.role?.kind === 'node')
  const host = dump.hostname
  const found = host === undefined ? undefined : nodes.find((n) => n.name === netnsName.node(host))
  if (found) return found
  throw new KpathError(
    'KPATH_INVALID_ARGUMENT',
    host === undefined
      ? `${dump.source} has no hostname.txt: which node is it?`
      : `${dump.source} is of host ${host}, which is not a node of the objects`,
    {
      hint: `the nodes: ${nodes.map((n) => (n.role?.kind === 'node' ? n.role.node : n.name)).join(', ') || '(none)'}`,
    },
  )
}

/**
 * @example
 * diffDumps([parseDump(files, 'dumps/alpha')], [{ file: 'cluster.yaml', text }])[0].drifts // []
 * @throws KpathError KPATH_INVALID_ARGUMENT when a dump's host is not a node of the objects
 */
export function diffDumps(
  dumps: readonly ParsedDump[],
  inputs: readonly LoadInput[],
): DriftReport[] {
  const state = assembleCluster(loadCluster(inputs))
  return dumps.map((d) => diffNode(d, nodeFor(state, d)))
}
