/**
 * @module core/app/trace-json
 * The `--json` shape of `kpath iptables trace`:
 * `{"outcomes":[{"probability","verdict","packet":{src,sport,dst,dport,proto},"dnat","masquerade",
 * "snat","mark","trace":[…]}]}`. `packet` is the packet as it leaves; `trace` holds the TRACE
 * lines and `steps` every line of the text view.
 */
import { protoName } from '../model/packet.js'
import { traceLine } from '../netfilter/engine/index.js'
import type { IptablesTraceReport } from './iptables-trace.js'

export interface TraceJsonOutcome {
  readonly probability: number
  readonly verdict: 'ACCEPT' | 'DROP' | 'REJECT'
  readonly disposition: string
  readonly packet: {
    src: string
    sport: number | null
    dst: string
    dport: number | null
    proto: string
  }
  readonly dnat: string | null
  readonly masquerade: boolean
  readonly snat: string | null
  readonly mark: string
  /** The kernel's trace lines only: iptables `TRACE: table:chain:type:num`, nft `trace id …`. */
  readonly trace: readonly string[]
  /** Every step: TRACE lines interleaved with conntrack, NAT, routing and verdict lines. */
  readonly steps: readonly string[]
  readonly response?: { src: string; dst: string; proto: string; what: string }
  readonly droppedAt?: { hook: string; table: string }
}

export function traceJson(r: IptablesTraceReport): { outcomes: TraceJsonOutcome[] } {
  return {
    outcomes: r.outcomes.map((o) => {
      const p = o.result.packetOut
      const resp = o.result.response
      return {
        probability: o.probability,
        verdict: o.result.verdict,
        disposition: o.result.disposition,
        packet: {
          src: p.src,
          sport: p.sport ?? null,
          dst: p.dst,
          dport: p.dport ?? null,
          proto: protoName(p.proto),
        },
        dnat: o.result.dnat ?? null,
        masquerade: o.result.masquerade,
        snat: o.result.snat ?? null,
        mark: `0x${p.mark.toString(16)}`,
        trace: o.result.events.filter((e) => e.kind === 'rule' || e.kind === 'nft').map(traceLine),
        steps: o.result.events.map(traceLine),
        ...(resp
          ? {
              response: {
                src: resp.src,
                dst: resp.dst,
                proto: protoName(resp.proto),
                what: o.result.rejectWith ?? '',
              },
            }
          : {}),
        ...(o.result.droppedAt ? { droppedAt: o.result.droppedAt } : {}),
      }
    }),
  }
}
