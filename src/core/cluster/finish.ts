/**
 * @module core/cluster/finish
 * A builder → the {@link NetnsState} it describes: per-interface sysctls filled from
 * `conf.default`, the kernel's own routes added (local table, connected prefixes, broadcast;
 * core/route/kernel-routes), so that `routes` reads like `ip route show table all`.
 */
import type { NetnsRole, NetnsState } from '../model/netns.js'
import { withKernelRoutes } from '../route/kernel-routes.js'
import type { NetnsBuilder } from './builder.js'
import { applyAll, type NodeNetfilter } from './netfilter.js'
import { fillInterfaceSysctls } from './sysctls.js'

export function finishNetns(b: NetnsBuilder, netfilter?: NodeNetfilter): NetnsState {
  fillInterfaceSysctls(
    b.sysctls,
    b.links.map((l) => l.name),
  )
  const nf = netfilter ?? ownNetfilter(b)
  const state: NetnsState = {
    name: b.name,
    role: b.role,
    links: b.links,
    addresses: b.addresses,
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

/**
 * A namespace whose state is built on first read of any field but its name and role. A
 * 1,000-node cluster has tens of thousands of pod namespaces and a trace visits a handful;
 * building each one's sysctls and kernel routes up front was most of the assembly's time.
 * Reading any field builds the whole state once (spreading the object reads them all).
 */
export function lazyNetns(name: string, role: NetnsRole, build: () => NetnsState): NetnsState {
  let cell: NetnsState | undefined
  const get = () => {
    cell ??= build()
    return cell
  }
  return {
    name,
    role,
    get links() {
      return get().links
    },
    get addresses() {
      return get().addresses
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
