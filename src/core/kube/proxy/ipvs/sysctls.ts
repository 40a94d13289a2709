/**
 * @module core/kube/proxy/ipvs/sysctls
 * What the IPVS proxier leaves in the node's sysctls (`NewProxier`, pkg/proxy/ipvs/proxier.go
 * v1.33), and the IPVS timeouts it sets (`ipvsadm --set` equivalent).
 *
 * - `net.ipv4.vs.conntrack=1` (IPVS keeps conntrack entries, so iptables NAT and the
 *   masquerade mark work on IPVS traffic);
 * - `net.ipv4.vs.conn_reuse_mode`: set to 0 only on kernels 4.1 to 5.8; from 5.9 the kernel's
 *   fix (kubernetes#93297) makes kube-proxy leave it at the kernel default 1;
 * - `net.ipv4.vs.expire_nodest_conn=1`, `net.ipv4.vs.expire_quiescent_template=1`;
 * - `net.ipv4.ip_forward=1`;
 * - with `ipvs.strictARP`: `net.ipv4.conf.all.arp_ignore=1`, `arp_announce=2`, so the node does
 *   not answer ARP for the VIPs on kube-ipvs0 (MetalLB's L2 mode needs this).
 *
 * The IPVS proxier sets no `route_localnet` and does not touch `bridge-nf-call-iptables`.
 */
import { KpathError } from '../../../errors.js'
import type { KubeProxyConfiguration } from '../../model.js'

/** The kernel this render assumes (conn_reuse_mode is left alone from 5.9). */
export const KERNEL_AT_LEAST_5_9 = true

export function ipvsSysctls(config: KubeProxyConfiguration): Record<string, string> {
  const out: Record<string, string> = {
    'net.ipv4.vs.conntrack': '1',
    'net.ipv4.vs.conn_reuse_mode': KERNEL_AT_LEAST_5_9 ? '1' : '0',
    'net.ipv4.vs.expire_nodest_conn': '1',
    'net.ipv4.vs.expire_quiescent_template': '1',
    'net.ipv4.ip_forward': '1',
  }
  if (config.ipvs?.strictARP === true) {
    out['net.ipv4.conf.all.arp_ignore'] = '1'
    out['net.ipv4.conf.all.arp_announce'] = '2'
  }
  return out
}

/** `ipvsadm --set TCP TCPFIN UDP` in seconds; 0 keeps the kernel's value. */
export interface IpvsTimeouts {
  readonly tcp: number
  readonly tcpFin: number
  readonly udp: number
}

const UNIT_SECONDS: Readonly<Record<string, number>> = {
  h: 3600,
  m: 60,
  s: 1,
  ms: 1e-3,
  us: 1e-6,
  µs: 1e-6,
  ns: 1e-9,
}

/** Go's `time.ParseDuration` (as the config's metav1.Duration reads it), in whole seconds. */
export function goDurationSeconds(text: string, field: string): number {
  if (text === '0') return 0
  const re = /(\d+(?:\.\d*)?|\.\d+)(h|ms|m|s|us|µs|ns)/y
  let total = 0
  let at = 0
  while (at < text.length) {
    re.lastIndex = at
    const m = re.exec(text)
    if (m === null) break
    total += Number(m[1]) * (UNIT_SECONDS[m[2] ?? 's'] ?? 1)
    at = re.lastIndex
  }
  if (at !== text.length || text === '')
    throw new KpathError('KPATH_INVALID_ARGUMENT', `${field} ${text} is not a duration`, {
      hint: 'write a Go duration such as 900s, 15m or 1h30m',
    })
  return Math.trunc(total)
}

/** The timeouts kube-proxy configures, or undefined when all are 0 (it then sets nothing). */
export function ipvsTimeouts(config: KubeProxyConfiguration): IpvsTimeouts | undefined {
  const c = config.ipvs
  const read = (v: string | undefined, f: string) => (v === undefined ? 0 : goDurationSeconds(v, f))
  const t: IpvsTimeouts = {
    tcp: read(c?.tcpTimeout, 'ipvs.tcpTimeout'),
    tcpFin: read(c?.tcpFinTimeout, 'ipvs.tcpFinTimeout'),
    udp: read(c?.udpTimeout, 'ipvs.udpTimeout'),
  }
  return t.tcp > 0 || t.tcpFin > 0 || t.udp > 0 ? t : undefined
}
