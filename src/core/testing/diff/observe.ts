/**
 * @module core/testing/diff/observe
 * What the differential tests compare, in one shape for the kernel and the emulator:
 * - `where`: `local` (delivered to the router's own stack), `dropped`, or the router interface
 *   the packet left by (so the namespace behind it received it);
 * - `arrived`: the headers as they left the router (the NAT result and the TTL);
 * - `conntrack`: the router's connection for the packet, original and reply tuples (the reply
 *   tuple is the NAT binding), without state or timers;
 * - `counters`: packets per rule (and per built-in chain policy) that the packet matched.
 *
 * Counters are compared only in chains that nothing but the case's packet can reach. The
 * router answers some packets itself (REJECT, TCP resets, ICMP errors, echo replies); those
 * answers cross OUTPUT and POSTROUTING, so a chain reachable from those hooks is compared only
 * when the case's packet itself crossed them. nat OUTPUT is the exception: the nat table sees a
 * connection's first packet only, and the router's answers always belong to the case's
 * connection (or to none), so nat chains reachable from OUTPUT still count.
 */
import type { ConntrackEntry, Tuple } from '../../conntrack/model.js'
import type { Hook } from '../../netfilter/engine/types.js'
import type { Ruleset } from '../../netfilter/rule.js'
import { isBuiltinChain } from '../../netfilter/rule.js'

export interface ArrivedHeader {
  readonly src: string
  readonly dst: string
  readonly sport?: number
  readonly dport?: number
  readonly icmpId?: number
  readonly ttl: number
}

/** One side's view of a case, before the comparison narrows the counters. */
export interface Observation {
  readonly where: string
  readonly arrived?: ArrivedHeader
  readonly conntrack: readonly string[]
  /** `table chain N` (1-based rule) or `table chain policy` → packets; zero counts left out. */
  readonly counters: Readonly<Record<string, number>>
}

function endpoint(t: Tuple, which: 'src' | 'dst'): string {
  const port = which === 'src' ? t.sport : t.dport
  const addr = which === 'src' ? t.src : t.dst
  if (t.icmpId !== undefined) return `${addr}#${t.icmpId}`
  return port === undefined ? addr : `${addr}:${port}`
}

/** A connection as compared: `proto src > dst | reply src > dst`. */
export function conntrackKey(e: ConntrackEntry): string {
  const o = e.orig
  const r = e.reply
  return `${e.proto} ${endpoint(o, 'src')} > ${endpoint(o, 'dst')} | ${endpoint(r, 'src')} > ${endpoint(r, 'dst')}`
}

/** Packet counts of a ruleset's rules and policies, keyed as in {@link Observation}. */
export function countersOf(rs: Ruleset): Record<string, number> {
  const out: Record<string, number> = {}
  for (const t of rs.tables) {
    for (const c of t.chains) {
      if (c.policy !== undefined && c.counters.packets > 0n)
        out[`${t.name} ${c.name} policy`] = Number(c.counters.packets)
      c.rules.forEach((r, i) => {
        const n = r.counters?.packets ?? 0n
        if (n > 0n) out[`${t.name} ${c.name} ${i + 1}`] = Number(n)
      })
    }
  }
  return out
}

/** For every `table chain`, the hooks whose built-in chain reaches it by jumps and gotos. */
export function chainHooks(rs: Ruleset): Map<string, Set<Hook>> {
  const out = new Map<string, Set<Hook>>()
  for (const t of rs.tables) {
    const names = new Set(t.chains.map((c) => c.name))
    for (const start of t.chains.filter((c) => isBuiltinChain(t.name, c.name))) {
      const hook = start.name as Hook
      const queue = [start.name]
      while (queue.length > 0) {
        const name = queue.shift() as string
        const key = `${t.name} ${name}`
        const hooks = out.get(key) ?? new Set<Hook>()
        if (hooks.has(hook)) continue
        hooks.add(hook)
        out.set(key, hooks)
        for (const r of t.chains.find((c) => c.name === name)?.rules ?? []) {
          const target = r.target?.name
          if (target !== undefined && names.has(target) && !isBuiltinChain(t.name, target))
            queue.push(target)
        }
      }
    }
  }
  return out
}

/** The counters a comparison may look at, given the hooks the case's packet crossed. */
export function comparableCounters(
  counters: Readonly<Record<string, number>>,
  hooksOf: ReadonlyMap<string, ReadonlySet<Hook>>,
  crossed: readonly Hook[],
): Record<string, number> {
  const out: Record<string, number> = {}
  for (const [key, n] of Object.entries(counters)) {
    const [table = '', chain = ''] = key.split(' ')
    const hooks = hooksOf.get(`${table} ${chain}`) ?? new Set<Hook>()
    const ok = [...hooks].every((h) => crossed.includes(h) || (table === 'nat' && h === 'OUTPUT'))
    if (ok && hooks.size > 0) out[key] = n
  }
  return out
}

/**
 * Whether the connection of a packet delivered to the router can be compared. A TCP segment
 * other than a SYN (an ACK, FIN or RST opening a connection, which conntrack picks up with
 * `nf_conntrack_tcp_loose`) reaches no socket, and the router's TCP stack answers with a RST,
 * which deletes the entry in the kernel (nf_conntrack_proto_tcp: a RST as the only reply kills
 * the connection). The emulator walks the case's packet only, not the stack's answer.
 */
export function conntrackComparable(
  packet: { proto: number; tcpFlags?: readonly string[] },
  where: string,
): boolean {
  if (where !== 'local' || packet.proto !== 6) return true
  return packet.tcpFlags?.length === 1 && packet.tcpFlags[0] === 'SYN'
}

/** The differences between two observations, as readable lines (empty when they agree). */
export function differences(kernel: Observation, emulator: Observation): string[] {
  const out: string[] = []
  if (kernel.where !== emulator.where)
    out.push(`where: kernel ${kernel.where}, emulator ${emulator.where}`)
  const ka = JSON.stringify(kernel.arrived ?? null)
  const ea = JSON.stringify(emulator.arrived ?? null)
  if (ka !== ea) out.push(`arrived: kernel ${ka}, emulator ${ea}`)
  const kc = kernel.conntrack.join('; ')
  const ec = emulator.conntrack.join('; ')
  if (kc !== ec) out.push(`conntrack: kernel [${kc}], emulator [${ec}]`)
  const keys = new Set([...Object.keys(kernel.counters), ...Object.keys(emulator.counters)])
  for (const k of [...keys].sort()) {
    const a = kernel.counters[k] ?? 0
    const b = emulator.counters[k] ?? 0
    if (a !== b) out.push(`counter ${k}: kernel ${a}, emulator ${b}`)
  }
  return out
}
