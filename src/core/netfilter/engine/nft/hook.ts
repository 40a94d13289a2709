/**
 * @module core/netfilter/engine/nft/hook
 * nft base chains at the IP hooks, interleaved with the iptables tables and conntrack by
 * priority, as the kernel orders them:
 *
 * - filter and route chains are hooks of their own, placed by priority among raw (-300),
 *   conntrack (-200), mangle (-150), the NAT hook (-100 / 100), filter (0) and security (50).
 *   At equal priority the nft chain runs first: the kernel puts the hook registered last first
 *   (nf_hook_entries_grow), and kpath assumes nft's tables came after iptables' built-in ones.
 * - route chains (output) run like filter chains: kpath re-routes after OUTPUT only when the
 *   destination changed (DNAT), not when a route chain changes the mark.
 * - nat chains are not hooks of their own: nf_nat_register_fn files them under conntrack's NAT
 *   hook (-100 at prerouting/output, 100 at input/postrouting), next to the iptables nat table
 *   (at those same priorities), ordered by their own priority. nf_nat_inet_fn runs them only for
 *   a connection's first packet and stops at the first one that binds a NAT.
 *
 * Both orders were checked on Linux 6.18 with nft 1.0.6 and iptables-legacy in a scratch
 * namespace: an nft chain at priority 0 created after the iptables filter table saw the packet
 * before it (and after it when created first); `nft monitor trace` showed a nat chain of
 * priority -120 running after a filter chain of priority -105.
 */
import { unsupported } from '../../../errors.js'
import type { TableName } from '../../rule.js'
import type { PacketState } from '../state.js'
import type { Hook, HookTable, Verdict } from '../types.js'
import type { CompiledNft, HookedChain } from './compiled.js'
import { walkNftChain } from './walk.js'

/** A step's result: a verdict, and where it came from when it is not accept. */
export interface StepOutcome {
  readonly verdict: Verdict
  readonly table?: HookTable
}

/** A step of a hook at its priority: an iptables table, or a function (conntrack, NAT, nft). */
export type HookStep = readonly [priority: number, step: TableName | (() => Verdict | StepOutcome)]

/** The trace id of the packet in the hook being run, shared by every nft chain of the hook. */
const hookIds = new WeakMap<PacketState, string>()

/** A trace id for a packet at a hook (the kernel's is a hash of the skb; any stable id will do). */
export function traceId(s: PacketState, hook: Hook): string {
  const p = s.pkt
  const text = `${hook} ${p.src} ${p.sport} ${p.dst} ${p.dport} ${p.proto} ${s.events.length}`
  let h = 0x811c9dc5
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193)
  return (h >>> 0).toString(16).padStart(8, '0')
}

function chainsAt(s: PacketState, hook: Hook, nat: boolean): readonly HookedChain[] {
  const all = s.rt.nft?.compiled.hooks.get(hook) ?? []
  return all.filter((h) => (h.base.type === 'nat') === nat && h.families.has(s.pkt.family))
}

/** Chains kpath cannot run are refused when a packet would pass them. */
function checkUnmodelled(s: PacketState, hook: Hook, c: CompiledNft): void {
  for (const u of c.unmodelled) {
    const b = u.base
    if (u.chain.rules.length === 0 && b.policy === 'accept') continue
    const hit =
      (u.chain.family === 'bridge' && s.pkt.bridged === true) ||
      (b.hook === 'ingress' && hook === 'PREROUTING' && b.device === s.pkt.inIface) ||
      (b.hook === 'egress' && hook === 'POSTROUTING' && b.device === s.pkt.outIface)
    if (hit) {
      throw unsupported(
        `nft chain ${u.chain.label} (${u.chain.family} ${b.hook}) is not modelled`,
        undefined,
        'kpath runs nft chains at the IP hooks (prerouting, input, forward, output, postrouting)',
      )
    }
  }
}

/** `steps` with the nft filter/route base chains of `hook` merged in by priority. */
export function withNftChains(
  s: PacketState,
  hook: Hook,
  steps: readonly HookStep[],
): readonly HookStep[] {
  const nft = s.rt.nft
  if (!nft) return steps
  checkUnmodelled(s, hook, nft.compiled)
  const id = traceId(s, hook)
  hookIds.set(s, id)
  const chains = chainsAt(s, hook, false)
  if (chains.length === 0) return steps
  const out: HookStep[] = []
  let i = 0
  for (const h of chains) {
    while (i < steps.length && (steps[i] as HookStep)[0] < h.base.priority)
      out.push(steps[i++] as HookStep)
    out.push([
      h.base.priority,
      () => ({ verdict: walkNftChain(s, h.chain, id, { nat: false }), table: h.chain.label }),
    ])
  }
  return [...out, ...steps.slice(i)]
}

/**
 * The NAT hook's chains for a new connection: the iptables nat table (`iptables`) and the nft
 * nat chains, in priority order, until one binds the `manip` NAT or gives a verdict other than
 * accept. The caller sets up the null binding if none bound.
 */
export function runNatChains(
  s: PacketState,
  hook: Hook,
  manip: 'src' | 'dst',
  iptables: () => Verdict,
): StepOutcome {
  const chains = chainsAt(s, hook, true)
  if (chains.length === 0) return { verdict: iptables(), table: 'nat' }
  const id = hookIds.get(s) ?? traceId(s, hook)
  const own = manip === 'dst' ? -100 : 100
  const steps: { prio: number; table: HookTable; run: () => Verdict }[] = chains.map((h) => ({
    prio: h.base.priority,
    table: h.chain.label,
    run: () => walkNftChain(s, h.chain, id, { nat: true }),
  }))
  const at = steps.findIndex((x) => x.prio > own)
  steps.splice(at < 0 ? steps.length : at, 0, { prio: own, table: 'nat', run: iptables })
  const conn = s.ct?.conn
  for (const step of steps) {
    const v = step.run()
    if (v.kind !== 'accept') return { verdict: v, table: step.table }
    if (conn && (manip === 'src' ? conn.status.srcNatDone : conn.status.dstNatDone)) break
  }
  return { verdict: { kind: 'accept' } }
}
