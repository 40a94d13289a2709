/**
 * @module core/netfilter/engine/trace
 * Tracing a packet: every random branch with its probability (enumerate), or one seeded
 * sample. Each branch runs on its own fork of the runtime, so a branch's conntrack entry and
 * counters are its own and a flow can continue from any branch.
 */
import type { Packet } from '../../model/packet.js'
import { type Decision, enumerate, SampleChooser } from './chooser.js'
import { processPacket } from './process.js'
import type { NetfilterRuntime } from './runtime.js'
import type { NetfilterEnv, PacketResult, StartHook, TraceEvent } from './types.js'

export type TraceMode =
  | { readonly kind: 'enumerate'; readonly limit?: number }
  | { readonly kind: 'sample'; readonly seed: number }

export interface TraceOutcome {
  readonly probability: number
  readonly decisions: readonly Decision[]
  readonly result: PacketResult
  /** The namespace's netfilter state after this branch's packet. */
  readonly runtime: NetfilterRuntime
}

export function tracePacket(
  rt: NetfilterRuntime,
  env: NetfilterEnv,
  packet: Packet,
  start: StartHook,
  mode: TraceMode = { kind: 'enumerate' },
): TraceOutcome[] {
  if (mode.kind === 'sample') {
    const runtime = rt.fork()
    const chooser = new SampleChooser(mode.seed)
    const result = processPacket(runtime, env, packet, { start, chooser })
    return [{ probability: 1, decisions: chooser.decisions, result, runtime }]
  }
  return enumerate((chooser) => {
    const runtime = rt.fork()
    return { runtime, result: processPacket(runtime, env, packet, { start, chooser }) }
  }, mode.limit).map((b) => ({ probability: b.probability, decisions: b.decisions, ...b.value }))
}

/** The kernel's TRACE prefix for a rule event: `TRACE: nat:KUBE-SVC-…:rule:2`. */
export function traceLine(e: TraceEvent): string {
  switch (e.kind) {
    case 'rule':
      return `TRACE: ${e.table}:${e.chain}:${e.type}:${e.num}`
    case 'conntrack':
      return `conntrack(${e.hook}): ${e.text}`
    case 'nat':
      return `nat(${e.hook}): ${e.text}`
    case 'verdict':
      return `verdict: ${e.text}`
    case 'branch':
      return `branch: ${e.text} (p=${e.probability})`
    default:
      return e.text
  }
}
