/**
 * @module core/iproute2/route/keys
 * The keys of a route in `ip -j route`, in the order iproute2 6.1's `print_route`
 * (ip/iproute.c) prints them, of a multipath nexthop (`print_rta_multipath`) and of the
 * `metrics` object (`print_rta_metrics`, in RTAX_* order), plus the route flag words
 * (`print_rt_flags`) and the route cache flags (`print_cache_flags`).
 */
import { table } from '../fields.js'

export const ROUTE_FIELDS = table(
  'type:str',
  'dst:str',
  'from:str',
  'src:str',
  'nhid:num',
  'to:str',
  'tos:str',
  'gateway:str',
  'via:obj',
  'dev:str',
  'table:str',
  'protocol:str',
  'scope:str',
  'prefsrc:str',
  'metric:num',
  'flags:arr',
  'mark:num',
  'flow:obj',
  'uid:num',
  'cache:arr',
  'expires:num',
  'error:num',
  'users:num',
  'used:num',
  'age:num',
  'ipid:str',
  'metrics:arr',
  'iif:str',
  'pref:num|str',
  'ttl-propogate:bool',
  'nexthops:arr',
)

export const NEXTHOP_FIELDS = table(
  'to:str',
  'gateway:str',
  'via:obj',
  'flow:obj',
  'dev:str',
  'weight:num',
  'flags:arr',
)

export const VIA_FIELDS = table('family:str', 'host:str')
export const FLOW_FIELDS = table('from:str', 'to:str')

/** RTAX_* order; `ecn` is how RTAX_FEATURES' ECN bit prints. */
export const METRIC_FIELDS = table(
  'mtu:num',
  'window:num',
  'rtt:num',
  'rttvar:num',
  'ssthresh:num',
  'cwnd:num',
  'advmss:num',
  'reordering:num',
  'hoplimit:num',
  'initcwnd:num',
  'ecn:null',
  'features:str',
  'rto_min:num',
  'initrwnd:num',
  'quickack:num',
  'congestion:str',
  'fastopen_no_cookie:num',
)

/** print_rt_flags order. */
export const ROUTE_FLAGS = [
  'dead',
  'onlink',
  'pervasive',
  'offload',
  'trap',
  'notify',
  'linkdown',
  'unresolved',
  'rt_offload',
  'rt_trap',
  'rt_offload_failed',
] as const

export function sortRouteFlags(flags: readonly string[]): string[] {
  const rank = (f: string) => {
    const i = (ROUTE_FLAGS as readonly string[]).indexOf(f)
    return i < 0 ? ROUTE_FLAGS.length : i
  }
  return [...new Set(flags)].sort((a, b) => rank(a) - rank(b))
}

/** print_cache_flags order (RTCF_* bits of a cloned IPv4 route). */
export const CACHE_FLAGS = [
  'local',
  'reject',
  'mc',
  'brd',
  'dst-nat',
  'src-nat',
  'masq',
  'dst-direct',
  'src-direct',
  'redirected',
  'redirect',
  'fastroute',
  'notify',
  'proxy',
] as const
