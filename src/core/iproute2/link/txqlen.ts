/**
 * @module core/iproute2/link/txqlen
 * A link's transmit queue length when the model gives none: the kernel's default for the kind.
 *
 * alloc_netdev_mqs (net/core/dev.c) runs the kind's setup and, when it left tx_queue_len at 0,
 * sets IFF_NO_QUEUE and DEFAULT_TX_QUEUE_LEN (1000); ether_setup sets 1000 itself. So loopback,
 * veth, bridge, vxlan, macvlan, TAP, dummy and ipip links all start at 1000, and only a TUN
 * device differs: tun_net_init sets TUN_READQ_SIZE (500). rtnl_create_link then applies
 * IFLA_TXQLEN when the request carries it (`ip link add … txqueuelen N`, or netlink clients
 * that always send it, 0 included).
 *
 * Checked with `ip link add`/`ip tuntap add` in a scratch namespace on the fixture kernel
 * (6.18): lo, veth, bridge, vxlan, macvlan and tap 1000, tun 500, `txqueuelen 0` printed with
 * no qlen. dummy and ipip follow the kernel source (that kernel has neither).
 */
import type { Link } from '../../model/netns.js'

/** TUN_READQ_SIZE (drivers/net/tun.c). */
const TUN_TXQLEN = 500
/** DEFAULT_TX_QUEUE_LEN (include/linux/netdevice.h), set by ether_setup and alloc_netdev_mqs. */
const DEFAULT_TXQLEN = 1000

/** The kernel's tx_queue_len for a new link of this kind. */
export function defaultTxqlen(link: Pick<Link, 'kind' | 'tun'>): number {
  // Without `-d` a TUN device reads as kind tun with no mode (link/none); a TAP is Ethernet.
  return link.kind === 'tun' && link.tun?.mode !== 'tap' ? TUN_TXQLEN : DEFAULT_TXQLEN
}

/** The link's transmit queue length, given or default. */
export function txqlenOf(link: Pick<Link, 'kind' | 'tun' | 'txqlen'>): number {
  return link.txqlen ?? defaultTxqlen(link)
}
