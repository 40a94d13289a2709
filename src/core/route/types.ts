/**
 * @module core/route/types
 * The question and the answer of a route lookup, shaped after `ip route get`: the query takes
 * what its arguments take (`to`, `from`, `iif`, `oif`, `mark`, `tos`), the result carries what it
 * prints (type, table, gateway, device, preferred source) plus the route and rule that decided.
 */
import type { PolicyRule, Route, RouteType } from '../model/netns.js'
import type { RouteErrno } from './fib-alias.js'

export type { RouteErrno } from './fib-alias.js'

export interface RouteQuery {
  readonly dst: string
  readonly src?: string
  /** Input device: the packet was received there (`ip route get … iif DEV`). */
  readonly iif?: string
  /** Output device the caller insists on (`oif DEV`, SO_BINDTODEVICE). */
  readonly oif?: string
  readonly mark?: number
  readonly tos?: number
  /** An input route (ip_route_input) rather than an output route (ip_route_output). */
  readonly input: boolean
  /**
   * Output only: the source need not be local (FLOWI_FLAG_ANYSRC, as ip_route_me_harder re-routes
   * forwarded-then-NATed or transparent packets).
   */
  readonly anySource?: boolean
  /** Input only: route an ARP request rather than an IP packet (`__mkroute_input`'s ARP rule). */
  readonly arp?: boolean
}

/** Why a lookup failed, in kernel terms. */
export type RouteError =
  | 'unreachable' // an `unreachable` route (EHOSTUNREACH)
  | 'prohibit' // a `prohibit` route or rule (EACCES)
  | 'blackhole' // a `blackhole` route or rule (EINVAL)
  | 'network unreachable' // no route, a `throw`, or an `unreachable` rule (ENETUNREACH)
  | 'forwarding disabled' // input: not local and forwarding is off on the input device
  | 'martian source' // input: multicast, broadcast, zero or loopback source
  | 'martian destination' // input: zero or loopback destination, or a non-unicast route
  | 'rp_filter' // input: reverse path filter (fib_validate_source → -EXDEV)
  | 'local source' // input: the source is one of ours and accept_local is off
  | 'invalid source' // output: the given source is not a local address, or is special
  | 'no device' // the device does not exist
  | 'device down' // output: the requested device is down
  | 'same device' // input, ARP only: the route leaves by the device the request came in on

export interface NexthopChoice {
  readonly via?: string
  readonly dev?: string
  readonly weight: number
}

export interface RouteResult {
  readonly family: 4 | 6
  readonly type: RouteType
  /** The table the route came from (main also for local routes while tables are merged). */
  readonly table?: number
  /** The matched prefix: `default`, `10.0.0.0/24`, or a host address. */
  readonly prefix?: string
  readonly via?: string
  /** Output device; `lo` for local delivery. */
  readonly dev?: string
  /** Preferred source (output routes). */
  readonly src?: string
  readonly mtu?: number
  readonly route?: Route
  readonly rule?: PolicyRule
  /** Multipath: every live next hop. The kernel picks one by a seeded flow hash. */
  readonly multipath?: readonly NexthopChoice[]
  readonly error?: RouteError
  /** What `ip route get` reports on Linux 6.13+ (`RTNETLINK answers: …`). */
  readonly errno?: RouteErrno
  /** The answer of the reverse-path check, when one ran and failed. */
  readonly reverse?: RouteResult
}
