/**
 * @module core/netfilter/engine/state
 * The mutable state of one packet's walk through one namespace: the packet as rewritten so far,
 * its conntrack entry, the hook being walked, and where trace events go.
 */
import type { Conn, CtDir, CtInfo } from '../../conntrack/index.js'
import type { Packet } from '../../model/packet.js'
import type { Chooser } from './chooser.js'
import type { CompiledRule } from './compiled.js'
import type { NetfilterRuntime } from './runtime.js'
import type { Hook, NetfilterEnv, TraceEvent } from './types.js'

export interface CtView {
  readonly conn: Conn | undefined
  readonly dir: CtDir
  readonly info: CtInfo
}

export interface PacketState {
  pkt: Packet
  hook: Hook
  ct: CtView | undefined
  readonly rt: NetfilterRuntime
  readonly env: NetfilterEnv
  readonly chooser: Chooser
  readonly events: TraceEvent[]
  /** The rule being evaluated, for per-rule state (statistic nth, recent) and messages. */
  rule: CompiledRule | undefined
  /** A MASQUERADE target bound the source. */
  masquerade: boolean
  /** skb->ipvs_property: IPVS handled this packet (request sent on, or reply un-NATed). */
  ipvsProperty?: boolean
}
