/**
 * @module core/cluster/finish
 * A builder → the {@link NetnsState} it describes: per-interface sysctls filled from
 * `conf.default`, the kernel's own routes added (local table, connected prefixes, broadcast;
 * core/route/kernel-routes), so that `routes` reads like `ip route show table all`.
 */
import type { NetnsRole, NetnsState } from '../model/netns.js'
import { loopbackAddresses, withKernelRoutes } from '../route/kernel-routes.js'
import type { NetnsBuilder } from './builder.js'
import { applyAll, type NodeNetfilter } from './netfilter.js'
import { fillInterfaceSysctls } from './sysctls.js'

/**
 * The addresses the namespace ends up with: the builder's, then the loopback ones the kernel
 * gives `lo` (withKernelRoutes adds the same). Known before the namespace is built: they
 * depend on the links, the addresses and the IPv6 `disable_ipv6` knobs, which are final once
 * the builder is.
 */
export function finalAddresses(b: NetnsBuilder): NetnsState['addresses'] {
  return [...b.addresses, ...loopbackAddresses(b)]
}

export function finishNetns(
  b: NetnsBuilder,
  netfilter?: NodeNetfilter,
  addresses: NetnsState['addresses'] = finalAddresses(b),
): NetnsState {
  fillInterfaceSysctls(
    b.sysctls,
    b.links.map((l) => l.name),
  )
  const nf = netfilter ?? ownNetfilter(b)
  const state: NetnsState = {
    name: b.name,
    role: b.role,
    links: b.links,
    addresses,
    routes: b.routes,
    rules: b.rules,
    neighbours: b.neighbours,
    fdb: b.fdb,
    sysctls: b.sysctls,
    iptables: nf.iptables,
    ...(nf.nftables === undefined ? {} : { nftables: nf.nftables }),
    ipsets: b.ipsets,
    conntrack: [],
    ...(b.daemons.length === 0 ? {} : { daemons: b.daemons }),
    ...(b.ipvs.length === 0 ? {} : { ipvs: { services: b.ipvs, connections: [] } }),
  }
  return withKernelRoutes(state)
}

/** A namespace without kube-proxy: only what its fragments wrote. */
function ownNetfilter(b: NetnsBuilder): NodeNetfilter {
  const ipv4 = applyAll(undefined, b.restore.ipv4, 4)
  const ipv6 = applyAll(undefined, b.restore.ipv6, 6)
  return {
    iptables: { ...(ipv4 === undefined ? {} : { ipv4 }), ...(ipv6 === undefined ? {} : { ipv6 }) },
  }
}

/** The fields of a lazy namespace that are known before it is built, and cheap to hold. */
export interface EagerFields {
  readonly links: NetnsState['links']
  readonly addresses: NetnsState['addresses']
}

/**
 * A namespace whose state is built on first read of any other field than its name, role and
 * the `eager` ones. A 1,000-node cluster has tens of thousands of pod namespaces and a trace
 * visits a handful; building each one's sysctls and kernel routes up front was most of the
 * assembly's time. The walk finds neighbours by links and addresses (veth peers, bridge ports,
 * macvlan parents), so those are given up front when the builder already holds them final:
 * looking for a peer must not build every namespace. Reading any other field builds the whole
 * state once (spreading the object reads them all).
 */
export function lazyNetns(
  name: string,
  role: NetnsRole,
  build: () => NetnsState,
  eager?: EagerFields,
): NetnsState {
  let cell: NetnsState | undefined
  const get = () => {
    cell ??= build()
    return cell
  }
  return {
    name,
    role,
    get links() {
      return eager?.links ?? get().links
    },
    get addresses() {
      return eager?.addresses ?? get().addresses
    },
    get routes() {
      return get().routes
    },
    get rules() {
      return get().rules
    },
    get neighbours() {
      return get().neighbours
    },
    get fdb() {
      return get().fdb
    },
    get sysctls() {
      return get().sysctls
    },
    get iptables() {
      return get().iptables
    },
    get nftables() {
      return get().nftables
    },
    get ipsets() {
      return get().ipsets
    },
    get conntrack() {
      return get().conntrack
    },
    get daemons() {
      return get().daemons
    },
    get ipvs() {
      return get().ipvs
    },
  }
}
