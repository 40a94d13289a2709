/**
 * @module core/iproute2/brlink/record
 * One bridge port of `bridge -j [-d] link` both ways, following iproute2 6.1's
 * `print_linkinfo` and `print_protinfo` (bridge/link.c). The model's share is the port's
 * name, index, bridge and {@link BridgePort} settings; the rest (flags, mtu, priority, cost,
 * the other `-d` switches) is kept as printed.
 *
 * The bridge dump carries no IFLA_LINK_NETNSID, so the `link` of a veth whose peer lives in
 * another namespace is whatever local link has the peer's index (often a wrong name).
 */
import type { BridgePort } from '../../model/netns.js'
import { checkObject, type Locator, num, ordered, str, table } from '../fields.js'
import { type JsonObject, type JsonValue, omitKeys } from '../json/value.js'
import { readBridgePort, writeBridgePort } from '../link/kind-model.js'

export interface IpBridgeLink {
  readonly index: number
  readonly name: string
  readonly master: string
  readonly port: BridgePort
  readonly extra: JsonObject
}

export const BRLINK_FIELDS = table(
  'ifindex:num',
  'link:str|null',
  'link_index:num',
  'ifname:str',
  'flags:arr',
  'mtu:num',
  'master:str',
  'state:str',
  'priority:num',
  'cost:num',
  'hairpin:bool',
  'guard:bool',
  'root_block:bool',
  'fastleave:bool',
  'learning:bool',
  'learning_sync:bool',
  'flood:bool',
  'mcast_flood:bool',
  'bcast_flood:bool',
  'mcast_router:num',
  'mcast_to_unicast:bool',
  'neigh_suppress:bool',
  'vlan_tunnel:bool',
  'backup_port:str',
  'isolated:bool',
  'locked:bool',
)

/** The `-d` switches, in print order, after `state`, `priority` and `cost`. */
export const BRLINK_DETAIL_KEYS = BRLINK_FIELDS.slice(
  BRLINK_FIELDS.findIndex((f) => f.key === 'hairpin'),
).map((f) => f.key)

export function readBridgeLink(loc: Locator, hub: JsonObject): IpBridgeLink {
  checkObject(loc, hub, BRLINK_FIELDS, 'a bridge port')
  const index = num(hub, 'ifindex')
  const name = str(hub, 'ifname')
  const master = str(hub, 'master')
  if (index === undefined || name === undefined || master === undefined) {
    throw loc.error('a bridge port needs "ifindex", "ifname" and "master"', hub)
  }
  const { port, taken } = readBridgePort(loc, hub)
  return {
    index,
    name,
    master,
    port,
    extra: omitKeys(hub, ['ifindex', 'ifname', 'master', ...taken]),
  }
}

export function writeBridgeLink(rec: IpBridgeLink, details: boolean): JsonObject {
  const model: Record<string, JsonValue> = {
    ifindex: rec.index,
    ifname: rec.name,
    master: rec.master,
  }
  const port = writeBridgePort(rec.port)
  const shown = details ? port : port.state === undefined ? {} : { state: port.state }
  const hub = ordered(BRLINK_FIELDS, model, shown, rec.extra)
  return details ? hub : omitKeys(hub, BRLINK_DETAIL_KEYS)
}
