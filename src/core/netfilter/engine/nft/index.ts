/**
 * @module core/netfilter/engine/nft
 * nftables in the engine: an nft ruleset compiled into base chains that run at the IP hooks,
 * interleaved with the iptables tables and conntrack by priority (see hook.ts).
 */
export { compileNft } from './compile.js'
export type { CompiledNft, CompiledNftChain, CompiledNftRule, HookedChain } from './compiled.js'
export { numgenProbability } from './read.js'
export { NftState } from './state.js'
