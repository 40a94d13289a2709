/**
 * @module core/iproute2/render/link-extra
 * Everything `ip -d link` shows about a link that the model does not hold, for a link the
 * model made: the kernel's defaults on the fixture kernel (6.18) as iproute2 6.1 prints them.
 * Measured on veth, bridge (+ ports), vxlan, tun, macvlan and loopback; the ipip and dummy
 * values follow the kernel source and are **unverified** (those kinds cannot be created
 * there).
 *
 * Timers (bridge gc_timer, port forward_delay_timer) run in the kernel; a model has no clock,
 * so they print as 0.00.
 */
import type { Link } from '../../model/netns.js'
import { type JsonObject, type JsonValue, RawNumber } from '../json/value.js'
import type { IpLink } from '../link/record.js'
import {
  findLink,
  operstate,
  otherFlags,
  portState,
  portsOf,
  promiscuity,
  type World,
} from './world.js'

const ZERO_TIMER = new RawNumber('0.00')

/** ether_ntoa: hex bytes without leading zeros (`2:42:a:f4:0:1`). */
function etherNtoa(mac: string): string {
  return mac
    .split(':')
    .map((b) => Number.parseInt(b, 16).toString(16))
    .join(':')
}

/** `br_dump_bridge_id`: priority 0x8000 and the bridge's MAC. */
export function bridgeId(mac: string | undefined): string {
  return `8000.${etherNtoa(mac ?? '00:00:00:00:00:00')}`
}

function bridgeData(link: Link): JsonObject {
  const id = bridgeId(link.mac)
  return {
    forward_delay: 1500,
    hello_time: 200,
    max_age: 2000,
    ageing_time: 30000,
    stp_state: 0,
    priority: 32768,
    vlan_filtering: 0,
    bridge_id: id,
    root_id: id,
    root_port: 0,
    root_path_cost: 0,
    topology_change: 0,
    topology_change_detected: 0,
    hello_timer: ZERO_TIMER,
    tcn_timer: ZERO_TIMER,
    topology_change_timer: ZERO_TIMER,
    gc_timer: ZERO_TIMER,
    group_fwd_mask: '0',
    group_addr: '01:80:c2:00:00:00',
    mcast_snooping: 1,
    no_linklocal_learn: 0,
    mcast_vlan_snooping: 0,
    mcast_router: 1,
    mcast_query_use_ifaddr: 0,
    mcast_querier: 0,
    mcast_hash_elasticity: 16,
    mcast_hash_max: 4096,
    mcast_last_member_cnt: 2,
    mcast_startup_query_cnt: 2,
    mcast_last_member_intvl: 100,
    mcast_membership_intvl: 26000,
    mcast_querier_intvl: 25500,
    mcast_query_intvl: 12500,
    mcast_query_response_intvl: 1000,
    mcast_startup_query_intvl: 3124,
    mcast_stats_enabled: 0,
    mcast_igmp_version: 2,
    mcast_mld_version: 1,
    nf_call_iptables: 0,
    nf_call_ip6tables: 0,
    nf_call_arptables: 0,
  }
}

/** A bridge port: port numbers count from 1 in the order ports joined (index order here). */
function portData(world: World, link: Link): JsonObject {
  const bridge = world.state.links.find((l) => l.name === link.master)
  const no = portsOf(world, link.master ?? '').findIndex((p) => p.name === link.name) + 1
  const id = bridgeId(bridge?.mac)
  return {
    state: portState(world, link) ?? 'disabled',
    priority: 32,
    // br_port_cost: veth reports 10 Gb/s, which is path cost 2.
    cost: link.kind === 'veth' ? 2 : 100,
    guard: false,
    root_block: false,
    fastleave: false,
    id: `0x${(0x8000 | no).toString(16)}`,
    no: `0x${no.toString(16)}`,
    designated_port: 0x8000 | no,
    designated_cost: 0,
    bridge_id: id,
    root_id: id,
    hold_timer: ZERO_TIMER,
    message_age_timer: ZERO_TIMER,
    forward_delay_timer: ZERO_TIMER,
    topology_change_ack: 0,
    config_pending: 0,
    proxy_arp: false,
    proxy_arp_wifi: false,
    multicast_router: 1,
    mcast_flood: true,
    bcast_flood: true,
    mcast_to_unicast: false,
    neigh_suppress: false,
    group_fwd_mask: '0',
    group_fwd_mask_str: '0x0',
    vlan_tunnel: false,
    isolated: false,
    locked: false,
  }
}

