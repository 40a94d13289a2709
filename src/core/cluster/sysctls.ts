/**
 * @module core/cluster/sysctls
 * The sysctls every assembled namespace sets explicitly (kernel-lab caveat 1: a new namespace
 * copies init_net's IPv4 `conf/all` and `conf/default`, so nothing may be left to the host).
 *
 * - IPv4 `conf` knobs kpath reads, for `all` and `default`, at the kernel's built-in values
 *   (net/ipv4/devinet.c `ipv4_devconf`), and for each interface the value `default` had when the
 *   interface was created (what `__devinet_sysctl_register` copies). `forwarding` of each
 *   interface follows `ip_forward` (writing `ip_forward` sets every device's `forwarding`).
 * - `net.bridge.bridge-nf-call-iptables`/`ip6tables`: 1, the per-namespace default when
 *   br_netfilter is loaded (kubeadm requires it); 0 in segment namespaces, which stand for
 *   switches.
 * - conntrack: `nf_conntrack_tcp_loose` 1 and `nf_conntrack_tcp_be_liberal` 0 (kernel defaults),
 *   the TCP established/close-wait timeouts at the kernel's defaults (432000 s, 60 s), or at
 *   kube-proxy's on nodes (86400 s, 3600 s: `conntrack.tcpEstablishedTimeout` 24h and
 *   `tcpCloseWaitTimeout` 1h, which kube-proxy writes at start-up).
 */
import { sysctlIface } from '../sysctl/format.js'

/** IPv4 `conf` knobs the routing, ARP and netfilter models read, at the kernel's defaults. */
export const CONF_DEFAULTS: Readonly<Record<string, string>> = {
  rp_filter: '0',
  accept_local: '0',
  route_localnet: '0',
  proxy_arp: '0',
  arp_ignore: '0',
  arp_announce: '0',
  src_valid_mark: '0',
  send_redirects: '1',
}

export type NamespaceKind = 'node' | 'pod' | 'segment' | 'router' | 'external'

/** The namespace-wide sysctls of a fresh namespace of `kind` (before plugins and overrides). */
export function baseSysctls(kind: NamespaceKind, forward: boolean): Record<string, string> {
  const out: Record<string, string> = { 'net.ipv4.ip_forward': forward ? '1' : '0' }
  for (const [key, value] of Object.entries(CONF_DEFAULTS)) {
    out[`net.ipv4.conf.all.${key}`] = value
    out[`net.ipv4.conf.default.${key}`] = value
  }
  const bridgeNf = kind === 'segment' ? '0' : '1'
  out['net.bridge.bridge-nf-call-iptables'] = bridgeNf
  out['net.bridge.bridge-nf-call-ip6tables'] = bridgeNf
  out['net.netfilter.nf_conntrack_tcp_loose'] = '1'
  out['net.netfilter.nf_conntrack_tcp_be_liberal'] = '0'
  out['net.netfilter.nf_conntrack_tcp_timeout_established'] = kind === 'node' ? '86400' : '432000'
  out['net.netfilter.nf_conntrack_tcp_timeout_close_wait'] = kind === 'node' ? '3600' : '60'
  return out
}

/**
 * What a pod namespace takes from its node at creation: IPv4 `ip_forward`, `conf.all.*` and
 * `conf.default.*` (devconf_inherit_init_net = 0 copies them from init_net, the node's own
 * namespace). Containers therefore show `ip_forward = 1` on a forwarding node.
 */
export function inheritedSysctls(node: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [key, value] of Object.entries(node))
    if (
      key === 'net.ipv4.ip_forward' ||
      key.startsWith('net.ipv4.conf.all.') ||
      key.startsWith('net.ipv4.conf.default.')
    )
      out[key] = value
  return out
}

/**
 * Fill the per-interface knobs of `ifaces` that nothing set: each copies `conf.default`, and
 * `forwarding` follows `ip_forward`. A value already present (a plugin's `proxy_arp`, a
 * Topology override) is kept. `conf.all.forwarding` is the same knob as `ip_forward`.
 */
export function fillInterfaceSysctls(
  sysctls: Record<string, string>,
  ifaces: readonly string[],
): void {
  const allForwarding = sysctls['net.ipv4.conf.all.forwarding']
  if (allForwarding !== undefined) sysctls['net.ipv4.ip_forward'] = allForwarding
  const forward = sysctls['net.ipv4.ip_forward'] ?? '0'
  for (const iface of ifaces) {
    // sysctl(8)'s spelling: a dot in the name (flannel.1) becomes a slash (flannel/1).
    const base = `net.ipv4.conf.${sysctlIface(iface)}`
    for (const key of Object.keys(CONF_DEFAULTS))
      sysctls[`${base}.${key}`] ??=
        sysctls[`net.ipv4.conf.default.${key}`] ?? CONF_DEFAULTS[key] ?? '0'
    sysctls[`${base}.forwarding`] ??= forward
  }
}
