/**
 * @module core/route/saddr6
 * IPv6 source address selection: `ipv6_dev_get_saddr` (net/ipv6/addrconf.c), the RFC 6724
 * rules the kernel applies in order. Modelled: 1 same address, 2 appropriate scope, 5 prefer
 * the outgoing interface, 6 matching label (the kernel's default policy table, addrlabel.c),
 * 8 longest matching prefix. Not modelled, because the state carries no such flags: deprecated,
 * optimistic and tentative addresses (3, 10), home addresses (4), temporary addresses (7).
 * Candidates come from the outgoing device only for link-local and multicast destinations,
 * else from every device in ifindex order; the first best score wins.
 */
import type { IfAddr } from './ifaddr.js'
import type { RouteIndex } from './index-build.js'
import { inPrefix, isLinkLocal6, isLoopback6, isMulticast6 } from './key.js'

/** `__ipv6_addr_src_scope`: 1 node, 2 link, 5 site, 14 global; multicast from its bits. */
export function scope6(a: bigint): number {
  if (isMulticast6(a)) return Number((a >> 112n) & 0xfn)
  if (isLoopback6(a)) return 0x1
  if (isLinkLocal6(a)) return 0x2
  if (a >> 118n === 0x3fbn) return 0x5 // fec0::/10 site-local
  return 0xe
}

/** The kernel's default address label table (net/ipv6/addrlabel.c ip6addrlbl_init_table). */
const LABELS: readonly (readonly [bigint, number, number])[] = [
  [0n, 0, 1], // ::/0
  [0x3ffen << 112n, 16, 12],
  [0xfec0n << 112n, 10, 11],
  [0x2001n << 112n, 32, 6],
  [(0x2001n << 112n) | (0x10n << 96n), 28, 7],
  [0xfc00n << 112n, 7, 5],
  [0xffffn << 32n, 96, 4],
  [0n, 96, 3],
  [0x2002n << 112n, 16, 2],
  [1n, 128, 0],
]

function label(a: bigint): number {
  let best = -1
  let out = 1
  for (const [net, len, lbl] of LABELS) {
    if (len > best && inPrefix(6, a, net, len)) {
      best = len
      out = lbl
    }
  }
  return out
}

/** Common leading bits, capped at the candidate's prefix length (rule 8). */
function commonPrefix(a: bigint, b: bigint, cap: number): number {
  let n = 0
  while (n < 128 && ((a ^ b) >> BigInt(127 - n)) % 2n === 0n) n++
  return Math.min(n, cap)
}

/** The score vector of one candidate; compared lexicographically, higher is better. */
function score(ifa: IfAddr, dst: bigint, dev: string | undefined): number[] {
  const s = scope6(ifa.local)
  const ds = scope6(dst)
  return [
    ifa.local === dst ? 1 : 0,
    s >= ds ? -s : s - 128,
    dev !== undefined && ifa.iface === dev ? 1 : 0,
    label(ifa.local) === label(dst) ? 1 : 0,
    commonPrefix(ifa.local, dst, ifa.prefixLen),
  ]
}

function better(a: number[], b: number[]): boolean {
  for (let i = 0; i < a.length; i++) {
    if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) > (b[i] ?? 0)
  }
  return false
}

/** The source for `dst` leaving by `dev` (undefined: none), or undefined when no candidate. */
export function ipv6DevGetSaddr(
  ix: RouteIndex,
  dev: string | undefined,
  dst: bigint,
): bigint | undefined {
  const oifOnly = dev !== undefined && (isMulticast6(dst) || scope6(dst) <= 0x2)
  const devs = oifOnly ? [dev] : ix.linkOrder.map((l) => l.name)
  let best: { ifa: IfAddr; s: number[] } | undefined
  for (const d of devs) {
    for (const ifa of ix.addrs[6].get(d) ?? []) {
      const s = score(ifa, dst, dev)
      if (!best || better(s, best.s)) best = { ifa, s }
    }
  }
  return best?.ifa.local
}
