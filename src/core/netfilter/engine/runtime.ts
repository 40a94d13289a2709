/**
 * @module core/netfilter/engine/runtime
 * The mutable netfilter state of one namespace: conntrack, ipsets, counters and the state of
 * stateful matches (recent lists, nth counters, nfacct objects). A trace branch works on a
 * {@link NetfilterRuntime.fork} so that branches never see each other's connections.
 */
import type { ConntrackTable } from '../../conntrack/index.js'
import type { IpSetDb } from '../../ipset/index.js'
import type { IpvsTable } from '../../ipvs/table.js'
import type { Counters } from '../rule.js'
import type { CompiledRuleset } from './compiled.js'
import type { NftState } from './nft/state.js'

/** One address in a `-m recent` list: the times (seconds) it was seen, newest last, and its TTL. */
export interface RecentEntry {
  readonly stamps: readonly number[]
  readonly ttl: number
}

/** A copy whose counters can change apart (a loop: a trace forks once per branch). */
function copyCounters(from: ReadonlyMap<string, Counters>): Map<string, Counters> {
  const out = new Map<string, Counters>()
  for (const [k, c] of from) out.set(k, { packets: c.packets, bytes: c.bytes })
  return out
}

export class NetfilterRuntime {
  constructor(
    readonly compiled: CompiledRuleset,
    public conntrack: ConntrackTable,
    public ipsets: IpSetDb,
    /** Rule counters added by packets walked here, by rule key; chain policies by `table:chain`. */
    readonly counters = new Map<string, Counters>(),
    /** `-m recent` lists by name, each keyed by the masked address. */
    readonly recent = new Map<string, Map<string, RecentEntry>>(),
    /** `-m statistic --mode nth` counters by rule key. */
    readonly nth = new Map<string, number>(),
    /** `-m nfacct` objects by name. */
    readonly nfacct = new Map<string, Counters>(),
    /** The clock, in seconds, that timeouts and `recent --seconds` read. */
    public now = 0,
    /** The namespace's nftables ruleset and its dynamic state (sets, numgen), if it has one. */
    public nft: NftState | undefined = undefined,
    /** The namespace's IPVS services and connection table, if it runs IPVS. */
    public ipvs: IpvsTable | undefined = undefined,
    /**
     * Conntrack's hooks are registered in this namespace: some loaded rule needs connections
     * (nf_ct_netns_get, see needs-conntrack.ts). Off: no entries, no NAT, no conntrack lines.
     */
    readonly tracking = true,
  ) {}

  fork(): NetfilterRuntime {
    const recent = new Map<string, Map<string, RecentEntry>>()
    for (const [name, list] of this.recent) recent.set(name, new Map(list))
    return new NetfilterRuntime(
      this.compiled,
      this.conntrack.clone(),
      this.ipsets.clone(),
      copyCounters(this.counters),
      recent,
      new Map(this.nth),
      copyCounters(this.nfacct),
      this.now,
      this.nft?.fork(),
      this.ipvs?.clone(),
      this.tracking,
    )
  }

  count(key: string, bytes: number): void {
    const c = this.counters.get(key)
    if (c) {
      c.packets += 1n
      c.bytes += BigInt(bytes)
    } else this.counters.set(key, { packets: 1n, bytes: BigInt(bytes) })
  }
}