function kindData(link: Link): JsonObject | undefined {
  switch (link.kind) {
    case 'bridge':
      return bridgeData(link)
    case 'vxlan':
      return {
        port_range: { low: 0, high: 0 },
        ttl: 0,
        df: 'unset',
        ageing: 300,
        udp_csum: true,
        udp_zero_csum6_tx: false,
        udp_zero_csum6_rx: false,
      }
    case 'tun':
      // `ip tuntap add` creates persistent devices without packet information (IFF_NO_PI).
      return { pi: false, vnet_hdr: false, multi_queue: false, persist: true }
    case 'macvlan':
      return { bcqueuelen: 1000, usedbcqueuelen: 1000 }
    case 'ipip':
      return { proto: 'ipip', remote: 'any', local: 'any', ttl: 0, pmtudisc: true }
    default:
      return undefined
  }
}

function linkinfo(world: World, link: Link): JsonObject | undefined {
  const out: Record<string, JsonValue> = {}
  const data = kindData(link)
  if (data !== undefined) out.info_data = data
  if (link.master !== undefined && link.bridgePort !== undefined)
    out.info_slave_data = portData(world, link)
  return Object.keys(out).length === 0 ? undefined : out
}

/** The MTU limits `ip -d link` shows (dev->min_mtu, dev->max_mtu). */
function mtuLimits(link: Link): [number, number] {
  if (link.kind === 'loopback' || link.kind === 'dummy') return [0, 0]
  if (link.kind === 'ipip') return [68, 65515]
  return [68, 65535]
}

/** TSO limit: 512 KiB (GSO_MAX_SIZE) for most, 64 KiB for tun, a bridge's smallest port's. */
function tsoMaxSize(world: World, link: Link): number {
  if (link.kind === 'tun' || link.kind === 'dummy' || link.kind === 'ipip') return 65536
  if (link.kind === 'bridge') {
    const ports = portsOf(world, link.name)
    return ports.length === 0 ? 65536 : Math.min(...ports.map((p) => tsoMaxSize(world, p)))
  }
  return 524280
}

function linkType(link: Link): string {
  if (link.kind === 'loopback') return 'loopback'
  if (link.kind === 'ipip') return 'ipip'
  if (link.kind === 'tun' && link.tun?.mode !== 'tap') return 'none'
  return 'ether'
}

/**
 * The link-layer broadcast (or peer) address. An ipip link's "addresses" are its tunnel ends
 * (`link/ipip 0.0.0.0 brd 0.0.0.0` without them), and its IFLA_LINK is its underlay device, 0
 * (printed null, `@NONE`) without one: unverified, there is no ipip on the fixture kernel.
 */
function broadcast(link: Link): JsonObject {
  if (link.kind === 'loopback') return { broadcast: '00:00:00:00:00:00' }
  if (link.kind === 'ipip') {
    const t = link.iptun ?? {}
    const ends = { address: t.local ?? '0.0.0.0', broadcast: t.remote ?? '0.0.0.0' }
    return {
      link: t.dev ?? null,
      ...ends,
      ...(t.remote === undefined ? {} : { link_pointtopoint: true }),
    }
  }
  if (linkType(link) === 'none') return {}
  return { broadcast: 'ff:ff:ff:ff:ff:ff' }
}

/** The extra fields of a model link, as iproute2 would print them for the kernel's link. */
export function linkExtra(world: World, link: Link): JsonObject {
  const queues = link.kind === 'veth' ? world.host.cpus : 1
  const tun = link.kind === 'tun'
  const [minMtu, maxMtu] = mtuLimits(link)
  const li = linkinfo(world, link)
  const out: Record<string, JsonValue> = {
    flags: otherFlags(world, link),
    // A link that was never up has the noop qdisc; IFF_NO_QUEUE links get noqueue once up.
    qdisc: !link.up ? 'noop' : tun ? 'pfifo_fast' : 'noqueue',
    operstate: operstate(world, link),
    linkmode: 'DEFAULT',
    group: 'default',
    link_type: linkType(link),
    ...broadcast(link),
    promiscuity: promiscuity(world, link),
    allmulti: link.master !== undefined ? 1 : 0,
    min_mtu: minMtu,
    max_mtu: maxMtu,
    ...(li === undefined ? {} : { linkinfo: li }),
    inet6_addr_gen_mode: 'eui64',
    num_tx_queues: queues,
    num_rx_queues: queues,
    gso_max_size: 65536,
    gso_max_segs: 65535,
    tso_max_size: tsoMaxSize(world, link),
    tso_max_segs: 65535,
    gro_max_size: 65536,
  }
  return out
}

/**
 * A record for a model link, ready for the link and address printers. A link enslaved to a
 * bridge without port settings gets the kernel's (no hairpin, learning, flooding).
 */
export function linkRecord(world: World, link: Link): IpLink {
  const isPort = link.master !== undefined && findLink(world, link.master)?.kind === 'bridge'
  const full: Link =
    isPort && link.bridgePort === undefined
      ? { ...link, bridgePort: { hairpin: false, learning: true, flood: true } }
      : link
  return { link: full, extra: linkExtra(world, full) }
}
