/**
 * @module core/cluster/finish
 * A builder → the {@link NetnsState} it describes: per-interface sysctls filled from
 * `conf.default`, the kernel's own routes added (local table, connected prefixes, broadcast;
 * core/route/kernel-routes), so that `routes` reads like `ip route show table all`.
 */
import type { NetnsState } from '../model/netns.js'
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
