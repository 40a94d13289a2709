/**
 * @module core/iproute2/neigh/record
 * One neighbour of `ip -j neigh` (and `ip -j neigh show proxy`) both ways, following iproute2
 * 6.1's `print_neigh` (ip/ipneigh.c). Proxy entries (pneigh) have no NUD state: the kernel
 * reports 0 and iproute2 prints no "state"; the model calls them PERMANENT (they never
 * expire) and the printer leaves the state out again.
 */
import type { Neighbour } from '../../model/netns.js'
import { checkObject, type Locator, ordered, str, strings, table } from '../fields.js'
import { type JsonObject, type JsonValue, omitKeys } from '../json/value.js'

export interface IpNeighbour {
  readonly neighbour: Neighbour
  readonly extra: JsonObject
}

export const NEIGH_FIELDS = table(
  'miss:null',
  'dst:str',
  'dev:str',
  'lladdr:str',
  'router:null',
  'proxy:null',
  'managed:null',
  'extern_learn:null',
  'offload:null',
  'probes:num',
  'state:arr',
  'protocol:str',
)

/** print_neigh_state order. */
export const NUD_STATES = [
  'INCOMPLETE',
  'REACHABLE',
  'STALE',
  'DELAY',
  'PROBE',
  'FAILED',
  'NOARP',
  'PERMANENT',
] as const

type Mutable<T> = { -readonly [K in keyof T]?: T[K] }

export function readNeighbour(loc: Locator, hub: JsonObject): IpNeighbour {
  checkObject(loc, hub, NEIGH_FIELDS, 'a neighbour')
  const dst = str(hub, 'dst')
  const dev = str(hub, 'dev')
  if (dst === undefined || dev === undefined)
    throw loc.error('a neighbour needs "dst" and "dev"', hub)
  const proxy = hub.proxy === null
  const states = strings(loc, hub, 'state', 'a neighbour')
  const state = NUD_STATES.find((s) => states.length === 1 && s === states[0])
  if (states.length > 1 || (states.length === 1 && state === undefined)) {
    throw loc.refuse(`neighbour state ${states.join(',')} is not one NUD state`, hub, 'state')
  }
  if (state === undefined && !proxy) throw loc.refuse('a neighbour without a state (NUD_NONE)', hub)
  const n: Mutable<Neighbour> = { dst, dev, state: state ?? 'PERMANENT' }
  const taken = ['dst', 'dev', 'state', 'lladdr', 'proxy', 'router']
  const lladdr = str(hub, 'lladdr')
  if (lladdr !== undefined) n.lladdr = lladdr
  if (proxy) n.proxy = true
  if (hub.router === null) n.router = true
  return { neighbour: n as Neighbour, extra: omitKeys(hub, taken) }
}

export function writeNeighbour(rec: IpNeighbour): JsonObject {
  const n = rec.neighbour
  const model: Record<string, JsonValue> = { dst: n.dst, dev: n.dev }
  if (n.lladdr !== undefined) model.lladdr = n.lladdr
  if (n.router) model.router = null
  if (n.proxy) model.proxy = null
  else model.state = [n.state]
  return ordered(NEIGH_FIELDS, model, rec.extra)
}
