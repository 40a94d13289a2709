/**
 * @module core/cluster/hosts
 * The namespaces around the nodes: one per segment (a switch: `br0` and its ports, no
 * netfilter on bridged frames), one per router (`ip_forward` on unless the Topology says
 * otherwise, its NICs, its routes) and one per external host (its NIC and default route).
 */
import { netnsName } from '../model/cluster-state.js'
import type { NetnsState } from '../model/netns.js'
import { NetnsBuilder } from './builder.js'
import { finishNetns } from './finish.js'
import { baseSysctls } from './sysctls.js'
import type { External, Router, Topology } from './topology/types.js'
import { type Attachment, addNic, buildSegment, defaultRoute, topologyRoute } from './underlay.js'

/** Every NIC attached to each segment: nodes first (in node order), routers, then externals. */
function attachments(t: Topology): Map<string, Attachment[]> {
  const out = new Map<string, Attachment[]>(t.segments.map((s) => [s.name, []]))
  const add = (netns: string, nic: Attachment['nic']) => out.get(nic.segment)?.push({ netns, nic })
  for (const [name, p] of t.nodes) {
    const u = p.underlay
    add(netnsName.node(name), {
      segment: u.segment,
      name: u.iface,
      port: p.port,
      address: u.address,
      prefixLen: u.prefixLen,
      mac: u.mac,
      mtu: u.mtu,
    })
  }
  for (const r of t.routers) for (const nic of r.nics) add(netnsName.router(r.name), nic)
  for (const x of t.externals) add(netnsName.external(x.name), x.nic)
  return out
}

export function buildSegments(t: Topology): NetnsState[] {
  const attached = attachments(t)
  return t.segments.map((seg) => {
    const b = new NetnsBuilder(
      netnsName.segment(seg.name),
      { kind: 'segment', name: seg.name },
      baseSysctls('segment', false),
    )
    buildSegment(b, seg, attached.get(seg.name) ?? [])
    return finishNetns(b)
  })
}

export function buildRouter(r: Router): NetnsState {
  const b = new NetnsBuilder(
    netnsName.router(r.name),
    { kind: 'router', name: r.name },
    baseSysctls('router', r.forwarding),
  )
  for (const nic of r.nics) addNic(b, nic, `router ${r.name}`)
  for (const route of r.routes) b.routes.push(topologyRoute(route, r.nics, `router ${r.name}`))
  Object.assign(b.sysctls, r.sysctls)
  return finishNetns(b)
}

export function buildExternal(x: External): NetnsState {
  const b = new NetnsBuilder(
    netnsName.external(x.name),
    { kind: 'external', name: x.name },
    baseSysctls('external', false),
  )
  addNic(b, x.nic, `external ${x.name}`)
  if (x.gateway !== undefined) b.routes.push(defaultRoute(x.gateway, x.nic.name))
  for (const route of x.routes) b.routes.push(topologyRoute(route, [x.nic], `external ${x.name}`))
  Object.assign(b.sysctls, x.sysctls)
  return finishNetns(b)
}
