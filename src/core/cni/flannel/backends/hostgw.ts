/**
 * @module core/cni/flannel/backends/hostgw
 * The host-gw backend (pkg/backend/hostgw and route_network.go, v0.28): for every other node's
 * lease, `<remote subnet> via <remote public IP> dev <external interface>`. The kernel refuses
 * such a route when the next hop is not on a directly connected subnet ("Nexthop has invalid
 * gateway"); flanneld logs the error and goes on. kpath reports that case and adds no route.
 */
import { formatPrefix4 } from '../../../cluster/ipv4.js'
import type { CniContext, NetnsFragment } from '../../types.js'
import type { Lease } from '../leases.js'
import { route } from './vxlan.js'

export function hostGwNode(ctx: CniContext, own: Lease, others: readonly Lease[]): NetnsFragment {
  const routes = []
  for (const r of others) {
    const dst = formatPrefix4(r.subnet)
    if (r.underlay.segment !== own.underlay.segment) {
      ctx.unsupported(
        `flannel host-gw: node ${own.node} cannot route ${dst} via ${r.publicIP} (node ${r.node} is on segment ${r.underlay.segment}, not ${own.underlay.segment}); the kernel refuses the route, flanneld logs it`,
      )
      continue
    }
    routes.push(route(dst, r.publicIP, own.underlay.iface, false))
  }
  return { routes }
}
