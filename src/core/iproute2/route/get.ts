/**
 * @module core/iproute2/route/get
 * What `ip route get` prints for a routing decision, from a lookup result the routing engine
 * gives. The kernel answers RTM_GETROUTE with a route built for the one destination; iproute2
 * prints it with `print_route`:
 *
 * - IPv4 answers are cloned (RTM_F_CLONED): no `proto`/`scope`, a `uid`, and a `    cache`
 *   line with the RTCF_* flags (`<local>` for a local destination, `<local,brd>` for a
 *   broadcast one);
 * - IPv6 answers carry `from ::` (or the source asked for), `proto`, `metric` and `pref`;
 * - a blackhole, unreachable or prohibit route is an error: nothing on stdout, and
 *   `RTNETLINK answers: …` (EINVAL, EHOSTUNREACH, EACCES) on stderr, exit status 2.
 *
 * @example
 * printRouteGet({ family: 4, type: 'unicast', dst: '10.0.0.5', via: '10.0.0.1', dev: 'eth0', src: '10.0.0.2' }).stdout
 * // '10.0.0.5 via 10.0.0.1 dev eth0 src 10.0.0.2 uid 0 \n    cache \n'
 */
import type { RouteType } from '../../model/netns.js'
import { TABLE_MAIN } from '../../model/netns.js'
import { printJsonListing } from '../json/print.js'
import type { JsonObject, JsonValue } from '../json/value.js'
import { tableName } from '../names.js'
import { routeText } from './text.js'

/** The routing engine's answer for one destination. */
export interface RouteGetResult {
  readonly family: 4 | 6
  readonly type: RouteType
  /** The destination looked up (an address, no prefix length). */
  readonly dst: string
  /** The source the query gave (`from`); IPv6 prints `::` when none was given. */
  readonly from?: string
  readonly via?: string
  readonly dev?: string
  /** The preferred source the kernel picked (absent when the query gave `from`, for IPv4). */
  readonly src?: string
  /** The table the route came from; printed unless it is main. */
  readonly table?: number
  readonly mark?: number
  /** The uid the lookup ran as (IPv4 only; `ip` runs as root: 0). */
  readonly uid?: number
  readonly iif?: string
  /** IPv6: the matched route's protocol and metric. */
  readonly proto?: string
  readonly metric?: number
  /** IPv4 RTCF_* cache flags; by default from the type (local, broadcast, multicast). */
  readonly cache?: readonly string[]
}

export interface CommandOutput {
  readonly stdout: string
  readonly stderr: string
  readonly code: number
}

/** rtnetlink errors of reject routes, as perror prints them. */
const REJECT_ERRORS: Partial<Record<RouteType, string>> = {
  blackhole: 'Invalid argument',
  unreachable: 'No route to host',
  prohibit: 'Permission denied',
}

function defaultCache(type: RouteType): string[] {
  if (type === 'local') return ['local']
  if (type === 'broadcast') return ['local', 'brd']
  if (type === 'multicast') return ['mc']
  return []
}

/** The JSON object `ip -j route get` prints for `r` (also the input of the text printer). */
export function routeGetHub(r: RouteGetResult): JsonObject {
  const out: Record<string, JsonValue> = {}
  if (r.type !== 'unicast') out.type = r.type
  out.dst = r.dst
  const from = r.from ?? (r.family === 6 ? '::' : undefined)
  if (from !== undefined) out.from = from
  if (r.via !== undefined) out.gateway = r.via
  if (r.dev !== undefined) out.dev = r.dev
  if (r.table !== undefined && r.table !== TABLE_MAIN) out.table = tableName(r.table)
  if (r.family === 6 && r.proto !== undefined && r.proto !== 'boot') out.protocol = r.proto
  if (r.src !== undefined) out.prefsrc = r.src
  if (r.family === 6) out.metric = r.metric ?? 1024
  out.flags = []
  if (r.mark !== undefined && r.mark !== 0 && r.family === 4) out.mark = r.mark
  if (r.family === 4) {
    out.uid = r.uid ?? 0
    out.cache = [...(r.cache ?? defaultCache(r.type))]
  }
  if (r.iif !== undefined) out.iif = r.iif
  if (r.family === 6) out.pref = 'medium'
  return out
}

function rejected(r: RouteGetResult): CommandOutput | undefined {
  const error = r.type === 'throw' ? 'Network is unreachable' : REJECT_ERRORS[r.type]
  return error === undefined
    ? undefined
    : { stdout: '', stderr: `RTNETLINK answers: ${error}\n`, code: 2 }
}

/** `ip route get DST …`: stdout, stderr and exit status. */
export function printRouteGet(r: RouteGetResult): CommandOutput {
  return rejected(r) ?? { stdout: routeText(routeGetHub(r)), stderr: '', code: 0 }
}

/** `ip -j route get DST …`. */
export function printRouteGetJson(r: RouteGetResult): CommandOutput {
  return rejected(r) ?? { stdout: printJsonListing([routeGetHub(r)]), stderr: '', code: 0 }
}
