/**
 * @module core/iproute2/link/kinds
 * `info_data` / `info_slave_data` of the link kinds kpath models, one table per kind: the JSON
 * key and type in print order, and how `ip -d link` writes the same value as text. They follow
 * iproute2 6.1's `bridge_print_opt` (ip/iplink_bridge.c), `bridge_slave_print_opt`
 * (iplink_bridge_slave.c), `vxlan_print_opt` (iplink_vxlan.c), `tun_print_opt` (iptuntap.c),
 * `macvlan_print_opt` (iplink_macvlan.c) and `iptunnel_print_opt` (link_iptnl.c). veth, dummy
 * and loopback have no `print_opt`, so no `info_data` at all.
 *
 * ipip and dummy links cannot be created on the kernel the fixtures come from (no
 * CONFIG_NET_IPIP, no CONFIG_DUMMY): their tables follow the iproute2 source and are
 * **unverified** against a real listing.
 */
import type { FieldType } from '../fields.js'

/** How a JSON value is written in the text listing. */
export type DetailText =
  /** `word value `; `alias` rewrites some values (`ttl 0` is `ttl auto`; null: not printed). */
  | {
      readonly form: 'value'
      readonly word: string
      readonly alias?: Readonly<Record<string, string | null>>
    }
  /** A boolean written `word on` / `word off` (`print_on_off`). */
  | { readonly form: 'onoff'; readonly word: string }
  /** A bridge timer: JSON `%i.%.2i`, text `word %4i.%.2i`. */
  | { readonly form: 'timer'; readonly word: string }
  /** A boolean written as a word when true, or `no` + word / another word when false. */
  | { readonly form: 'bool'; readonly yes: string; readonly no: string }
  /** `srcport LOW HIGH` from `{low, high}`. */
  | { readonly form: 'range'; readonly word: string }
  /** Not in the text listing. */
  | { readonly form: 'json' }

export interface DetailField {
  /** The JSON key; text-only fields carry the key they are read from in `from`. */
  readonly key: string
  readonly type: FieldType
  readonly text: DetailText
  /** A field printed only as text, from another key (bridge_slave `mcast_fast_leave`). */
  readonly from?: string
}

const v = (key: string, type: FieldType, word = key): DetailField => ({
  key,
  type,
  text: { form: 'value', word },
})
const onoff = (key: string, word = key): DetailField => ({
  key,
  type: 'bool',
  text: { form: 'onoff', word },
})
const timer = (key: string): DetailField => ({
  key,
  type: 'num',
  text: { form: 'timer', word: key },
})
const flag = (key: string, word = key): DetailField => ({
  key,
  type: 'bool',
  text: { form: 'bool', yes: word, no: '' },
})

export const BRIDGE_FIELDS: readonly DetailField[] = [
  v('forward_delay', 'num'),
  v('hello_time', 'num'),
  v('max_age', 'num'),
  v('ageing_time', 'num'),
  v('stp_state', 'num'),
  v('priority', 'num'),
  v('vlan_filtering', 'num'),
  v('vlan_protocol', 'str'),
  v('bridge_id', 'str'),
  v('root_id', 'str', 'designated_root'),
  v('root_port', 'num'),
  v('root_path_cost', 'num'),
  v('topology_change', 'num'),
  v('topology_change_detected', 'num'),
  timer('hello_timer'),
  timer('tcn_timer'),
  timer('topology_change_timer'),
  timer('gc_timer'),
  v('vlan_default_pvid', 'num'),
  v('vlan_stats_enabled', 'num'),
  v('vlan_stats_per_port', 'num'),
  v('group_fwd_mask', 'str'),
  v('group_addr', 'str', 'group_address'),
  v('mcast_snooping', 'num'),
  v('no_linklocal_learn', 'num'),
  v('mcast_vlan_snooping', 'num'),
  v('mcast_router', 'num'),
  v('mcast_query_use_ifaddr', 'num'),
  v('mcast_querier', 'num'),
  v('mcast_hash_elasticity', 'num'),
  v('mcast_hash_max', 'num'),
  v('mcast_last_member_cnt', 'num', 'mcast_last_member_count'),
  v('mcast_startup_query_cnt', 'num', 'mcast_startup_query_count'),
  v('mcast_last_member_intvl', 'num', 'mcast_last_member_interval'),
  v('mcast_membership_intvl', 'num', 'mcast_membership_interval'),
  v('mcast_querier_intvl', 'num', 'mcast_querier_interval'),
  v('mcast_query_intvl', 'num', 'mcast_query_interval'),
  v('mcast_query_response_intvl', 'num', 'mcast_query_response_interval'),
  v('mcast_startup_query_intvl', 'num', 'mcast_startup_query_interval'),
  v('mcast_stats_enabled', 'num'),
  v('mcast_igmp_version', 'num'),
  v('mcast_mld_version', 'num'),
  v('nf_call_iptables', 'num'),
  v('nf_call_ip6tables', 'num'),
  v('nf_call_arptables', 'num'),
]

