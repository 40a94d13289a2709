/**
 * @module core/testing/diff/topology
 * The fixed scratch topology of the randomised differential tests: a client namespace, the
 * router under test and two server namespaces, each server on its own veth to the router.
 *
 * ```
 *  client eth0 10.1.0.2/32 ── r0 10.1.0.1/24 ┐
 *                                            router (lo: 127.0.0.1/8, 10.9.9.9/32)
 *  s1 eth0 10.2.0.2/24     ── r1 10.2.0.1/24 ┤
 *  s2 eth0 10.3.0.2/24     ── r2 10.3.0.1/24 ┘
 * ```
 *
 * The client reaches everything through the router (`default via 10.1.0.1 onlink`, a /32
 * address), so even a destination in 10.1.0.0/24 enters the router by r0. The router holds a
 * permanent neighbour entry for every address a case can send to, on every interface, so no
 * packet waits for ARP: a forwarded packet leaves at once and the neighbour behind the interface
 * sees it. Every namespace has IPv6 off (no DAD or router solicitations in the counters).
 */
import type { Link, Neighbour, NetnsState } from '../../model/netns.js'
import { defaultRules } from '../../model/netns.js'

/** Router interfaces and the namespace behind each (`client`, `s1`, `s2`). */
export const ROUTER_IFACES = { r0: 'client', r1: 's1', r2: 's2' } as const
export type RouterIface = keyof typeof ROUTER_IFACES
export type Role = 'client' | 'router' | 's1' | 's2'

const MAC = {
  r0: '02:6b:70:00:00:10',
  r1: '02:6b:70:00:00:11',
  r2: '02:6b:70:00:00:12',
  client: '02:6b:70:00:01:00',
  s1: '02:6b:70:00:02:00',
  s2: '02:6b:70:00:03:00',
} as const

/** The router's MACs (the agent sends to r0's). */
export const ROUTER_MACS = { r0: MAC.r0, r1: MAC.r1, r2: MAC.r2 } as const

/**
 * TCP ports the router listens on during the tests: every destination port a case can give a
 * packet to the router (gen-rules PORTS, 9000-9004, Service and node ports, REDIRECT and DNAT
 * ports), so a SYN it receives is answered the way a server answers.
 */
export const ROUTER_TCP_PORTS = [
  22, 53, 80, 443, 8080, 8081, 8082, 9000, 9001, 9002, 9003, 9004, 30080, 30081, 30082,
] as const

/** The client's address: packets to it never leave the client. */
export const CLIENT_ADDR = '10.1.0.2'

/** The router's own addresses (INPUT destinations). */
export const ROUTER_ADDRS = ['10.1.0.1', '10.2.0.1', '10.3.0.1', '10.9.9.9'] as const

/** Addresses behind each router interface: hosts, gateways and NAT targets come from these. */
export const SUBNET_HOSTS: Readonly<Record<RouterIface, readonly string[]>> = {
  r0: ['10.1.0.2', '10.1.0.3', '10.1.0.4'],
  r1: ['10.2.0.2', '10.2.0.3', '10.2.0.4', '10.2.0.5'],
  r2: ['10.3.0.2', '10.3.0.3', '10.3.0.4', '10.3.0.5'],
}

/** Destinations off every connected subnet: only routes added by a case reach them. */
export const REMOTE_ADDRS = [
  '172.16.0.1',
  '172.16.1.1',
  '192.168.5.5',
  '8.8.8.8',
  '10.96.0.10',
  '10.96.0.20',
  '10.96.0.30',
] as const

/** Every address the router may have to resolve, on any interface. */
export function neighbourPool(): string[] {
  return [...Object.values(SUBNET_HOSTS).flat(), ...REMOTE_ADDRS]
}

/** Namespace names for one topology: `<prefix>-c`, `-r`, `-s1`, `-s2`. */
export function topologyNames(prefix: string): Readonly<Record<Role, string>> {
  return { client: `${prefix}-c`, router: `${prefix}-r`, s1: `${prefix}-s1`, s2: `${prefix}-s2` }
}

