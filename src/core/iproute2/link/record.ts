/**
 * @module core/iproute2/link/record
 * One link of `ip -j [-d] link` / `ip -j [-d] addr` both ways: {@link readLink} splits what
 * iproute2 printed into the model's {@link Link} and the rest (qdisc, operstate, timers,
 * queue counts …), kept in the record's `extra` in iproute2's own shape; {@link writeLink}
 * puts them back together in print order. The same object shape (the "hub") also carries the
 * text listings: text-only facts use `@` keys.
 */
import { KpathError } from '../../errors.js'
import type { Link, LinkKind } from '../../model/netns.js'
import { type IpContext, netnsIdOf } from '../context.js'
import { checkObject, type Locator, num, obj, ordered, str, strings, table } from '../fields.js'
import { type JsonObject, type JsonValue, omitKeys } from '../json/value.js'
import { DETAIL_KEYS, LINK_FIELDS, LINK_ONLY_KEYS, LINKINFO_FIELDS, sortFlags } from './keys.js'
import { readBridgePort, readKind, writeBridgePort, writeKind } from './kind-model.js'
import { BRIDGE_SLAVE_FIELDS, type DetailField, INFO_DATA, INFO_SLAVE_DATA } from './kinds.js'
import { defaultTxqlen, txqlenOf } from './txqlen.js'

/** A link as a listing shows it: the model's part and everything else iproute2 printed. */
export interface IpLink {
  readonly link: Link
  /** What the model does not hold, as iproute2 printed it (no `addr_info`). */
  readonly extra: JsonObject
}

/** Which listing: `ip link` or `ip addr`, with or without `-d`. */
export interface LinkView {
  readonly details: boolean
  readonly mode: 'link' | 'addr'
}

const KINDS: readonly LinkKind[] = ['veth', 'bridge', 'vxlan', 'ipip', 'tun', 'macvlan', 'dummy']
const MAC = /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/

type Mutable<T> = { -readonly [K in keyof T]?: T[K] }

/** Every key a detail table can hold, text-only ones included. */
export function detailTable(fields: readonly DetailField[]) {
  return table(...fields.map((f) => `${f.key}:${f.type}`))
}

export function readLink(loc: Locator, hub: JsonObject, ctx: IpContext): IpLink {
  checkObject(loc, hub, LINK_FIELDS, 'a link')
  const index = num(hub, 'ifindex')
  const name = str(hub, 'ifname')
  const mtu = num(hub, 'mtu')
  if (index === undefined || name === undefined)
    throw loc.error('a link needs "ifindex" and "ifname"', hub)
  if (mtu === undefined) throw loc.error('a link without "mtu"', hub)
  const flags = strings(loc, hub, 'flags', 'a link')
  const info = readLinkinfo(loc, hub)
  const link: Mutable<Link> = {
    index,
    name,
    kind: info.kind,
    mtu,
    up: flags.includes('UP'),
    ...info.link,
  }
  const taken = ['ifindex', 'ifname', 'mtu', 'linkinfo']
  if (flags.includes('NOARP')) link.noarp = true
  const master = str(hub, 'master')
  if (master !== undefined) {
    link.master = master
    taken.push('master')
  }
  const mac = str(hub, 'address')
  if (mac !== undefined && info.kind !== 'ipip' && MAC.test(mac)) {
    link.mac = mac
    taken.push('address')
  }
  taken.push(...readLower(hub, link, ctx))
  taken.push(readTxqlen(loc, hub, link))
  const extra: Record<string, JsonValue> = { ...omitKeys(hub, taken) }
  const rest = flags.filter((f) => f !== 'UP' && f !== 'NOARP')
  if (hub.flags !== undefined) extra.flags = rest
  if (info.extra !== undefined) extra.linkinfo = info.extra
  return { link: link as Link, extra: ordered(LINK_FIELDS, extra) }
}

/**
 * `txqlen` into the model when it is not the kind's default. iproute2 prints it only when it is
 * not 0 (print_queuelen), so a listing without it shows a queue length of 0.
 */
function readTxqlen(loc: Locator, hub: JsonObject, link: Mutable<Link>): string {
  const given = num(hub, 'txqlen')
  if (hub.txqlen !== undefined && (given === undefined || !Number.isInteger(given) || given < 0))
    throw loc.error('"txqlen" is not a queue length', hub, 'txqlen')
  const txqlen = given ?? 0
  if (txqlen !== defaultTxqlen({ kind: link.kind ?? 'ether', tun: link.tun })) link.txqlen = txqlen
  return 'txqlen'
}

/** The veth peer or the macvlan parent (`link`, `link_index` + `link_netnsid`). */
function readLower(hub: JsonObject, link: Mutable<Link>, ctx: IpContext): string[] {
  const lower = hub.link
  if (link.kind === 'macvlan' && link.macvlan && typeof lower === 'string') {
    link.macvlan = { ...link.macvlan, parent: lower }
    return ['link']
  }
  if (link.kind !== 'veth') return []
  if (typeof lower === 'string') {
    link.peer = { netns: ctx.netns, name: lower }
    return ['link']
  }
  const index = num(hub, 'link_index')
  const id = num(hub, 'link_netnsid')
  const netns = id === undefined ? str(hub, '@link_netns') : ctx.netnsIds?.get(id)
  const peer = netns === undefined || index === undefined ? undefined : ctx.nameOf?.(netns, index)
  if (netns === undefined || peer === undefined) return []
  link.peer = { netns, name: peer }
  return ['link_index', 'link_netnsid', '@link_netns']
}

interface LinkinfoRead {
  readonly kind: LinkKind
  readonly link: Mutable<Link>
  readonly extra: JsonObject | undefined
}

