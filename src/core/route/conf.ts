/**
 * @module core/route/conf
 * The per-interface settings routing, ARP and source validation read. The seven IPv4 knobs the
 * sysctl module knows (rp_filter, arp_ignore, arp_announce: max of all and link; proxy_arp,
 * route_localnet, accept_local: all OR link; forwarding: the link's own) come from its
 * `effectiveSysctl`; the few others follow the same include/linux/inetdevice.h macros here:
 * arp_filter, src_valid_mark and send_redirects are OR-ed (`IN_DEV_ORCONF`), medium_id and
 * proxy_arp_pvlan are the link's own (`IN_DEV_CONF_GET`). A link without a value of its own
 * has `conf.default`'s (what it copied), else the kernel's built-in default.
 *
 * Sysctl names use the `sysctl -a` spelling, in which a dot inside a link name is a `/`
 * (`net.ipv4.conf.flannel/1.rp_filter`).
 */
import type { NetnsState } from '../model/netns.js'
import { CONF_KEYS, type ConfKey, effectiveSysctl, sysctlIface } from '../sysctl/index.js'

/** Built-in defaults of the knobs the sysctl module does not cover (devinet.c ipv4_devconf). */
const BUILTIN: Readonly<Record<string, string>> = {
  arp_filter: '0',
  src_valid_mark: '0',
  send_redirects: '1',
  medium_id: '0',
  proxy_arp_pvlan: '0',
  disable_ipv6: '0',
  forwarding: '0',
}

function num(v: string | undefined): number {
  const n = Number(v)
  return Number.isFinite(n) ? n : 0
}

const isConfKey = (k: string): k is ConfKey => (CONF_KEYS as readonly string[]).includes(k)

/** `all` and the link's own value of an IPv4/IPv6 `conf` knob. */
function raw(
  state: Pick<NetnsState, 'sysctls'>,
  family: 4 | 6,
  iface: string,
  key: string,
): { all: number; dev: number } {
  const s = state.sysctls
  const base = `net.ipv${family}.conf`
  const dflt = s[`${base}.default.${key}`] ?? BUILTIN[key]
  return {
    all: num(s[`${base}.all.${key}`] ?? BUILTIN[key]),
    dev: num(s[`${base}.${sysctlIface(iface)}.${key}`] ?? dflt),
  }
}

/** `IN_DEV_MAXCONF`: rp_filter, arp_ignore, arp_announce. */
export function confMax(state: NetnsState, iface: string, key: string): number {
  if (isConfKey(key)) return effectiveSysctl(state, key, iface)
  const v = raw(state, 4, iface, key)
  return Math.max(v.all, v.dev)
}

/** `IN_DEV_ORCONF`: accept_local, route_localnet, proxy_arp, arp_filter, src_valid_mark, … */
export function confOr(state: NetnsState, iface: string, key: string): boolean {
  if (isConfKey(key)) return effectiveSysctl(state, key, iface) !== 0
  const v = raw(state, 4, iface, key)
  return v.all !== 0 || v.dev !== 0
}

/** `IN_DEV_CONF_GET`: the device's own value (medium_id, proxy_arp_pvlan). */
export function confDev(state: NetnsState, iface: string, key: string): number {
  return raw(state, 4, iface, key).dev
}

/**
 * `IN_DEV_FORWARD` (IPv4): the device's own value, which a write to `ip_forward` or
 * `conf.all.forwarding` sets on every device. IPv6: `idev->cnf.forwarding`, likewise.
 */
export function forwarding(state: NetnsState, family: 4 | 6, iface: string): boolean {
  if (family === 4) return effectiveSysctl(state, 'forwarding', iface) !== 0
  const own = state.sysctls[`net.ipv6.conf.${sysctlIface(iface)}.forwarding`]
  return (
    num(
      own ??
        state.sysctls['net.ipv6.conf.all.forwarding'] ??
        state.sysctls['net.ipv6.conf.default.forwarding'],
    ) !== 0
  )
}

/** `ip6_forward` reads `conf.all.forwarding`, not the input device's value. */
export function forwarding6(state: NetnsState): boolean {
  return num(state.sysctls['net.ipv6.conf.all.forwarding']) !== 0
}

/** IPv6 is off on the interface (`disable_ipv6`, either all or the device). */
export function ipv6Disabled(state: Pick<NetnsState, 'sysctls'>, iface: string): boolean {
  const v = raw(state, 6, iface, 'disable_ipv6')
  return v.all !== 0 || v.dev !== 0
}

/**
 * `net.ipv4.neigh.<iface>.proxy_delay` in USER_HZ (0 answers proxy ARP at once). A new
 * namespace has no `neigh.default`; links copy the ARP table's defaults, 80 (0.8 s).
 */
export function proxyDelay(state: NetnsState, iface: string): number {
  return num(
    state.sysctls[`net.ipv4.neigh.${sysctlIface(iface)}.proxy_delay`] ??
      state.sysctls['net.ipv4.neigh.default.proxy_delay'] ??
      '80',
  )
}

/** A namespace-wide `net.ipv4.*` switch such as `icmp_errors_use_inbound_ifaddr`. */
export function netSwitch(state: NetnsState, name: string): boolean {
  return num(state.sysctls[name]) !== 0
}
