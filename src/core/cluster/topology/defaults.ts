/**
 * @module core/cluster/topology/defaults
 * The underlay kpath builds when the Topology leaves it out (docs/TOPOLOGY.md, "Defaults"):
 *
 * - segment `underlay`: the smallest prefix holding every node's InternalIP, but never longer
 *   than /24 (two nodes 172.18.0.2 and .3 give 172.18.0.0/24, not a /31);
 * - when segments, routers and externals are all omitted, also a segment `external`
 *   (203.0.113.0/24, TEST-NET-3, or the next documentation range that overlaps nothing), a
 *   router `gw` at the first free host address of `underlay` and at `.1` of `external` (the
 *   nodes' default gateway: Calico's proxy ARP needs a route covering 169.254.1.1 out of
 *   another interface, kernel-lab §3), and an external client `client` at `.10` of `external`
 *   whose default route is the router.
 */
import { formatIPv4 } from '../../net/ip.js'
import {
  commonPrefixLen,
  formatPrefix4,
  hostAt,
  overlaps4,
  type Prefix4,
  parsePrefix4,
} from '../ipv4.js'
import type { TopologyExternal, TopologyRouter, TopologySegment } from './schema.js'

export const UNDERLAY = 'underlay'
export const EXTERNAL = 'external'
export const DEFAULT_MTU = 1500

/** The documentation ranges (RFC 5737), tried in order for the external segment. */
const EXTERNAL_CANDIDATES = ['203.0.113.0/24', '198.51.100.0/24', '192.0.2.0/24']

/** The underlay segment holding `nodeIPs` (undefined for a cluster without nodes). */
export function underlaySegment(nodeIPs: readonly number[]): TopologySegment | undefined {
  if (nodeIPs.length === 0) return undefined
  const len = Math.min(24, commonPrefixLen(nodeIPs))
  const prefix = parsePrefix4(`${formatIPv4(nodeIPs[0] ?? 0)}/${len}`)
  return prefix && { name: UNDERLAY, cidr: formatPrefix4(prefix) }
}

export interface DefaultWorld {
  readonly segments: readonly TopologySegment[]
  readonly routers: readonly TopologyRouter[]
  readonly externals: readonly TopologyExternal[]
}

/**
 * The full default world around `underlay`. `taken` are addresses already used on it (the
 * nodes'); `avoid` are prefixes the external segment must not overlap (pod and service CIDRs).
 */
export function defaultWorld(
  underlay: TopologySegment,
  taken: ReadonlySet<number>,
  avoid: readonly Prefix4[],
): DefaultWorld {
  const under = parsePrefix4(underlay.cidr)
  if (under === undefined) return { segments: [underlay], routers: [], externals: [] }
  const extCidr = EXTERNAL_CANDIDATES.find((c) => {
    const p = parsePrefix4(c)
    return p !== undefined && !overlaps4(p, under) && !avoid.some((a) => overlaps4(a, p))
  })
  const gwHost = firstFreeHost(under, taken)
  if (extCidr === undefined || gwHost === undefined)
    return { segments: [underlay], routers: [], externals: [] }
  const ext = parsePrefix4(extCidr) ?? under
  const router: TopologyRouter = {
    name: 'gw',
    interfaces: [
      { segment: UNDERLAY, address: gwHost },
      { segment: EXTERNAL, address: hostAt(ext, 1) },
    ],
  }
  const client: TopologyExternal = {
    name: 'client',
    segment: EXTERNAL,
    address: hostAt(ext, 10),
    gateway: hostAt(ext, 1),
  }
  return {
    segments: [underlay, { name: EXTERNAL, cidr: extCidr }],
    routers: [router],
    externals: [client],
  }
}

function firstFreeHost(p: Prefix4, taken: ReadonlySet<number>): string | undefined {
  const size = 2 ** (32 - p.len)
  for (let n = 1; n < size - 1; n++) if (!taken.has((p.net + n) >>> 0)) return hostAt(p, n)
  return undefined
}
