/**
 * @module core/testing/diff/predict
 * The emulator's side of a differential case: the router's {@link NetnsState} (the fixed
 * topology plus the case's routes, rules, sysctls and ruleset), the netfilter engine with the
 * routing engine's {@link netfilterEnv}, and the packet arriving on r0 at PREROUTING. Every
 * random branch (`-m statistic --mode random`) is enumerated: the kernel's one observation must
 * equal one of them.
 */
import { configFromSysctls } from '../../conntrack/index.js'
import type { NetnsState } from '../../model/netns.js'
import type { Packet } from '../../model/packet.js'
import {
  createRuntime,
  rulesetWithCounters,
  traceLine,
  tracePacket,
} from '../../netfilter/engine/index.js'
import type { Hook, PacketResult } from '../../netfilter/engine/types.js'
import { parseIptablesSave } from '../../netfilter/iptables-save/index.js'
import { parseNftRuleset } from '../../netfilter/nft/index.js'
import type { NftRuleset } from '../../netfilter/nft/model.js'
import type { Ruleset } from '../../netfilter/rule.js'
import { netfilterEnv, withKernelRoutes } from '../../route/index.js'
import type { CasePacket, DiffCase } from './case.js'
import { CT_KEEPER, keepsConntrack } from './guard.js'
import { conntrackKey, countersOf, type Observation } from './observe.js'

let keeper: NftRuleset | undefined
const ctKeeper = (): NftRuleset => {
  keeper ??= parseNftRuleset(CT_KEEPER, { file: 'guard.ts' })
  return keeper
}

export interface Prediction {
  readonly probability: number
  /** The hooks the packet crossed in this branch. */
  readonly hooks: readonly Hook[]
  readonly observation: Observation
  /** The engine's trace lines, for the failure report. */
  readonly trace: readonly string[]
}

/** The router namespace of a case, as the emulator gets it. */
export function routerState(base: NetnsState, c: DiffCase, ruleset: Ruleset): NetnsState {
  return {
    ...base,
    routes: [...base.routes, ...c.routes],
    rules: [...base.rules, ...c.rules],
    sysctls: { ...base.sysctls, ...c.sysctls },
    iptables: { ipv4: ruleset },
  }
}

/** The case's packet as it enters the router by r0. */
export function arrivingPacket(p: CasePacket): Packet {
  const body = p.proto === 6 ? 20 : 8
  return {
    family: 4,
    src: p.src,
    dst: p.dst,
    proto: p.proto,
    ...(p.sport === undefined ? {} : { sport: p.sport }),
    ...(p.dport === undefined ? {} : { dport: p.dport }),
    ...(p.tcpFlags === undefined ? {} : { tcpFlags: p.tcpFlags }),
    ...(p.proto === 1
      ? { icmpType: p.icmpType ?? 8, icmpCode: p.icmpCode ?? 0, icmpId: p.icmpId ?? 0 }
      : {}),
    ttl: p.ttl,
    // The injector sends the 10-byte payload "kpath-diff" after the transport header.
    length: 20 + body + 10,
    mark: 0,
    inIface: 'r0',
  }
}

function observationOf(r: PacketResult, counters: Record<string, number>): Observation {
  const where =
    r.disposition === 'local'
      ? 'local'
      : r.disposition === 'forward'
        ? (r.packetOut.outIface ?? '?')
        : 'dropped'
  const p = r.packetOut
  return {
    where,
    ...(where === 'local' || where === 'dropped'
      ? {}
      : {
          arrived: {
            src: p.src,
            dst: p.dst,
            ...(p.proto === 1
              ? { icmpId: p.icmpId ?? 0 }
              : { sport: p.sport ?? 0, dport: p.dport ?? 0 }),
            ttl: p.ttl,
          },
        }),
    conntrack: where !== 'dropped' && r.conntrack ? [conntrackKey(r.conntrack)] : [],
    counters,
  }
}

/** Every branch the emulator predicts for the case. */
export function predict(base: NetnsState, c: DiffCase): Prediction[] {
  const ruleset = parseIptablesSave(c.ruleset, { family: 4 })
  const state = routerState(base, c, ruleset)
  const env = netfilterEnv(withKernelRoutes(state))
  const rt = createRuntime({
    ruleset,
    conntrackConfig: configFromSysctls(state.sysctls),
    // The router's conntrack keeper, when the case loads it (guard.ts): the engine then decides,
    // as the kernel does, from every rule loaded in the namespace.
    ...(keepsConntrack(c) ? { nft: ctKeeper() } : {}),
  })
  return tracePacket(rt, env, arrivingPacket(c.packet), 'prerouting').map((o) => ({
    probability: o.probability,
    hooks: o.result.hooks,
    observation: observationOf(o.result, countersOf(rulesetWithCounters(ruleset, o.runtime))),
    trace: o.result.events.map(traceLine),
  }))
}
