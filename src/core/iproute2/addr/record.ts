/**
 * @module core/iproute2/addr/record
 * One `addr_info` entry of `ip -j addr` both ways, following iproute2 6.1's `print_addrinfo`
 * (ip/ipaddress.c): the model's {@link Address} and the rest (lifetimes, DAD and other
 * flags) kept as iproute2 printed them.
 *
 * The kernel labels every IPv4 address (IFA_LABEL, the interface name unless `label` was
 * given); the model leaves `label` unset for that default.
 */
import type { Address } from '../../model/netns.js'
import { checkObject, type Locator, num, ordered, str, table } from '../fields.js'
import { type JsonObject, type JsonValue, omitKeys } from '../json/value.js'

export interface IpAddress {
  readonly address: Address
  readonly extra: JsonObject
}

/**
 * The keys of an address, in print order. The flag keys follow `ifa_flag_data`: for IPv6 the
 * IFA_F_SECONDARY bit prints as "temporary"; IFA_F_PERMANENT prints as "dynamic" when unset.
 */
export const ADDR_FIELDS = table(
  'family:str',
  'family_index:num',
  'local:str',
  'address:str',
  'prefixlen:num',
  'metric:num',
  'broadcast:str',
  'anycast:str',
  'scope:str',
  'secondary:bool',
  'temporary:bool',
  'nodad:bool',
  'optimistic:bool',
  'dadfailed:bool',
  'home:bool',
  'deprecated:bool',
  'tentative:bool',
  'dynamic:bool',
  'mngtmpaddr:bool',
  'noprefixroute:bool',
  'autojoin:bool',
  'stable-privacy:bool',
  'ifa_flags:str',
  'label:str',
  'valid_life_time:num',
  'preferred_life_time:num',
)

/** Flag keys in print order (text prints each as a word). */
export const ADDR_FLAG_KEYS = ADDR_FIELDS.filter((f) => f.type === 'bool').map((f) => f.key)

const SCOPES = ['global', 'link', 'host'] as const

export function readAddress(loc: Locator, hub: JsonObject, iface: string): IpAddress {
  checkObject(loc, hub, ADDR_FIELDS, 'an address')
  const familyName = str(hub, 'family')
  const family = familyName === 'inet' ? 4 : familyName === 'inet6' ? 6 : undefined
  if (family === undefined)
    throw loc.refuse(`address family "${familyName ?? '?'}" is not modelled`, hub, 'family')
  const local = str(hub, 'local')
  const prefixLen = num(hub, 'prefixlen')
  if (local === undefined || prefixLen === undefined)
    throw loc.error('an address needs "local" and "prefixlen"', hub)
  const scopeName = str(hub, 'scope')
  const scope = SCOPES.find((s) => s === scopeName)
  if (scope === undefined)
    throw loc.refuse(`address scope "${scopeName ?? ''}" is not modelled`, hub, 'scope')
  const address: { -readonly [K in keyof Address]: Address[K] } = {
    iface,
    family,
    local,
    prefixLen,
    scope,
  }
  const taken = ['family', 'local', 'prefixlen', 'scope']
  const peer = str(hub, 'address')
  if (peer !== undefined) {
    address.peer = peer
    taken.push('address')
  }
  const broadcast = str(hub, 'broadcast')
  if (broadcast !== undefined) {
    address.broadcast = broadcast
    taken.push('broadcast')
  }
  if (family === 4 && hub.secondary === true) {
    address.secondary = true
    taken.push('secondary')
  }
  const label = str(hub, 'label')
  if (label !== undefined) {
    if (label !== iface) address.label = label
    taken.push('label')
  }
  return { address, extra: omitKeys(hub, taken) }
}

export function writeAddress(rec: IpAddress): JsonObject {
  const a = rec.address
  const model: Record<string, JsonValue> = {
    family: a.family === 4 ? 'inet' : 'inet6',
    local: a.local,
    prefixlen: a.prefixLen,
    scope: a.scope,
  }
  if (a.peer !== undefined) model.address = a.peer
  if (a.broadcast !== undefined) model.broadcast = a.broadcast
  if (a.secondary === true && a.family === 4) model.secondary = true
  if (a.family === 4) model.label = a.label ?? a.iface
  else if (a.label !== undefined) model.label = a.label
  return ordered(ADDR_FIELDS, model, rec.extra)
}
