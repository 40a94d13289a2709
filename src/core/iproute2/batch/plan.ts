/**
 * @module core/iproute2/batch/plan
 * A model namespace as the commands that build it for real: `ip -batch` lines (links,
 * addresses, IPv4 routes and rules, neighbours), `ip -6 -batch` lines (IPv6 routes and rules:
 * a batch line cannot carry `-6`, and a rule without an address does not say its family),
 * `bridge -batch` lines (FDB entries) and sysctls. What the kernel makes by itself is left
 * out and listed in `skipped`, with the reason, never dropped silently.
 *
 * Run order, for every namespace of a lab: `sysctls`, then `create` (all namespaces, so that
 * veth peers exist), then `linkSysctls`, `configure`, `configure6`, `up`, `late`, `bridge`.
 * Addresses and routes need their links up, and routes their addresses, so they come in
 * `late` after `up`.
 */
import type { FdbEntry, Link, Neighbour, NetnsState, PolicyRule, Route } from '../../model/netns.js'
import { dsfieldName, hex0x, protoId, tableName } from '../names.js'
import { dstText } from '../route/record.js'
import { defaultRule, kernelAddress, kernelFdb, kernelRoute } from './kernel-made.js'
import { configureLines, createLines } from './links.js'

export interface BatchPlan {
  /** `sysctl -w` before anything is created: global and all/default values. */
  readonly sysctls: readonly (readonly [string, string])[]
  /** `ip -n NS -batch -`: create links (run for every namespace before the rest). */
  readonly create: readonly string[]
  /** Per-interface sysctls, once the links exist. */
  readonly linkSysctls: readonly (readonly [string, string])[]
  /** `ip -n NS -batch -`: masters, port settings, ARP. */
  readonly configure: readonly string[]
  /** `ip -n NS -batch -`: links up, in index order. */
  readonly up: readonly string[]
  /** `ip -n NS -batch -`: addresses, IPv4 routes and rules, neighbours. */
  readonly late: readonly string[]
  /** `ip -6 -n NS -batch -`: IPv6 routes and rules. */
  readonly late6: readonly string[]
  /** `bridge -n NS -batch -`: FDB entries. */
  readonly bridge: readonly string[]
  /** What the kernel makes itself (or cannot be made), with the reason. */
  readonly skipped: readonly string[]
}

const PER_LINK = /^net\.ipv[46]\.(conf|neigh)\.([^.]+)\./

function splitSysctls(state: NetnsState): [[string, string][], [string, string][]] {
  const early: [string, string][] = []
  const late: [string, string][] = []
  for (const [name, value] of Object.entries(state.sysctls)) {
    const m = PER_LINK.exec(name)
    const group = m?.[2]
    ;(group === undefined || group === 'all' || group === 'default' ? early : late).push([
      name,
      value,
    ])
  }
  return [early, late]
}

function addressLine(a: NetnsState['addresses'][number]): string {
  const local =
    a.peer === undefined ? `${a.local}/${a.prefixLen}` : `${a.local} peer ${a.peer}/${a.prefixLen}`
  const brd = a.broadcast === undefined ? '' : ` brd ${a.broadcast}`
  const scope = a.scope === 'global' ? '' : ` scope ${a.scope}`
  const label = a.label === undefined ? '' : ` label ${a.label}`
  return `addr add ${local}${brd}${scope}${label} dev ${a.iface}`
}

export function routeLine(r: Route): string {
  const w: string[] = ['route add']
  if (r.type !== 'unicast') w.push(r.type)
  w.push(dstText(r.dst))
  if (r.tos !== undefined && r.tos !== 0) w.push(`tos ${dsfieldName(r.tos)}`)
  if (r.via !== undefined) w.push(`via ${r.via}`)
  if (r.dev !== undefined) w.push(`dev ${r.dev}`)
  if (r.table !== 254) w.push(`table ${tableName(r.table)}`)
  // As a number: iproute2 6.1's rtnl_rtprot_a2n caches the last name it looked up but not
  // the number a numeric lookup returned, so in one batch `proto boot`, `proto 80`, `proto
  // boot` installs the third route as proto 80 (seen in a lab of Calico VXLAN routes).
  if (r.proto !== undefined) w.push(`proto ${protoId(r.proto) ?? r.proto}`)
  if (r.scope !== undefined) w.push(`scope ${r.scope}`)
  if (r.src !== undefined) w.push(`src ${r.src}`)
  if (r.metric !== undefined) w.push(`metric ${r.metric}`)
  if (r.onlink) w.push('onlink')
  if (r.mtu !== undefined) w.push(`mtu ${r.mtu}`)
  for (const h of r.nexthops ?? []) {
    const hop = [
      'nexthop',
      h.via === undefined ? '' : `via ${h.via}`,
      h.dev === undefined ? '' : `dev ${h.dev}`,
    ]
    hop.push(`weight ${h.weight ?? 1}`, h.onlink ? 'onlink' : '')
    w.push(hop.filter(Boolean).join(' '))
  }
  return w.join(' ')
}

