/**
 * @module core/sysctl/effective
 * The value the kernel acts on for a per-link IPv4 setting, from the `all` and the link's
 * value, as the IN_DEV_* macros of include/linux/inetdevice.h (kernel 6.x) combine them:
 *
 * | setting | macro | combination |
 * |---|---|---|
 * | rp_filter | IN_DEV_RPFILTER = IN_DEV_MAXCONF | max(all, link) |
 * | arp_ignore | IN_DEV_ARP_IGNORE = IN_DEV_MAXCONF | max(all, link) |
 * | arp_announce | IN_DEV_ARP_ANNOUNCE = IN_DEV_MAXCONF | max(all, link) |
 * | proxy_arp | IN_DEV_PROXY_ARP = IN_DEV_ORCONF | all OR link |
 * | route_localnet | IN_DEV_ROUTE_LOCALNET = IN_DEV_ORCONF | all OR link |
 * | accept_local | IN_DEV_ACCEPT_LOCAL = IN_DEV_ORCONF | all OR link |
 * | forwarding | IN_DEV_FORWARD = IN_DEV_CONF_GET | the link's value alone |
 *
 * The link's own value: `net.ipv4.conf.IFACE.X` when the model has it; else `conf.default.X`
 * (a new link copies default, and writing default reaches every link that never set X:
 * devinet_copy_dflt_conf); else the new-namespace default. `forwarding` is special: writing
 * `conf.all.forwarding` (or its alias `ip_forward`) sets every link and default too
 * (inet_forward_change), so a link without its own value follows `all` before `default`.
 */
import { type ConfKey, NEW_NETNS_SYSCTLS } from './defaults.js'
import { sysctlIface } from './format.js'

export interface HasSysctls {
  readonly sysctls: Readonly<Record<string, string>>
}

const MAX: readonly ConfKey[] = ['rp_filter', 'arp_ignore', 'arp_announce']
const OR: readonly ConfKey[] = ['proxy_arp', 'route_localnet', 'accept_local']

function read(state: HasSysctls, name: string): number | undefined {
  const v = state.sysctls[name] ?? NEW_NETNS_SYSCTLS[name]?.value
  if (v === undefined) return undefined
  const n = Number(v.trim())
  return Number.isInteger(n) ? n : undefined
}

function explicit(state: HasSysctls, name: string): number | undefined {
  const v = state.sysctls[name]
  return v === undefined ? undefined : read(state, name)
}

/** `all`'s value (for forwarding, `ip_forward` is the same switch). */
function allValue(state: HasSysctls, key: ConfKey): number {
  const all = `net.ipv4.conf.all.${key}`
  if (key === 'forwarding')
    return explicit(state, all) ?? explicit(state, 'net.ipv4.ip_forward') ?? read(state, all) ?? 0
  return read(state, all) ?? 0
}

/** The link's own value, as `net.ipv4.conf.IFACE.X` would read. */
export function linkValue(state: HasSysctls, key: ConfKey, iface: string): number {
  const own = explicit(state, `net.ipv4.conf.${sysctlIface(iface)}.${key}`)
  if (own !== undefined) return own
  if (key === 'forwarding') {
    const all =
      explicit(state, 'net.ipv4.conf.all.forwarding') ?? explicit(state, 'net.ipv4.ip_forward')
    if (all !== undefined) return all
  }
  return read(state, `net.ipv4.conf.default.${key}`) ?? 0
}

/**
 * @example
 * effectiveSysctl({ sysctls: { 'net.ipv4.conf.all.rp_filter': '2', 'net.ipv4.conf.eth0.rp_filter': '1' } }, 'rp_filter', 'eth0') // 2
 */
export function effectiveSysctl(state: HasSysctls, key: ConfKey, iface: string): number {
  const own = linkValue(state, key, iface)
  if (key === 'forwarding') return own
  const all = allValue(state, key)
  if (MAX.includes(key)) return Math.max(all, own)
  if (OR.includes(key)) return all !== 0 || own !== 0 ? 1 : 0
  return own
}
