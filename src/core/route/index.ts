/**
 * @module core/route
 * Routing and neighbours of one namespace, as the Linux kernel does them: the FIB (an LPM trie
 * per table), policy rules, `ip route get` for input and output packets, the kernel's own
 * routes, source address selection, source validation (rp_filter), ARP answers and neighbour
 * resolution, and the netfilter engine's {@link NetfilterEnv} built from all of it.
 */
export { addrType4, addrType6 } from './addr-type.js'
export type { ArpAnswer } from './arp.js'
export {
  answersArp,
  answersArpForOwnAddressesOnly,
  arpSource,
  mayAnswerArp,
} from './arp.js'
export { netfilterEnv } from './env.js'
export type { FibTable, TableFlow, TableResult } from './fib.js'
export { Fib, tableLookup } from './fib.js'
export type { FibAlias, FibNexthop } from './fib-alias.js'
export { parseRouteDst } from './fib-alias.js'
export type { IfAddr } from './ifaddr.js'
export { compileAddresses, SCOPE } from './ifaddr.js'
export type { RouteIndex } from './index-build.js'
export { routeIndex } from './index-build.js'
export { withKernelRoutes } from './kernel-routes.js'
export { lookupRoute } from './lookup.js'
export type { NeighbourResolution } from './neighbour.js'
export { resolveNeighbour } from './neighbour.js'
export type { FibLookup, FibResult, Flow } from './rules.js'
export { fibLookup, ruleMatches } from './rules.js'
export { ipv6DevGetSaddr } from './saddr6.js'
export { firstAddress, inetSelectAddr } from './select-addr.js'
export type { TrieMatch } from './trie.js'
export { LpmTrie } from './trie.js'
export type { NexthopChoice, RouteErrno, RouteError, RouteQuery, RouteResult } from './types.js'
export type { SourceCheck, SourcePacket } from './validate-source.js'
export { validateSource } from './validate-source.js'