export function ruleLine(r: PolicyRule): string {
  const w: string[] = ['rule add']
  if (r.not) w.push('not')
  if (r.from !== undefined) w.push(`from ${r.from}`)
  if (r.to !== undefined) w.push(`to ${r.to}`)
  if (r.tos !== undefined && r.tos !== 0) w.push(`tos ${dsfieldName(r.tos)}`)
  if (r.fwmark !== undefined) w.push(`fwmark ${hex0x(r.fwmark.value)}/${hex0x(r.fwmark.mask)}`)
  if (r.iif !== undefined) w.push(`iif ${r.iif}`)
  if (r.oif !== undefined) w.push(`oif ${r.oif}`)
  if (r.action === 'goto') w.push(`goto ${r.goto ?? 0}`)
  else if (r.action === 'nop') w.push('nop')
  else if (r.action !== undefined && r.action !== 'lookup') w.push(r.action)
  else if (r.table !== undefined) w.push(`lookup ${tableName(r.table)}`)
  if (r.suppressPrefixLength !== undefined)
    w.push(`suppress_prefixlength ${r.suppressPrefixLength}`)
  w.push(`priority ${r.priority}`)
  return w.join(' ')
}

/** NUD states a command can create; INCOMPLETE and FAILED only come from resolution. */
const SETTABLE = new Set(['PERMANENT', 'NOARP', 'REACHABLE', 'STALE', 'DELAY', 'PROBE'])

function neighbourLine(n: Neighbour): string | undefined {
  if (n.proxy) return `neigh add proxy ${n.dst} dev ${n.dev}`
  if (!SETTABLE.has(n.state)) return undefined
  const lladdr = n.lladdr === undefined ? '' : ` lladdr ${n.lladdr}`
  return `neigh add ${n.dst}${lladdr} dev ${n.dev} nud ${n.state.toLowerCase()}${n.router ? ' router' : ''}`
}

function fdbLine(e: FdbEntry): string {
  const w = [`fdb append ${e.mac} dev ${e.dev}`]
  if (e.dst !== undefined) w.push(`dst ${e.dst}`)
  if (e.vlan !== undefined) w.push(`vlan ${e.vlan}`)
  w.push(e.self ? 'self' : 'master')
  w.push(e.permanent ? 'permanent' : e.self ? 'static' : 'dynamic')
  return w.join(' ')
}

/** The commands that build `state`; `all` holds the other namespaces (veth peers). */
export function batchPlan(state: NetnsState, all: readonly NetnsState[] = [state]): BatchPlan {
  const links = [...state.links].sort((a, b) => a.index - b.index)
  const skipped: string[] = []
  const [sysctls, linkSysctls] = splitSysctls(state)
  const late: string[] = []
  const late6: string[] = []
  for (const a of state.addresses) {
    if (kernelAddress(a, state.links))
      skipped.push(`address ${a.local}/${a.prefixLen} on ${a.iface}: made by the kernel`)
    else late.push(addressLine(a))
  }
  for (const r of state.routes) {
    if (kernelRoute(r)) skipped.push(`route ${r.type} ${r.dst} table ${r.table}: proto kernel`)
    else (r.family === 4 ? late : late6).push(routeLine(r))
  }
  for (const r of state.rules) {
    if (defaultRule(r)) skipped.push(`rule ${r.priority} (IPv${r.family}): every namespace has it`)
    else (r.family === 4 ? late : late6).push(ruleLine(r))
  }
  for (const n of state.neighbours) {
    const line = neighbourLine(n)
    if (line === undefined)
      skipped.push(`neighbour ${n.dst} ${n.state}: only address resolution makes it`)
    else late.push(line)
  }
  const bridge: string[] = []
  for (const e of state.fdb ?? []) {
    if (kernelFdb(e, state.links)) skipped.push(`fdb ${e.mac} dev ${e.dev}: made by the kernel`)
    else bridge.push(fdbLine(e))
  }
  return {
    sysctls,
    create: links.flatMap((l) => createLines(all, state, l)),
    linkSysctls,
    configure: links.flatMap((l: Link) => configureLines(l)),
    up: links.filter((l) => l.up).map((l) => `link set ${l.name} up`),
    late,
    late6,
    bridge,
    skipped,
  }
}
