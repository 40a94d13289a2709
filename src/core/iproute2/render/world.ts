/**
 * @module core/iproute2/render/world
 * What the kernel would derive for a link of a model namespace: whether it has carrier, its
 * operational state, its flags and counters. These depend on other links (a veth's peer, a
 * bridge's ports, a macvlan's parent), possibly in other namespaces, so they are computed
 * over the whole world.
 *
 * Rules (kernel 6.x, measured with iproute2 6.1 on the fixture kernel):
 * - loopback, vxlan, dummy, ipip and plain Ethernet links have carrier as soon as they are up;
 * - a veth has carrier when it and its peer are up (`veth_open` turns both carriers on);
 * - a bridge has carrier when one of its ports is forwarding (`br_port_carrier_check`); with
 *   STP off a port forwards as soon as it is up with carrier;
 * - a macvlan follows its parent's carrier (`netif_stacked_transfer_operstate`);
 * - a TUN/TAP has carrier only while a program has it open: the model says so with `owner`.
 */
import type { Link, NetnsState } from '../../model/netns.js'

/** Facts about the machine that show in listings (veth queue counts follow the CPU count). */
export interface HostProfile {
  /** `num_possible_cpus()`: a veth gets that many TX and RX queues. */
  readonly cpus: number
}

/** The fixture machine: 2 vCPUs. */
export const FIXTURE_HOST: HostProfile = { cpus: 2 }

export interface World {
  readonly state: NetnsState
  readonly all: readonly NetnsState[]
  readonly host: HostProfile
}

export function worldOf(
  state: NetnsState,
  all: readonly NetnsState[] = [state],
  host = FIXTURE_HOST,
): World {
  return { state, all: all.includes(state) ? all : [state, ...all], host }
}

function linkIn(world: World, netns: string, name: string): Link | undefined {
  return world.all.find((s) => s.name === netns)?.links.find((l) => l.name === name)
}

export function findLink(world: World, name: string): Link | undefined {
  return world.state.links.find((l) => l.name === name)
}

/** Links enslaved to `bridge`, by index (the order they were added, as far as the model says). */
export function portsOf(world: World, bridge: string): Link[] {
  return world.state.links.filter((l) => l.master === bridge).sort((a, b) => a.index - b.index)
}

/** Does `link` have carrier (IFF_RUNNING / LOWER_UP)? */
export function carrier(world: World, link: Link, depth = 0): boolean {
  if (!link.up || depth > 8) return false
  switch (link.kind) {
    case 'veth': {
      if (link.peer === undefined) return false
      return linkIn(world, link.peer.netns, link.peer.name)?.up === true
    }
    case 'bridge':
      return portsOf(world, link.name).some((p) => portState(world, p, depth + 1) === 'forwarding')
    case 'macvlan': {
      const parent = link.macvlan === undefined ? undefined : findLink(world, link.macvlan.parent)
      return parent !== undefined && carrier(world, parent, depth + 1)
    }
    case 'tun':
      return link.tun?.owner !== undefined
    default:
      return true
  }
}

/** A bridge port's STP state: the model's, else forwarding when it has carrier (STP off). */
export function portState(
  world: World,
  port: Link,
  depth = 0,
): NonNullable<Link['bridgePort']>['state'] {
  const given = port.bridgePort?.state
  if (given !== undefined) return given
  return carrier(world, port, depth) ? 'forwarding' : 'disabled'
}

/** IFLA_LINK: the peer's index for a veth (in its namespace), the parent's for a macvlan. */
export function iflink(world: World, link: Link): number | undefined {
  if (link.kind === 'veth' && link.peer !== undefined) {
    return linkIn(world, link.peer.netns, link.peer.name)?.index
  }
  const parent = link.macvlan?.parent ?? link.iptun?.dev
  return parent === undefined ? undefined : findLink(world, parent)?.index
}

/**
 * IF_OPER_* name, as `ip link` shows it in `state`. Without carrier the kernel's
 * `default_operstate` looks up IFLA_LINK **in the link's own namespace**: a lower link there
 * without carrier makes it LOWERLAYERDOWN (even when the index belongs to an unrelated link,
 * as for a veth whose peer lives elsewhere).
 */
export function operstate(world: World, link: Link): string {
  if (!link.up) return 'DOWN'
  const has = carrier(world, link)
  if (['loopback', 'vxlan', 'dummy', 'ipip'].includes(link.kind) || (link.kind === 'tun' && has))
    return 'UNKNOWN'
  if (has) return 'UP'
  const index = iflink(world, link)
  if (index === undefined || index === link.index) return 'DOWN'
  const lower = world.state.links.find((l) => l.index === index)
  return lower === undefined || carrier(world, lower) ? 'DOWN' : 'LOWERLAYERDOWN'
}

/** IFF_* flags other than UP and NOARP (the model holds those), in any order. */
export function otherFlags(world: World, link: Link): string[] {
  const flags: string[] = []
  const has = carrier(world, link)
  if (link.up && !has) flags.push('NO-CARRIER')
  // ipip is point-to-point only with a remote end (unverified: no ipip on the fixture kernel);
  // dummy clears IFF_MULTICAST (dummy_setup).
  if (link.kind === 'loopback') flags.push('LOOPBACK')
  else if (link.kind === 'ipip') {
    if (link.iptun?.remote !== undefined) flags.push('POINTOPOINT')
  } else if (link.kind === 'tun' && link.tun?.mode !== 'tap') flags.push('POINTOPOINT')
  else flags.push('BROADCAST')
  if (!['loopback', 'ipip', 'dummy'].includes(link.kind)) flags.push('MULTICAST')
  if (has) flags.push('LOWER_UP')
  if (lowerDown(world, link)) flags.push('M-DOWN')
  return flags
}

/** print_name_and_link's M-DOWN: the same-namespace lower link (veth peer, parent) is down. */
function lowerDown(world: World, link: Link): boolean {
  const lower =
    link.kind === 'veth' && link.peer !== undefined && link.peer.netns === world.state.name
      ? link.peer.name
      : link.macvlan?.parent
  if (lower === undefined || lower === '') return false
  return findLink(world, lower)?.up === false
}

/** Promiscuity count: a bridge port is promiscuous; a macvlan makes its parent so. */
export function promiscuity(world: World, link: Link): number {
  let n = link.master !== undefined ? 1 : 0
  const children = world.state.links.filter((l) => l.macvlan?.parent === link.name && l.up)
  // A passthru macvlan sets promiscuity on its parent itself; the others add unicast
  // addresses, and a parent without unicast filtering (veth, bridge …) falls back to
  // promiscuous mode once up (__dev_set_rx_mode).
  n += children.filter((c) => c.macvlan?.mode === 'passthru').length
  if (link.up && children.some((c) => c.macvlan?.mode !== 'passthru')) n += 1
  return n
}
