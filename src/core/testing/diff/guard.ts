/**
 * @module core/testing/diff/guard
 * The router's own nft tables, outside the ruleset under test, both on the OUTPUT hook, which
 * only the router's own packets cross (the emulator never walks them for a case's packet):
 *
 * - `kpath_guard` drops what the router sends to itself: its answers (REJECT, ICMP errors) to a
 *   packet with a spoofed local source would otherwise loop back through PREROUTING and count
 *   there, and the emulator walks the case's packet only. Always loaded.
 * - `kpath_ct` holds a `ct state` expression, which makes the kernel run conntrack in the
 *   namespace (nft_ct_get_init takes a reference with nf_ct_netns_get) whatever the case's
 *   rules are. Loaded for cases with {@link keepsConntrack}; the others show that conntrack
 *   runs only while a rule needs it (no entries, nat chains not walked). The emulator gets the
 *   same table (predict.ts), so both sides decide from the same rules.
 */
import type { DiffCase } from './case.js'

export const ROUTER_GUARD = `table ip kpath_guard {
\tchain out {
\t\ttype filter hook output priority -400; policy accept;
\t\tfib daddr type local drop
\t}
}
`

export const CT_KEEPER = `table ip kpath_ct {
\tchain out {
\t\ttype filter hook output priority -400; policy accept;
\t\tct state invalid counter packets 0 bytes 0
\t}
}
`

/** Does the case load {@link CT_KEEPER}? Cases written before the field existed did. */
export function keepsConntrack(c: DiffCase): boolean {
  return c.keepConntrack !== false
}
