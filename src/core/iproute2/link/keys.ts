/**
 * @module core/iproute2/link/keys
 * The keys of one link in `ip -j [-d] link` and `ip -j [-d] addr`, in the order iproute2 6.1's
 * `print_linkinfo` (ip/ipaddress.c) prints them, and the order of the interface flags
 * (`print_link_flags`). `addr_info` comes last: `ip addr` prints the addresses after the link.
 */
import { table } from '../fields.js'

export const LINK_FIELDS = table(
  'ifindex:num',
  // print_name_and_link: the peer/parent by name, by index when it lives in another namespace.
  'link:str|null',
  'link_index:num',
  'ifname:str',
  'flags:arr',
  'mtu:num',
  'qdisc:str',
  'master:str',
  'operstate:str',
  'operstate_index:num',
  'linkmode:str',
  'linkmode_index:num',
  'group:str',
  'txqlen:num',
  'link_type:str',
  'address:str',
  'link_pointtopoint:bool',
  'broadcast:str',
  'permaddr:str',
  'link_netnsid:num',
  // Text only: the name `get_name_from_nsid` finds for link_netnsid (`link-netns NAME`).
  '@link_netns:str',
  'proto_down:bool',
  'promiscuity:num',
  'allmulti:num',
  'min_mtu:num',
  'max_mtu:num',
  'linkinfo:obj',
  'inet6_addr_gen_mode:str',
  'num_tx_queues:num',
  'num_rx_queues:num',
  'gso_max_size:num',
  'gso_max_segs:num',
  'tso_max_size:num',
  'tso_max_segs:num',
  'gro_max_size:num',
  'phys_port_name:str',
  'phys_port_id:str',
  'phys_switch_id:str',
  'parentbus:str',
  'parentdev:str',
  'ifalias:str',
  'altnames:arr',
  'addr_info:arr',
)

export const LINKINFO_FIELDS = table(
  'info_kind:str',
  'info_data:obj',
  'info_slave_kind:str',
  'info_slave_data:obj',
)

/** Keys `ip link`/`ip addr` print only with `-d` (`show_details`). */
export const DETAIL_KEYS: ReadonlySet<string> = new Set([
  'promiscuity',
  'allmulti',
  'min_mtu',
  'max_mtu',
  'linkinfo',
  'inet6_addr_gen_mode',
  'num_tx_queues',
  'num_rx_queues',
  'gso_max_size',
  'gso_max_segs',
  'tso_max_size',
  'tso_max_segs',
  'gro_max_size',
  'phys_port_name',
  'phys_port_id',
  'phys_switch_id',
  'parentbus',
  'parentdev',
])

/** Keys only `ip link` prints (`do_link`), not `ip addr`. */
export const LINK_ONLY_KEYS: ReadonlySet<string> = new Set([
  'linkmode',
  'linkmode_index',
  'inet6_addr_gen_mode',
])

/**
 * print_link_flags: NO-CARRIER (UP without RUNNING) first, then the IFF_* names in this
 * order, then leftover bits in hex, then M-DOWN (the link's lower device is down).
 */
export const FLAG_ORDER = [
  'NO-CARRIER',
  'LOOPBACK',
  'BROADCAST',
  'POINTOPOINT',
  'MULTICAST',
  'NOARP',
  'ALLMULTI',
  'PROMISC',
  'MASTER',
  'SLAVE',
  'DEBUG',
  'DYNAMIC',
  'AUTOMEDIA',
  'PORTSEL',
  'NOTRAILERS',
  'UP',
  'LOWER_UP',
  'DORMANT',
  'ECHO',
] as const

/** Rank of a flag in print order; hex leftovers go after ECHO, M-DOWN last. */
export function flagRank(flag: string): number {
  if (flag === 'M-DOWN') return FLAG_ORDER.length + 1
  const i = (FLAG_ORDER as readonly string[]).indexOf(flag)
  return i < 0 ? FLAG_ORDER.length : i
}

export function sortFlags(flags: readonly string[]): string[] {
  return [...flags].sort((a, b) => flagRank(a) - flagRank(b))
}
