/**
 * @module core/cluster/testing/views
 * Test support: one namespace as comparable text, computed the same way from an assembled
 * {@link NetnsState} (`modelView`) and from what the kernel shows of the namespace built for
 * real (`kernelView`, from the JSON of `ip -j addr`, `ip -j route show table all`,
 * `ip -j -d link`, `ip -j neigh` and `bridge -j fdb`). Sorted lines: order is not compared.
 */
import type { NetnsState } from '../../model/netns.js'

export interface View {
  readonly addresses: readonly string[]
  readonly routes: readonly string[]
  readonly links: readonly string[]
  readonly neigh: readonly string[]
  readonly fdb: readonly string[]
}

type Json = Record<string, unknown>

/** The queries a kernel view is made of, as argv, for namespace `ns`. */
export function kernelQueries(ns: string): Record<keyof View, readonly string[]> {
  return {
    addresses: ['ip', '-n', ns, '-4', '-j', 'addr', 'show'],
    routes: ['ip', '-n', ns, '-4', '-j', 'route', 'show', 'table', 'all'],
    links: ['ip', '-n', ns, '-j', '-d', 'link', 'show'],
    neigh: ['ip', '-n', ns, '-4', '-j', 'neigh', 'show', 'nud', 'permanent'],
    fdb: ['bridge', '-n', ns, '-j', 'fdb', 'show'],
  }
}

/** The view of the queries' parsed JSON outputs. */
export function kernelView(out: Record<keyof View, readonly Json[]>): View {
  return {
    addresses: out.addresses
      .flatMap((l) =>
        (l.addr_info as Json[]).map(
          (a) => `${l.ifname} ${a.local}/${a.prefixlen} brd ${a.broadcast ?? '-'} ${a.scope}`,
        ),
      )
      .sort(),
    routes: out.routes
      .map((r) =>
        [
          r.table ?? 'main',
          r.type ?? 'unicast',
          r.dst,
          r.gateway ?? '-',
          r.dev ?? '-',
          r.protocol ?? 'boot',
          r.scope ?? 'global',
          r.prefsrc ?? '-',
          flags(r),
        ].join(' '),
      )
      .sort(),
    links: out.links.map(kernelLink).sort(),
    neigh: out.neigh
      .map((n) => `${n.dst} ${n.dev} ${n.lladdr} ${(n.state as string[]).join(',')}`)
      .sort(),
    fdb: out.fdb
      .filter((f) => f.dst !== undefined)
      .map((f) => `${f.mac} ${f.dst} ${(f.flags as string[]).join(',')} ${f.state}`)
      .sort(),
  }
}

/**
 * Route flags; `linkdown` is dropped for flannel0: in the lab no flanneld holds the TUN open,
 * so it has no carrier, while on a node flanneld always does.
 */
function flags(r: Json): string {
  return (r.flags as string[]).filter((f) => !(f === 'linkdown' && r.dev === 'flannel0')).join(',')
}

function kernelLink(l: Json): string {
  const info = (l.linkinfo ?? {}) as Json
  const slave = (info.info_slave_data ?? {}) as Json
  const vx = (info.info_data ?? {}) as Json
  const kind = l.ifname === 'lo' ? 'loopback' : String(info.info_kind ?? '?')
  const vxlan =
    kind === 'vxlan'
      ? ` vni ${vx.id} local ${vx.local} dev ${vx.link} port ${vx.port} learning ${vx.learning}`
      : ''
  const up = (l.flags as string[]).includes('UP')
  return `${l.ifname} ${kind} mtu ${l.mtu} ${kind === 'tun' ? '' : l.address} master ${l.master ?? '-'} hairpin ${slave.hairpin ?? false} up ${up}${vxlan}`
}

const TABLES: Readonly<Record<number, string>> = { 254: 'main', 255: 'local', 253: 'default' }

export function modelView(n: NetnsState): View {
  const hostRoute = (dst: string) => dst.replace(/\/32$/, '')
  return {
    addresses: n.addresses
      .filter((a) => a.family === 4)
      .map((a) => `${a.iface} ${a.local}/${a.prefixLen} brd ${a.broadcast ?? '-'} ${a.scope}`)
      .sort(),
    routes: n.routes
      .filter((r) => r.family === 4)
      .map((r) =>
        [
          TABLES[r.table] ?? String(r.table),
          r.type,
          hostRoute(r.dst),
          r.via ?? '-',
          r.dev ?? '-',
          r.proto ?? 'boot',
          r.scope ?? 'global',
          r.src ?? '-',
          r.onlink ? 'onlink' : '',
        ].join(' '),
      )
      .sort(),
    links: n.links
      .map((l) => {
        const vxlan = l.vxlan
          ? ` vni ${l.vxlan.id} local ${l.vxlan.local} dev ${l.vxlan.dev} port ${l.vxlan.port} learning ${l.vxlan.learning}`
          : ''
        return `${l.name} ${l.kind} mtu ${l.mtu} ${l.kind === 'tun' ? '' : l.mac} master ${l.master ?? '-'} hairpin ${l.bridgePort?.hairpin ?? false} up ${l.up}${vxlan}`
      })
      .sort(),
    neigh: n.neighbours.map((x) => `${x.dst} ${x.dev} ${x.lladdr} ${x.state}`).sort(),
    fdb: (n.fdb ?? [])
      .map((f) => `${f.mac} ${f.dst} ${f.self ? 'self' : ''} ${f.permanent ? 'permanent' : ''}`)
      .sort(),
  }
}
