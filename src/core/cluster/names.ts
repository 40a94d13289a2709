/**
 * @module core/cluster/names
 * Deterministic stand-ins for what the kernel and the CNI plugins pick at random: MAC addresses
 * (the kernel's `eth_random_addr`, a locally administered unicast address), veth names
 * (`vethXXXXXXXX`) and container IDs. Each is derived from a SHA-256 of stable names, so the
 * same cluster always renders the same state, and traces, the lab and fixtures agree.
 */
import { sha256 } from '../kube/proxy/sha256.js'

/** Lower-case hex of SHA-256(`text`): 64 characters. */
export function sha256Hex(text: string): string {
  let out = ''
  for (const b of sha256(text)) out += b.toString(16).padStart(2, '0')
  return out
}

/**
 * A locally administered unicast MAC for `iface` in namespace `netns`, as `eth_random_addr`
 * would give (bit 1 of the first octet set, bit 0 clear), but derived from the names.
 *
 * @example
 * deterministicMac('node-worker', 'flannel.1') // e.g. '4a:1f:…'
 */
export function deterministicMac(netns: string, iface: string): string {
  const bytes = sha256(`mac/${netns}/${iface}`).slice(0, 6)
  bytes[0] = ((bytes[0] ?? 0) & 0xfe) | 0x02
  return [...bytes].map((b) => b.toString(16).padStart(2, '0')).join(':')
}

/** The Linux limit on interface names (IFNAMSIZ 16, with the terminating NUL). */
export const IFNAME_MAX = 15

export function isValidIfName(name: string): boolean {
  return (
    name.length > 0 &&
    name.length <= IFNAME_MAX &&
    !/[\s/:]/.test(name) &&
    name !== '.' &&
    name !== '..'
  )
}

/**
 * The MAC a Linux bridge shows: without an address set by hand it takes the lowest MAC among
 * its ports (net/bridge/br_stp_if.c `br_stp_recalculate_bridge_id`, on every port change), and
 * keeps its own random one while it has none. Lower-case colon text sorts as the numbers do.
 */
export function bridgeMac(own: string, portMacs: readonly string[]): string {
  return [...portMacs].sort()[0] ?? own
}
