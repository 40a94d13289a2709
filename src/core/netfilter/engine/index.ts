/**
 * @module core/netfilter/engine
 * The netfilter engine: walk packets through a namespace's iptables ruleset (and nftables
 * ruleset) with the kernel's hook order, conntrack and NAT. Start with {@link createRuntime} and
 * {@link tracePacket}.
 */
import { type ConntrackConfig, ConntrackTable } from '../../conntrack/index.js'
import type { ConntrackEntry } from '../../conntrack/model.js'
import { createIpSetDb } from '../../ipset/index.js'
import type { IpSet } from '../../ipset/model.js'
import type { IpvsState } from '../../ipvs/model.js'
import { IpvsTable, ipvsConfig } from '../../ipvs/table.js'
import type { NftRuleset } from '../nft/model.js'
import type { Ruleset } from '../rule.js'
import { compileRuleset } from './compile.js'
import { ipvsNeedsConntrack, nftNeedsConntrack, rulesetNeedsConntrack } from './needs-conntrack.js'
import { compileNft } from './nft/compile.js'
import { NftState } from './nft/state.js'
import { NetfilterRuntime } from './runtime.js'

export { type Chooser, type Decision, enumerate, SampleChooser } from './chooser.js'
export { type CompileOptions, compileRuleset } from './compile.js'
export type { CompiledRuleset } from './compiled.js'
export { rulesetWithCounters } from './counters.js'
export { modelledMatches } from './matches/index.js'
export { kernelProbability } from './matches/statistic.js'
export { nftNeedsConntrack, rulesetNeedsConntrack } from './needs-conntrack.js'
export {
  type CompiledNft,
  compileNft,
  NftState,
  numgenProbability,
} from './nft/index.js'
export { processPacket } from './process.js'
export { NetfilterRuntime } from './runtime.js'
export { type StaticEnvOptions, staticEnv } from './static-env.js'
export { modelledTargets } from './targets/index.js'
export { type TraceMode, type TraceOutcome, traceLine, tracePacket } from './trace.js'
export * from './types.js'

export interface RuntimeInput {
  readonly ruleset: Ruleset
  /** The namespace's nftables ruleset (`nft list ruleset`), run alongside the iptables one. */
  readonly nft?: NftRuleset
  readonly ipsets?: readonly IpSet[]
  readonly conntrack?: readonly ConntrackEntry[]
  readonly conntrackConfig?: ConntrackConfig
  /** Seconds on the runtime's clock (recent lists, limits). */
  readonly now?: number
  /** Index long chains (default true). */
  readonly index?: boolean
  /** IPVS services and connections, and the sysctls (`net.ipv4.vs.*`) its packet path reads. */
  readonly ipvs?: IpvsState
  readonly sysctls?: Readonly<Record<string, string>>
  /**
   * Run conntrack whatever the rules say. By default it runs only when a loaded rule needs it,
   * as in the kernel (needs-conntrack.ts); tests of conntrack itself may force it on.
   */
  readonly tracking?: boolean
}

/** nf_ct_netns_get: does anything loaded in the namespace take a conntrack reference? */
export function needsConntrack(input: RuntimeInput): boolean {
  const family = input.ruleset.family
  return (
    rulesetNeedsConntrack(input.ruleset) ||
    (input.nft !== undefined && nftNeedsConntrack(input.nft, family)) ||
    (input.ipvs !== undefined && ipvsNeedsConntrack(input.ipvs, family))
  )
}

/** Compile a namespace's netfilter state into a runtime ready to walk packets. */
export function createRuntime(input: RuntimeInput): NetfilterRuntime {
  const now = input.now ?? 0
  return new NetfilterRuntime(
    compileRuleset(input.ruleset, { index: input.index !== false }),
    ConntrackTable.from(input.conntrack ?? [], input.conntrackConfig),
    createIpSetDb(input.ipsets ?? []),
    undefined,
    undefined,
    undefined,
    undefined,
    now,
    input.nft ? new NftState(compileNft(input.nft), now) : undefined,
    input.ipvs ? IpvsTable.from(input.ipvs, ipvsConfig(input.sysctls)) : undefined,
    input.tracking ?? needsConntrack(input),
  )
}
