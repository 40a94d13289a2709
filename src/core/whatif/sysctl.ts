/**
 * @module core/whatif/sysctl
 * `sysctl -w NAME=VALUE` in one namespace, with the kernel's side effects kpath's routing reads:
 * writing `net.ipv4.ip_forward` or `net.ipv4.conf.all.forwarding` sets `forwarding` on `all`,
 * `default` and every device (devinet.c inet_forward_change), which is what makes
 * `sysctl -w net.ipv4.ip_forward=0` stop forwarding on every interface (seed 001).
 *
 * Not modelled: writing `conf.default.X` reaching devices that never set X themselves
 * (devinet_copy_dflt_conf): kpath's namespaces set every device's value explicitly.
 */
import { KpathError } from '../errors.js'
import type { NetnsState } from '../model/netns.js'
import { CONF_KEYS, NEW_NETNS_SYSCTLS, sysctlIface } from '../sysctl/index.js'

const FORWARDING_SWITCHES = new Set(['net.ipv4.ip_forward', 'net.ipv4.conf.all.forwarding'])

/** Does the kernel of this namespace have the sysctl `name`? */
function known(n: NetnsState, name: string): boolean {
  if (name in n.sysctls || name in NEW_NETNS_SYSCTLS) return true
  const m = /^net\.ipv4\.conf\.([^.]+)\.([a-z_]+)$/.exec(name)
  if (m === null) return false
  const [, dev = '', key = ''] = m
  const devs = ['all', 'default', ...n.links.map((l) => sysctlIface(l.name))]
  return devs.includes(dev) && (CONF_KEYS as readonly string[]).includes(key)
}

function forwardingEverywhere(n: NetnsState, value: string): Record<string, string> {
  const out: Record<string, string> = { ...n.sysctls, 'net.ipv4.ip_forward': value }
  for (const dev of ['all', 'default', ...n.links.map((l) => sysctlIface(l.name))])
    out[`net.ipv4.conf.${dev}.forwarding`] = value
  for (const k of Object.keys(out))
    if (/^net\.ipv4\.conf\.[^.]+\.forwarding$/.test(k)) out[k] = value
  return out
}

/**
 * @example
 * writeSysctl(node, 'net.ipv4.conf.all.rp_filter', '2').sysctls['net.ipv4.conf.all.rp_filter'] // '2'
 * @throws KpathError KPATH_INVALID_ARGUMENT for a sysctl the namespace does not have
 */
export function writeSysctl(n: NetnsState, name: string, value: string): NetnsState {
  if (!known(n, name)) {
    const devs = n.links.map((l) => l.name).join(', ')
    throw new KpathError('KPATH_INVALID_ARGUMENT', `${n.name} has no sysctl ${name}`, {
      hint: `net.ipv4.conf.{all,default,<device>}.{${CONF_KEYS.join(',')}}, net.ipv4.ip_forward, net.bridge.bridge-nf-call-iptables, …; devices: ${devs}`,
    })
  }
  if (FORWARDING_SWITCHES.has(name)) return { ...n, sysctls: forwardingEverywhere(n, value) }
  return { ...n, sysctls: { ...n.sysctls, [name]: value } }
}