export const BRIDGE_SLAVE_FIELDS: readonly DetailField[] = [
  v('state', 'str'),
  v('priority', 'num'),
  v('cost', 'num'),
  onoff('hairpin'),
  onoff('guard'),
  onoff('root_block'),
  onoff('fastleave'),
  onoff('learning'),
  onoff('flood'),
  v('id', 'str', 'port_id'),
  v('no', 'str', 'port_no'),
  v('designated_port', 'num'),
  v('designated_cost', 'num'),
  v('bridge_id', 'str', 'designated_bridge'),
  v('root_id', 'str', 'designated_root'),
  timer('hold_timer'),
  timer('message_age_timer'),
  timer('forward_delay_timer'),
  v('topology_change_ack', 'num'),
  v('config_pending', 'num'),
  onoff('proxy_arp'),
  onoff('proxy_arp_wifi'),
  v('multicast_router', 'num', 'mcast_router'),
  // Printed again as text only: "we already printed fast_leave before" (iplink_bridge_slave.c).
  {
    key: '@mcast_fast_leave',
    type: 'bool',
    text: { form: 'onoff', word: 'mcast_fast_leave' },
    from: 'fastleave',
  },
  onoff('mcast_flood'),
  onoff('bcast_flood'),
  onoff('mcast_to_unicast'),
  onoff('neigh_suppress'),
  v('group_fwd_mask', 'str'),
  v('group_fwd_mask_str', 'str'),
  onoff('vlan_tunnel'),
  onoff('isolated'),
  onoff('locked'),
  v('backup_port', 'str'),
]

export const VXLAN_FIELDS: readonly DetailField[] = [
  flag('external'),
  flag('vnifilter'),
  v('id', 'num'),
  v('group', 'str'),
  v('remote', 'str'),
  v('group6', 'str', 'group'),
  v('remote6', 'str', 'remote'),
  v('local', 'str'),
  v('local6', 'str', 'local'),
  v('link', 'str', 'dev'),
  { key: 'port_range', type: 'obj', text: { form: 'range', word: 'srcport' } },
  v('port', 'num', 'dstport'),
  // JSON always has "learning"; the text says only "nolearning".
  { key: 'learning', type: 'bool', text: { form: 'bool', yes: '', no: 'nolearning' } },
  flag('proxy'),
  flag('rsc'),
  flag('l2miss'),
  flag('l3miss'),
  { key: 'tos', type: 'str', text: { form: 'value', word: 'tos', alias: { '0x1': 'inherit' } } },
  // IFLA_VXLAN_TTL_INHERIT: text `ttl inherit`, and no "ttl" key at all in JSON.
  { key: '@ttl_inherit', type: 'bool', text: { form: 'bool', yes: 'ttl inherit', no: '' } },
  { key: 'ttl', type: 'num', text: { form: 'value', word: 'ttl', alias: { '0': 'auto' } } },
  { key: 'df', type: 'str', text: { form: 'value', word: 'df', alias: { unset: null } } },
  v('label', 'str', 'flowlabel'),
  { key: 'ageing', type: 'num', text: { form: 'value', word: 'ageing', alias: { '0': 'none' } } },
  v('limit', 'num', 'maxaddr'),
  { key: 'udp_csum', type: 'bool', text: { form: 'bool', yes: 'udpcsum', no: 'noudpcsum' } },
  {
    key: 'udp_zero_csum6_tx',
    type: 'bool',
    text: { form: 'bool', yes: 'udp6zerocsumtx', no: 'noudp6zerocsumtx' },
  },
  {
    key: 'udp_zero_csum6_rx',
    type: 'bool',
    text: { form: 'bool', yes: 'udp6zerocsumrx', no: 'noudp6zerocsumrx' },
  },
  flag('remcsum_tx', 'remcsumtx'),
  flag('remcsum_rx', 'remcsumrx'),
  flag('gbp'),
  flag('gpe'),
]

export const TUN_FIELDS: readonly DetailField[] = [
  v('type', 'str'),
  onoff('pi'),
  onoff('vnet_hdr'),
  // print_mq: JSON says false; the text says nothing unless multi_queue is on.
  { key: 'multi_queue', type: 'bool', text: { form: 'bool', yes: 'multi_queue', no: '' } },
  v('numqueues', 'num'),
  v('numdisabled', 'num'),
  onoff('persist'),
  v('user', 'num|str'),
  v('group', 'num|str'),
]

export const MACVLAN_FIELDS: readonly DetailField[] = [
  v('mode', 'str'),
  flag('nopromisc'),
  flag('nodst'),
  v('bcqueuelen', 'num'),
  v('usedbcqueuelen', 'num'),
]

/** Unverified: ipip cannot be created on the fixture kernel (no CONFIG_NET_IPIP). */
export const IPIP_FIELDS: readonly DetailField[] = [
  flag('external'),
  { key: 'proto', type: 'str', text: { form: 'value', word: '' } },
  v('remote', 'str'),
  v('local', 'str'),
  v('link', 'str', 'dev'),
  { key: 'ttl', type: 'num', text: { form: 'value', word: 'ttl', alias: { '0': 'inherit' } } },
  { key: 'tos', type: 'str', text: { form: 'value', word: 'tos', alias: { '0x1': 'inherit' } } },
  { key: 'pmtudisc', type: 'bool', text: { form: 'bool', yes: 'pmtudisc', no: 'nopmtudisc' } },
  flag('isatap'),
  v('fwmark', 'str'),
]

/** `info_kind` → its `info_data` table; kinds without `print_opt` print no `info_data`. */
export const INFO_DATA: Readonly<Record<string, readonly DetailField[] | undefined>> = {
  bridge: BRIDGE_FIELDS,
  vxlan: VXLAN_FIELDS,
  tun: TUN_FIELDS,
  macvlan: MACVLAN_FIELDS,
  ipip: IPIP_FIELDS,
  veth: undefined,
  dummy: undefined,
}

/** `info_slave_kind` → its `info_slave_data` table. */
export const INFO_SLAVE_DATA: Readonly<Record<string, readonly DetailField[] | undefined>> = {
  bridge: BRIDGE_SLAVE_FIELDS,
}

/** The JSON keys of a detail table (text-only fields left out). */
export function jsonFields(fields: readonly DetailField[]): { key: string; type: FieldType }[] {
  return fields.filter((f) => f.from === undefined).map((f) => ({ key: f.key, type: f.type }))
}
