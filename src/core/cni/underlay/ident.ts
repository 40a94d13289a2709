/**
 * @module core/cni/underlay/ident
 * The MAC a Linux bridge shows. A bridge whose address nobody set follows its ports: it takes
 * the lowest MAC among them (net/bridge/br_stp_if.c `br_stp_recalculate_bridge_id`, run on
 * every port added or removed), and keeps its own random one while it has none. Seed 000's
 * `mybr0` answers ARP with its NIC's VMware MAC (00:0c:29:…), which is lower than any locally
 * administered veth MAC.
 */

/** The lowest of `macs` (lower-case colon form sorts as the numbers do), or undefined. */
export function lowestMac(macs: readonly string[]): string | undefined {
  return [...macs].sort()[0]
}

/** The MAC of a bridge with ports `ports`, else its own. */
export function bridgeMac(own: string, ports: readonly string[]): string {
  return lowestMac(ports) ?? own
}
