/**
 * @module core/lab/compare
 * The emulator's prediction and the kernel's observation in one comparable form.
 *
 * - A verdict per connection attempt: `delivered NETNS saw SRC:SPORT ttl N`, `refused` or
 *   `unanswered`. A TCP or UDP attempt is answered only when the request is delivered AND the
 *   reply reaches the client socket; a refused request whose RST or ICMP error reaches the
 *   client is `refused`; anything else is silence to the client.
 * - Random ports are normalised: the client binds port {@link CLIENT_PORT} in both worlds, so a
 *   source-side port other than that was picked by a NAT (MASQUERADE, `--random-fully`) and
 *   prints as `*`; destination-side ports come from configuration and are kept.
 * - Conntrack entries per namespace: `PROTO ORIG_SRC:P>ORIG_DST:P / REPLY_SRC:P>REPLY_DST:P`,
 *   on the emulator side from its conntrack tables after the branch.
 * - Rules hit per namespace, `table:CHAIN:N` (N 1-based): from the emulator's TRACE lines, and
 *   from the kernel's rule counters (`iptables-save -c` before and after one attempt).
 */
import type { ConntrackEntry, Tuple } from '../conntrack/model.js'
import { KpathError } from '../errors.js'
import type { Ruleset } from '../netfilter/rule.js'
import type { ClusterBranch, ClusterTrace, Walk } from '../walk/types.js'
import type { ObservedOutcome } from './observe.js'

/** The client's source port in both worlds (core/app/cluster-trace CLIENT_PORT). */
export const CLIENT_PORT = 40000

const PROTO_NAMES: Readonly<Record<number, string>> = {
  1: 'icmp',
  6: 'tcp',
  17: 'udp',
  132: 'sctp',
}

/** A source-side port: the client's own, or one a NAT picked at random (`*`). */
function port(p: number | undefined, client = CLIENT_PORT): string {
  return p === undefined ? '' : p === client ? `:${CLIENT_PORT}` : ':*'
}

/** A destination-side port: chosen by configuration (Service, DNAT), kept as is. */
function fixed(p: number | undefined): string {
  return p === undefined ? '' : `:${p}`
}

/** One branch of a trace as the client experiences it. */
export function predictedVerdict(b: ClusterBranch, proto: string): string {
  const o = b.outcome
  const answered = b.reply?.outcome.kind === 'delivered'
  if (o.kind === 'delivered' && answered) {
    if (proto === 'icmp') return `delivered ${o.netns}`
    return `delivered ${o.netns} saw ${o.serverSaw.src}${port(o.serverSaw.sport)} ttl ${o.ttlAtArrival}`
  }
  if (o.kind === 'refused' && answered) return 'refused'
  return 'unanswered'
}

/** Every verdict the emulator allows (one per distinct branch outcome), sorted. */
export function predictedVerdicts(t: ClusterTrace, proto: string): string[] {
  return [...new Set(t.branches.map((b) => predictedVerdict(b, proto)))].sort()
}

/** The port of a socket's `IP:PORT` (probe.py's `local`). */
export function clientPort(local: string | undefined): number | undefined {
  const p = local?.split(':')[1]
  return p === undefined ? undefined : Number(p)
}

/** `clientPort`: the port the attempt's socket had (later attempts use other ports). */
export function observedVerdict(
  o: ObservedOutcome,
  proto: string,
  clientPort = CLIENT_PORT,
): string {
  if (o.kind !== 'delivered') return o.kind
  if (proto === 'icmp') return `delivered ${o.netns}`
  const ttl = o.ttlAtArrival === undefined ? '?' : String(o.ttlAtArrival)
  return `delivered ${o.netns} saw ${o.serverSaw.src}${port(o.serverSaw.sport, clientPort)} ttl ${ttl}`
}

// ---- conntrack ----

/** Original direction: the source port may be random; reply direction: the destination's. */
function tupleText(t: Tuple, dir: 'orig' | 'reply'): string {
  return dir === 'orig'
    ? `${t.src}${port(t.sport)}>${t.dst}${fixed(t.dport)}`
    : `${t.src}${fixed(t.sport)}>${t.dst}${port(t.dport)}`
}

/** A kernel conntrack entry in the comparable form. */
export function conntrackText(e: ConntrackEntry): string {
  const name = PROTO_NAMES[e.proto] ?? String(e.proto)
  return `${name} ${tupleText(e.orig, 'orig')} / ${tupleText(e.reply, 'reply')}`
}

/**
 * The conntrack entries a branch leaves, per namespace, sorted and joined with ` | `: the
 * emulator's own tables after the request and its reply (`ClusterBranch.conntrack`, so the
 * trace must be made with `conntrack: true`). They hold what the kernel's would: nothing where
 * no rule needs conntrack, no connection whose first packet was dropped before the confirm
 * step, none an RST answering a SYN killed. Namespaces with no entry are left out, as the
 * kernel side leaves out empty listings.
 */
export function predictedConntrack(b: ClusterBranch): Map<string, string> {
  if (!b.conntrack)
    throw new KpathError('KPATH_INVALID_ARGUMENT', 'the branch carries no conntrack tables', {
      hint: 'trace with `conntrack: true` (traceBetween / traceCluster)',
    })
  const out = new Map<string, string>()
  for (const [netns, entries] of Object.entries(b.conntrack)) {
    const texts = entries.filter((e) => !background(e)).map(conntrackText)
    if (texts.length > 0) out.set(netns, texts.sort().join(' | '))
  }
  return out
}

/** Background traffic of the lab itself (IGMP reports of links coming up): not a flow's. */
export function background(e: ConntrackEntry): boolean {
  const first = Number(e.orig.dst.split('.')[0])
  return e.l3 === 'ipv4' && first >= 224 && first <= 239
}

// ---- rules hit ----

const TRACE = /^TRACE: ([a-z]+):(.+):(rule|return|policy):(\d+)$/

function ruleCount(rs: Ruleset | undefined, table: string, chain: string): number {
  const t = rs?.tables.find((x) => x.name === table)
  return t?.chains.find((c) => c.name === chain)?.rules.length ?? 0
}

/**
 * The rules a walk matched in one namespace, `table:CHAIN:N`. The kernel's TRACE names an
 * unconditional verdict rule `return:N`/`policy:N` (get_chainname_rulenum), so those count as
 * rule N when the chain has N rules; beyond that they are the chain's end or policy.
 */
export function predictedRules(
  walks: readonly Walk[],
  netns: string,
  rs: Ruleset | undefined,
): string[] {
  const hit = new Set<string>()
  for (const w of walks)
    for (const h of w.hops) {
      if (h.netns !== netns) continue
      for (const line of h.netfilter) {
        const m = TRACE.exec(line)
        if (m === null) continue
        const [, table = '', chain = '', kind, n = '0'] = m
        const i = Number(n)
        if (kind === 'rule' || i <= ruleCount(rs, table, chain)) hit.add(`${table}:${chain}:${i}`)
      }
    }
  return [...hit].sort()
}

/** Rules whose packet counter grew between two `iptables-save -c` listings. */
export function counterHits(before: Ruleset, after: Ruleset): string[] {
  const hit: string[] = []
  for (const t of after.tables) {
    const old = before.tables.find((x) => x.name === t.name)
    for (const c of t.chains) {
      const oldChain = old?.chains.find((x) => x.name === c.name)
      c.rules.forEach((r, i) => {
        const was = oldChain?.rules[i]?.counters?.packets ?? 0n
        if ((r.counters?.packets ?? 0n) > was) hit.push(`${t.name}:${c.name}:${i + 1}`)
      })
    }
  }
  return hit.sort()
}