const lo = (up: boolean): Link => ({
  index: 1,
  name: 'lo',
  kind: 'loopback',
  mtu: 65536,
  up,
  mac: '00:00:00:00:00:00',
})

function veth(index: number, name: string, mac: string, netns: string, peer: string): Link {
  return { index, name, kind: 'veth', mac, mtu: 1500, up: true, peer: { netns, name: peer } }
}

/** Sysctls every namespace gets (new namespaces inherit the init namespace's IPv4 conf). */
function baseSysctls(forward: boolean): Record<string, string> {
  return {
    'net.ipv4.ip_forward': forward ? '1' : '0',
    'net.ipv4.conf.all.rp_filter': '0',
    'net.ipv4.conf.default.rp_filter': '0',
    'net.ipv6.conf.all.disable_ipv6': '1',
    'net.ipv6.conf.default.disable_ipv6': '1',
  }
}

function leaf(name: string, routerNs: string, iface: RouterIface, role: Role): NetnsState {
  const mac = MAC[role as keyof typeof MAC]
  const addr = role === 'client' ? '10.1.0.2' : (SUBNET_HOSTS[iface][0] as string)
  return {
    name,
    role: { kind: 'scratch' },
    links: [lo(true), veth(2, 'eth0', mac, routerNs, iface)],
    addresses: [
      {
        iface: 'eth0',
        family: 4,
        local: addr,
        prefixLen: role === 'client' ? 32 : 24,
        scope: 'global',
      },
    ],
    routes:
      role === 'client'
        ? [
            {
              family: 4,
              table: 254,
              type: 'unicast',
              dst: 'default',
              via: '10.1.0.1',
              dev: 'eth0',
              onlink: true,
            },
          ]
        : [],
    rules: defaultRules(),
    neighbours:
      role === 'client'
        ? [{ dst: '10.1.0.1', dev: 'eth0', lladdr: MAC.r0, state: 'PERMANENT' }]
        : [],
    sysctls: baseSysctls(false),
    iptables: {},
    ipsets: [],
    conntrack: [],
  }
}

function routerNeighbours(): Neighbour[] {
  const out: Neighbour[] = []
  for (const [iface, role] of Object.entries(ROUTER_IFACES)) {
    const lladdr = MAC[role]
    for (const dst of neighbourPool()) out.push({ dst, dev: iface, lladdr, state: 'PERMANENT' })
  }
  return out
}

/** The router before a case adds its routes, rules, sysctls and ruleset. */
export function routerBase(names: Readonly<Record<Role, string>>): NetnsState {
  const ifaces = Object.entries(ROUTER_IFACES) as [RouterIface, Role][]
  return {
    name: names.router,
    role: { kind: 'router', name: 'diff' },
    links: [
      lo(true),
      ...ifaces.map(([iface, role], i) => veth(i + 2, iface, MAC[iface], names[role], 'eth0')),
    ],
    addresses: [
      { iface: 'lo', family: 4, local: '127.0.0.1', prefixLen: 8, scope: 'host' },
      { iface: 'lo', family: 4, local: '10.9.9.9', prefixLen: 32, scope: 'global' },
      ...ifaces.map(([iface], i) => ({
        iface,
        family: 4 as const,
        local: `10.${i + 1}.0.1`,
        prefixLen: 24,
        scope: 'global' as const,
      })),
    ],
    routes: [],
    rules: defaultRules(),
    neighbours: routerNeighbours(),
    sysctls: baseSysctls(true),
    iptables: {},
    ipsets: [],
    conntrack: [],
  }
}

/** All four namespaces, ready for `buildWorld`. */
export function topology(prefix: string): NetnsState[] {
  const names = topologyNames(prefix)
  return [
    leaf(names.client, names.router, 'r0', 'client'),
    routerBase(names),
    leaf(names.s1, names.router, 'r1', 's1'),
    leaf(names.s2, names.router, 'r2', 's2'),
  ]
}
