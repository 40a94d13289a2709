/**
 * @module core/cni/kube-router/names
 * Interface and object names kube-router uses. Tunnel names changed between releases:
 *
 * - v1.x (`generateTunnelName` in pkg/controllers/routing/utils.go): the node IP without its
 *   dots, `tun-` + it when shorter than 12 characters, else `tun` + it (`192.168.50.51` →
 *   `tun-1921685051`, as seed 001 shows; `192.168.100.100` → `tun192168100100`);
 * - v2.x (`tunnels.GenerateTunnelName`): `tun-` + the first 11 hex digits of the SHA-256 of
 *   the IP without dots and colons, which fits 15 characters for IPv6 too.
 */
import { sha256 } from '../../kube/proxy/sha256.js'

export const KUBE_BRIDGE = 'kube-bridge'
export const KUBE_DUMMY_IF = 'kube-dummy-if'
export const POD_SUBNETS_SET = 'kube-router-pod-subnets'
export const NODE_IPS_SET = 'kube-router-node-ips'
/** The policy-routing table of the overlay (`77 kube-router` in /etc/iproute2/rt_tables). */
export const CUSTOM_TABLE = 77
/** RTPROT 0x11 (`routes.ZebraOriginator`): the proto of routes kube-router injects. */
export const ZEBRA_PROTO = '17'

/** The tunnel interface kube-router creates towards a node IP. */
export function tunnelName(nodeIP: string, major: 1 | 2): string {
  if (major === 1) {
    const stripped = nodeIP.replaceAll('.', '')
    return stripped.length < 12 ? `tun-${stripped}` : `tun${stripped}`
  }
  const stripped = nodeIP.replaceAll('.', '').replaceAll(':', '')
  const hex = [...sha256(stripped)].map((b) => b.toString(16).padStart(2, '0')).join('')
  return `tun-${hex.slice(0, 11)}`
}
