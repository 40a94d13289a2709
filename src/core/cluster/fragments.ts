/**
 * @module core/cluster/fragments
 * Joining {@link NetnsFragment}s in order (what one component adds, then the next): lists are
 * concatenated, later sysctls win, iptables-restore texts are appended per family.
 */
import type { NetnsFragment } from '../cni/types.js'

export function concatFragments(...parts: readonly NetnsFragment[]): NetnsFragment {
  const list = <
    K extends
      | 'links'
      | 'addresses'
      | 'routes'
      | 'rules'
      | 'neighbours'
      | 'fdb'
      | 'ipsets'
      | 'daemons',
  >(
    k: K,
  ) => {
    // A loop, not flatMap: flannel's node fragment holds a route, neighbour and FDB entry per
    // peer, and a 1,000-node cluster joins a thousand of those lists.
    const out: NonNullable<NetnsFragment[K]>[number][] = []
    for (const p of parts)
      for (const x of (p[k] ?? []) as NonNullable<NetnsFragment[K]>[number][]) out.push(x)
    return out
  }
  const text = (family: 'ipv4' | 'ipv6') => {
    const texts = parts
      .map((p) => p.iptablesRestore?.[family])
      .filter((t): t is string => t !== undefined)
    return texts.length === 0 ? undefined : texts.join('')
  }
  const ipv4 = text('ipv4')
  const ipv6 = text('ipv6')
  return {
    links: list('links'),
    addresses: list('addresses'),
    routes: list('routes'),
    rules: list('rules'),
    neighbours: list('neighbours'),
    fdb: list('fdb'),
    sysctls: Object.assign({}, ...parts.map((p) => p.sysctls ?? {})),
    ipsets: list('ipsets'),
    daemons: list('daemons'),
    ...(ipv4 === undefined && ipv6 === undefined
      ? {}
      : {
          iptablesRestore: {
            ...(ipv4 === undefined ? {} : { ipv4 }),
            ...(ipv6 === undefined ? {} : { ipv6 }),
          },
        }),
  }
}
