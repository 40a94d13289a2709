/**
 * @module core/route/testing/lab-batch
 * Test support: the `ip -batch` lines and sysctl assignments that build a state's links,
 * addresses, routes and rules in a real (scratch) namespace, so the live tests can ask the
 * kernel the same questions kpath answers. Pure text; the tests run it through an Execer.
 * Links become veth pairs whose two ends both live in the namespace (the state must list both),
 * or bridges; other kinds are refused.
 */
import { unsupported } from '../../errors.js'
import type { Address, Link, NetnsState, PolicyRule, Route } from '../../model/netns.js'
import { TABLE_LOCAL, TABLE_MAIN } from '../../model/netns.js'
import { sysctlIface } from '../../sysctl/index.js'

function linkLines(links: readonly Link[]): string[] {
  const out: string[] = []
  const made = new Set<string>(['lo'])
  for (const l of links) {
    if (made.has(l.name)) continue
    const mac = l.mac ? ` address ${l.mac}` : ''
    if (l.kind === 'veth' && l.peer?.netns) {
      // The peer lives in another (existing) namespace, set up by the caller.
      out.push(`link add ${l.name}${mac} type veth peer name ${l.peer.name} netns ${l.peer.netns}`)
    } else if (l.kind === 'veth' && l.peer) {
      const peer = links.find((p) => p.name === l.peer?.name)
      const peerMac = peer?.mac ? ` address ${peer.mac}` : ''
      out.push(`link add ${l.name}${mac} type veth peer name ${l.peer.name}${peerMac}`)
      made.add(l.peer.name)
    } else if (l.kind === 'bridge') out.push(`link add ${l.name}${mac} type bridge`)
    else if (l.kind !== 'loopback') throw unsupported(`lab link kind ${l.kind}`)
    made.add(l.name)
  }
  for (const l of links)
    if (l.mtu !== 1500 && l.kind !== 'loopback') out.push(`link set ${l.name} mtu ${l.mtu}`)
  return out
}

function addrLine(a: Address): string {
  const peer = a.peer ? ` peer ${a.peer}/${a.prefixLen}` : `/${a.prefixLen}`
  const brd = a.broadcast ? ` broadcast ${a.broadcast}` : ''
  const nodad = a.family === 6 ? ' nodad' : ''
  return `addr add ${a.local}${peer}${brd} scope ${a.scope} dev ${a.iface}${nodad}`
}

function tableName(t: number): string {
  return t === TABLE_MAIN ? 'main' : t === TABLE_LOCAL ? 'local' : String(t)
}

export function routeLine(r: Route): string {
  const parts = [`route add ${r.type} ${r.dst} table ${tableName(r.table)}`]
  if (r.tos) parts.push(`tos 0x${r.tos.toString(16)}`)
  if (r.metric !== undefined) parts.push(`metric ${r.metric}`)
  if (r.nexthops?.length) {
    for (const h of r.nexthops) {
      parts.push(
        `nexthop${h.via ? ` via ${h.via}` : ''}${h.dev ? ` dev ${h.dev}` : ''}${h.weight ? ` weight ${h.weight}` : ''}${h.onlink ? ' onlink' : ''}`,
      )
    }
  } else {
    if (r.via) parts.push(`via ${r.via}`)
    if (r.dev) parts.push(`dev ${r.dev}`)
    if (r.onlink) parts.push('onlink')
  }
  if (r.src) parts.push(`src ${r.src}`)
  if (r.scope) parts.push(`scope ${r.scope}`)
  if (r.proto) parts.push(`proto ${r.proto}`)
  if (r.mtu) parts.push(`mtu ${r.mtu}`)
  return parts.join(' ')
}

export function ruleLine(r: PolicyRule): string {
  const p = ['rule add']
  if (r.not) p.push('not')
  if (r.from) p.push(`from ${r.from}`)
  if (r.to) p.push(`to ${r.to}`)
  if (r.iif) p.push(`iif ${r.iif}`)
  if (r.oif) p.push(`oif ${r.oif}`)
  if (r.fwmark) p.push(`fwmark 0x${r.fwmark.value.toString(16)}/0x${r.fwmark.mask.toString(16)}`)
  if (r.tos) p.push(`tos 0x${r.tos.toString(16)}`)
  p.push(`pref ${r.priority}`)
  const action = r.action ?? 'lookup'
  p.push(action === 'lookup' ? `lookup ${tableName(r.table ?? TABLE_MAIN)}` : action)
  if (r.suppressPrefixLength !== undefined)
    p.push(`suppress_prefixlength ${r.suppressPrefixLength}`)
  return p.join(' ')
}

/** `neigh add` lines for proxy and static entries. */
function neighbourLines(state: NetnsState): string[] {
  return state.neighbours.map((n) =>
    n.proxy
      ? `neigh add proxy ${n.dst} dev ${n.dev}`
      : `neigh replace ${n.dst} lladdr ${n.lladdr} dev ${n.dev} nud ${n.state.toLowerCase()}`,
  )
}

/**
 * `ip -batch` lines: links, then addresses, then links up (so addresses exist first), then
 * neighbour entries.
 */
export function setupLines(state: NetnsState): {
  links: string[]
  addresses: string[]
  up: string[]
  neighbours: string[]
} {
  return {
    links: linkLines(state.links),
    addresses: state.addresses.map(addrLine),
    up: state.links.filter((l) => l.up).map((l) => `link set ${l.name} up`),
    neighbours: neighbourLines(state),
  }
}

/**
 * `sysctl -w` arguments: namespace-wide, `all` and `default` knobs go before the links exist
 * (new devices copy `default`), per-device knobs after.
 */
export function sysctlArgs(state: NetnsState): {
  readonly early: string[]
  readonly late: string[]
} {
  const early: string[] = []
  const late: string[] = []
  const devs = new Set(state.links.map((l) => sysctlIface(l.name)))
  for (const [k, v] of Object.entries(state.sysctls)) {
    const dev = /^net\.ipv[46]\.(?:conf|neigh)\.([^.]+)\./.exec(k)?.[1]
    ;(dev !== undefined && devs.has(dev) ? late : early).push(`${k}=${v}`)
  }
  return { early, late }
}
