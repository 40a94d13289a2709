/**
 * @module core/iproute2/link/kind-model
 * The part of `info_data` / `info_slave_data` the model holds, per kind, both ways: what
 * {@link readKind} takes into the Link (the rest stays in the record's extra fields) and what
 * {@link writeKind} gives back. VXLAN features that change forwarding and that kpath does not
 * model (collect-metadata, VNI filtering, ARP proxy, RSC, GBP, GPE) are refused loudly.
 */

import type { BridgePort, IptunInfo, Link, VxlanInfo } from '../../model/netns.js'
import { type Locator, num, str } from '../fields.js'
import type { JsonObject, JsonValue } from '../json/value.js'

type Mutable<T> = { -readonly [K in keyof T]?: T[K] }

export interface KindRead {
  readonly link: Mutable<Link>
  /** Keys of info_data the model took. */
  readonly taken: readonly string[]
}

const REFUSED_VXLAN = ['external', 'vnifilter', 'proxy', 'rsc', 'gbp', 'gpe']
const MACVLAN_MODES = ['bridge', 'private', 'vepa', 'passthru'] as const
const PORT_STATES = ['forwarding', 'blocking', 'disabled', 'learning', 'listening'] as const

/** The model's share of `info_data` for `kind`. */
export function readKind(loc: Locator, kind: string, data: JsonObject): KindRead {
  if (kind === 'vxlan') return readVxlan(loc, data)
  if (kind === 'tun') return readTun(loc, data)
  if (kind === 'macvlan') return readMacvlan(loc, data)
  if (kind === 'ipip') return readIpip(data)
  return { link: {}, taken: [] }
}

function readVxlan(loc: Locator, data: JsonObject): KindRead {
  for (const key of REFUSED_VXLAN) {
    if (data[key] === true) {
      throw loc.refuse(
        `VXLAN option "${key}" changes forwarding in a way kpath does not model`,
        data,
        key,
      )
    }
  }
  const id = num(data, 'id')
  if (id === undefined) throw loc.error('a vxlan link without "id"', data)
  const remote =
    str(data, 'remote') ?? str(data, 'remote6') ?? str(data, 'group') ?? str(data, 'group6')
  const local = str(data, 'local') ?? str(data, 'local6')
  const info: Mutable<VxlanInfo> = {
    id,
    port: num(data, 'port') ?? 8472,
    learning: data.learning !== false,
  }
  if (local !== undefined) info.local = local
  if (remote !== undefined) info.remote = remote
  const dev = str(data, 'link')
  if (dev !== undefined) info.dev = dev
  const ttl = num(data, 'ttl')
  if (ttl !== undefined) info.ttl = ttl
  const taken = [
    'id',
    'local',
    'local6',
    'remote',
    'remote6',
    'group',
    'group6',
    'link',
    'ttl',
    'learning',
  ]
  // Without "port" the model's default (8472) would be printed back: keep it only when given.
  return {
    link: { vxlan: info as VxlanInfo },
    taken: data.port === undefined ? taken : [...taken, 'port'],
  }
}

function readTun(loc: Locator, data: JsonObject): KindRead {
  const type = str(data, 'type')
  if (type !== 'tun' && type !== 'tap')
    throw loc.refuse(`tun type "${type ?? ''}" is not tun or tap`, data, 'type')
  return { link: { tun: { mode: type } }, taken: ['type'] }
}

function readMacvlan(loc: Locator, data: JsonObject): KindRead {
  const mode = str(data, 'mode')
  const known = MACVLAN_MODES.find((m) => m === mode)
  if (known === undefined)
    throw loc.refuse(`macvlan mode "${mode ?? ''}" is not modelled`, data, 'mode')
  // The parent comes from the link's "link" key; the caller fills it in.
  return { link: { macvlan: { parent: '', mode: known } }, taken: ['mode'] }
}

function readIpip(data: JsonObject): KindRead {
  const info: Mutable<IptunInfo> = {}
  const taken: string[] = []
  for (const [key, field] of [
    ['remote', 'remote'],
    ['local', 'local'],
    ['link', 'dev'],
  ] as const) {
    const value = str(data, key)
    // tnl_print_endpoint prints "any" for an unset endpoint: that is the model's absence.
    if (value !== undefined && value !== 'any') {
      info[field] = value
      taken.push(key)
    }
  }
  const ttl = num(data, 'ttl')
  if (ttl !== undefined) {
    info.ttl = ttl
    taken.push('ttl')
  }
  if (typeof data.pmtudisc === 'boolean') {
    info.pmtudisc = data.pmtudisc
    taken.push('pmtudisc')
  }
  return { link: { iptun: info }, taken }
}

/** The model's share of `info_data` as iproute2 prints it. */
export function writeKind(link: Link): JsonObject {
  if (link.vxlan) return writeVxlan(link.vxlan)
  if (link.tun) return { type: link.tun.mode }
  if (link.macvlan) return { mode: link.macvlan.mode }
  if (link.iptun) return writeIpip(link.iptun)
  return {}
}

function writeVxlan(x: VxlanInfo): JsonObject {
  const out: Record<string, JsonValue> = { id: x.id }
  const v6 = (a: string) => a.includes(':')
  if (x.remote !== undefined) {
    const group = isMulticast(x.remote)
    out[`${group ? 'group' : 'remote'}${v6(x.remote) ? '6' : ''}`] = x.remote
  }
  if (x.local !== undefined) out[v6(x.local) ? 'local6' : 'local'] = x.local
  if (x.dev !== undefined) out.link = x.dev
  out.port = x.port
  out.learning = x.learning
  if (x.ttl !== undefined) out.ttl = x.ttl
  return out
}

function writeIpip(x: IptunInfo): JsonObject {
  const out: Record<string, JsonValue> = {}
  if (x.remote !== undefined) out.remote = x.remote
  if (x.local !== undefined) out.local = x.local
  if (x.dev !== undefined) out.link = x.dev
  if (x.ttl !== undefined) out.ttl = x.ttl
  if (x.pmtudisc !== undefined) out.pmtudisc = x.pmtudisc
  return out
}

/** IPv4 224/4 or IPv6 ff00::/8: vxlan prints a multicast default remote as "group". */
export function isMulticast(addr: string): boolean {
  if (addr.includes(':')) return addr.toLowerCase().startsWith('ff')
  const first = Number(addr.split('.')[0])
  return first >= 224 && first <= 239
}

/** bridge_slave fields the model holds. */
export function readBridgePort(
  loc: Locator,
  data: JsonObject,
): { port: BridgePort; taken: string[] } {
  const state = str(data, 'state')
  const known = PORT_STATES.find((s) => s === state)
  if (state !== undefined && known === undefined) {
    throw loc.error(`bridge port state "${state}" is not a port state`, data, 'state')
  }
  const port: Mutable<BridgePort> = {
    hairpin: data.hairpin === true,
    learning: data.learning !== false,
    flood: data.flood !== false,
  }
  if (known !== undefined) port.state = known
  const taken = ['hairpin', 'learning', 'flood', 'state'].filter((k) => data[k] !== undefined)
  return { port: port as BridgePort, taken }
}

export function writeBridgePort(port: BridgePort): JsonObject {
  const out: Record<string, JsonValue> = {}
  if (port.state !== undefined) out.state = port.state
  out.hairpin = port.hairpin
  out.learning = port.learning
  out.flood = port.flood
  return out
}
