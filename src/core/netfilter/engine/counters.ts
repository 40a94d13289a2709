/**
 * @module core/netfilter/engine/counters
 * The ruleset with the counters a runtime accumulated, as `iptables-save -c` would show it
 * after the traced packets.
 */
import type { Chain, Counters, Ruleset } from '../rule.js'
import type { NetfilterRuntime } from './runtime.js'

function add(a: Counters | undefined, b: Counters | undefined): Counters {
  return {
    packets: (a?.packets ?? 0n) + (b?.packets ?? 0n),
    bytes: (a?.bytes ?? 0n) + (b?.bytes ?? 0n),
  }
}

export function rulesetWithCounters(rs: Ruleset, rt: NetfilterRuntime): Ruleset {
  return {
    ...rs,
    tables: rs.tables.map((t) => ({
      ...t,
      chains: t.chains.map(
        (c): Chain => ({
          ...c,
          counters: c.policy ? add(c.counters, rt.counters.get(`${t.name}:${c.name}`)) : c.counters,
          rules: c.rules.map((r, i) => ({
            ...r,
            counters: add(r.counters, rt.counters.get(`${t.name}:${c.name}:${i + 1}`)),
          })),
        }),
      ),
    })),
  }
}
