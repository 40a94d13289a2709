/**
 * @module core/netfilter/engine/nft/testkit
 * Helpers for the nft engine tests: a node, packets, and a runtime from listing text.
 */
import { synPacket } from '../../../conntrack/test-packets.js'
import type { Packet } from '../../../model/packet.js'
import { parseNftRuleset } from '../../nft/parse.js'
import type { Ruleset } from '../../rule.js'
import { createRuntime, type TraceOutcome, tracePacket } from '../index.js'
import type { NetfilterRuntime } from '../runtime.js'
import { staticEnv } from '../static-env.js'
import type { StartHook, TraceEvent } from '../types.js'

export const NODE = '192.168.0.2'

export const env = staticEnv({
  local: [NODE, '2001:db8::1'],
  ifaceAddrs: { eth0: [`${NODE}/24`, '2001:db8::1/64'], cni0: ['10.244.1.1/24'] },
  outIface: 'eth0',
})

/** A runtime for an nft listing (and optionally an iptables ruleset). */
export function nftRuntime(listing: string, ruleset?: Ruleset, now = 0): NetfilterRuntime {
  return createRuntime({
    ruleset: ruleset ?? { family: 4, tables: [] },
    nft: parseNftRuleset(listing, { file: 'test.nft' }),
    now,
  })
}

export function tcp(src: string, dst: string, dport: number, extra: Partial<Packet> = {}): Packet {
  return synPacket(src, dst, dport, { inIface: 'cni0', ...extra })
}

export function udp(src: string, dst: string, dport: number, extra: Partial<Packet> = {}): Packet {
  const { tcpFlags: _flags, ...p } = tcp(src, dst, dport, extra)
  return { ...p, proto: 17 }
}

/** The one outcome of a walk without random choices. */
export function one(
  rt: NetfilterRuntime,
  p: Packet,
  start: StartHook = 'prerouting',
): TraceOutcome {
  const out = tracePacket(rt, env, p, start)
  const [o] = out
  if (!o || out.length !== 1) throw new Error(`expected one branch, got ${out.length}`)
  return o
}

/** nft trace lines without their trace id: `ip t c rule … (verdict …)`. */
export function nftLines(o: TraceOutcome): string[] {
  return o.result.events
    .filter((e): e is Extract<TraceEvent, { kind: 'nft' }> => e.kind === 'nft')
    .map((e) => e.text.replace(/^trace id [0-9a-f]{8} /, ''))
}

/** A table `ip t` with one chain `c` holding `rules`, hooked at `hook` (filter, priority 0). */
export function chainAt(hook: string, rules: string, prio = 'filter', type = 'filter'): string {
  return `table ip t {\n\tchain c {\n\t\ttype ${type} hook ${hook} priority ${prio}; policy accept;\n${rules}\n\t}\n}\n`
}