function readLinkinfo(loc: Locator, hub: JsonObject): LinkinfoRead {
  const li = obj(hub, 'linkinfo')
  if (li === undefined)
    return { kind: kindWithoutDetails(str(hub, 'link_type')), link: {}, extra: undefined }
  checkObject(loc, li, LINKINFO_FIELDS, 'linkinfo')
  const infoKind = str(li, 'info_kind')
  const kind = KINDS.find((k) => k === infoKind)
  if (infoKind !== undefined && kind === undefined) {
    throw loc.refuse(
      `link kind "${infoKind}" is not modelled`,
      li,
      'info_kind',
      `kpath models ${KINDS.join(', ')}`,
    )
  }
  const link: Mutable<Link> = {}
  const extra: Record<string, JsonValue> = {}
  const data = obj(li, 'info_data')
  if (data !== undefined) {
    const fields = kind === undefined ? undefined : INFO_DATA[kind]
    if (fields === undefined)
      throw loc.error(`a ${infoKind ?? 'link'} link has no info_data`, li, 'info_data')
    checkObject(loc, data, detailTable(fields), `${kind} info_data`)
    const r = readKind(loc, kind ?? '', data)
    Object.assign(link, r.link)
    extra.info_data = omitKeys(data, r.taken)
  }
  const slaveKind = str(li, 'info_slave_kind')
  if (slaveKind !== undefined) {
    const fields = INFO_SLAVE_DATA[slaveKind]
    if (fields === undefined)
      throw loc.refuse(`"${slaveKind}" ports are not modelled`, li, 'info_slave_kind')
    const sdata = obj(li, 'info_slave_data') ?? {}
    checkObject(loc, sdata, detailTable(fields), `${slaveKind}_slave info`)
    const r = readBridgePort(loc, sdata)
    link.bridgePort = r.port
    extra.info_slave_data = omitKeys(sdata, r.taken)
  }
  return { kind: kind ?? kindWithoutDetails(str(hub, 'link_type')), link, extra }
}

/** Without `-d` only the link type tells: an Ethernet-like link reads as `ether`. */
function kindWithoutDetails(linkType: string | undefined): LinkKind {
  if (linkType === 'loopback') return 'loopback'
  if (linkType === 'none') return 'tun'
  if (linkType === 'ipip') return 'ipip'
  return 'ether'
}

/** The object iproute2 prints for `rec` in `view` (text-only `@` keys included). */
export function writeLink(rec: IpLink, ctx: IpContext, view: LinkView): JsonObject {
  const { link, extra } = rec
  const model: Record<string, JsonValue> = { ifindex: link.index, ifname: link.name, mtu: link.mtu }
  const owned = [link.up ? 'UP' : '', link.noarp ? 'NOARP' : ''].filter(Boolean)
  const rest = (Array.isArray(extra.flags) ? extra.flags : []).filter(
    (f): f is string => typeof f === 'string' && f !== 'UP' && f !== 'NOARP',
  )
  model.flags = sortFlags([...owned, ...rest])
  if (link.master !== undefined) model.master = link.master
  if (link.mac !== undefined) model.address = link.mac
  const txqlen = txqlenOf(link)
  if (txqlen !== 0) model.txqlen = txqlen
  Object.assign(model, writeLower(rec, ctx))
  if (view.details) {
    const li = writeLinkinfo(link, obj(extra, 'linkinfo') ?? {})
    if (li !== undefined) model.linkinfo = li
  }
  const hub = ordered(LINK_FIELDS, model, omitKeys(extra, ['linkinfo', 'txqlen']))
  const drop = (k: string) =>
    (!view.details && DETAIL_KEYS.has(k)) ||
    (view.mode === 'addr' && LINK_ONLY_KEYS.has(k)) ||
    k === 'addr_info'
  return omitKeys(hub, Object.keys(hub).filter(drop))
}

function writeLower(rec: IpLink, ctx: IpContext): JsonObject {
  const { link, extra } = rec
  if (link.macvlan && link.macvlan.parent !== '') return { link: link.macvlan.parent }
  if (link.kind !== 'veth' || link.peer === undefined) return {}
  if (link.peer.netns === ctx.netns) return { link: link.peer.name }
  const id = netnsIdOf(ctx, link.peer.netns)
  const index = ctx.indexOf?.(link.peer.netns, link.peer.name)
  if (id !== undefined && index !== undefined) {
    return { link_index: index, link_netnsid: id, '@link_netns': link.peer.netns }
  }
  if (extra.link_index !== undefined) return {}
  throw new KpathError(
    'KPATH_INVALID_ARGUMENT',
    `cannot print the peer of ${link.name}: ${link.peer.netns} has no id here or ${link.peer.name} no index`,
    { hint: 'give the IpContext netnsIds and indexOf (contextFor does)' },
  )
}

/** linkinfo: kind, the kind's data (model first, then kept fields) and the bridge port data. */
function writeLinkinfo(link: Link, kept: JsonObject): JsonObject | undefined {
  const parts: Record<string, JsonValue> = {}
  // A plain Ethernet device has no IFLA_INFO_KIND, but it can still be a bridge port.
  if (link.kind !== 'loopback' && link.kind !== 'ether') {
    parts.info_kind = link.kind
    const fields = INFO_DATA[link.kind]
    if (fields !== undefined)
      parts.info_data = ordered(detailTable(fields), writeKind(link), obj(kept, 'info_data'))
  }
  if (link.bridgePort !== undefined) {
    parts.info_slave_kind = 'bridge'
    parts.info_slave_data = ordered(
      detailTable(BRIDGE_SLAVE_FIELDS),
      writeBridgePort(link.bridgePort),
      obj(kept, 'info_slave_data'),
    )
  }
  return Object.keys(parts).length === 0 ? undefined : ordered(LINKINFO_FIELDS, parts)
}
