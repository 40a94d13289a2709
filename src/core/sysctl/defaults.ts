/**
 * @module core/sysctl/defaults
 * The `net.*` sysctls that matter to kpath, as a NEW network namespace has them on the fixture
 * kernel (6.18, measured with `sysctl -a` in a fresh namespace: testdata/fresh.sysctl.txt).
 *
 * Where a value comes from:
 * - `inherited`: IPv4 `conf.all.*` and `conf.default.*` (and `ip_forward`, which is
 *   `conf.all.forwarding`) are copied from the **root** namespace when the namespace is made,
 *   because `net.core.devconf_inherit_init_net` is 0 (devinet_init_net copies init_net's
 *   devconf unless it is 2 or 3). The values below are those of a root namespace that was
 *   never changed (the fixture machine's);
 * - `fixed`: set per namespace by the kernel whatever the root has: `ip_default_ttl`
 *   (IPDEFTTL), `ip_local_port_range`, br_netfilter's `bridge-nf-call-*` (1 in every
 *   namespace) and the IPv6 `conf.all`/`conf.default` values (devconf_inherit_init_net 0
 *   resets IPv6 to its defaults);
 * - a new link's `conf.IFACE.*` is a copy of `conf.default.*` at that moment, and a later
 *   write to `conf.default.X` reaches every link that never set X itself (see effective.ts).
 *
 * Conntrack sysctls belong to the conntrack module (src/core/conntrack/testdata/sysctls.txt).
 */

export type SysctlOrigin = 'inherited' | 'fixed'

export interface SysctlDefault {
  readonly value: string
  readonly origin: SysctlOrigin
}

/** The per-link IPv4 settings kpath reads, under `net.ipv4.conf.{all,default,IFACE}`. */
export const CONF_KEYS = [
  'rp_filter',
  'proxy_arp',
  'arp_ignore',
  'arp_announce',
  'route_localnet',
  'accept_local',
  'forwarding',
] as const

export type ConfKey = (typeof CONF_KEYS)[number]

function conf(): Record<string, SysctlDefault> {
  const out: Record<string, SysctlDefault> = {}
  for (const scope of ['all', 'default']) {
    for (const key of CONF_KEYS)
      out[`net.ipv4.conf.${scope}.${key}`] = { value: '0', origin: 'inherited' }
  }
  return out
}

export const NEW_NETNS_SYSCTLS: Readonly<Record<string, SysctlDefault>> = {
  'net.ipv4.ip_forward': { value: '0', origin: 'inherited' },
  ...conf(),
  'net.ipv4.ip_default_ttl': { value: '64', origin: 'fixed' },
  'net.ipv4.ip_local_port_range': { value: '32768\t60999', origin: 'fixed' },
  'net.bridge.bridge-nf-call-iptables': { value: '1', origin: 'fixed' },
  'net.bridge.bridge-nf-call-ip6tables': { value: '1', origin: 'fixed' },
  'net.bridge.bridge-nf-call-arptables': { value: '1', origin: 'fixed' },
  'net.ipv6.conf.all.forwarding': { value: '0', origin: 'fixed' },
  'net.ipv6.conf.default.forwarding': { value: '0', origin: 'fixed' },
  'net.ipv6.conf.all.disable_ipv6': { value: '0', origin: 'fixed' },
  'net.ipv6.conf.default.disable_ipv6': { value: '0', origin: 'fixed' },
  'net.ipv6.conf.all.accept_dad': { value: '0', origin: 'fixed' },
  'net.ipv6.conf.default.accept_dad': { value: '1', origin: 'fixed' },
}

/**
 * The sysctls of a new namespace: the fixed values, and the inherited ones from `root` (the
 * root namespace's current values) or, without it, from an untouched root.
 */
export function newNetnsSysctls(
  root: Readonly<Record<string, string>> = {},
): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [name, d] of Object.entries(NEW_NETNS_SYSCTLS)) {
    out[name] = d.origin === 'inherited' ? (root[name] ?? d.value) : d.value
  }
  return out
}
