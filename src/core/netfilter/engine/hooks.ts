/**
 * @module core/netfilter/engine/hooks
 * The netfilter hooks of one namespace in the kernel's order, with conntrack and NAT at their
 * real priorities:
 *
 * ```
 * PREROUTING  raw(-300) · conntrack in(-200) · mangle(-150) · nat DNAT(-100)
 * INPUT       mangle · filter · security · IPVS out(98) · IPVS in(99) · nat SNAT(100) · confirm
 * FORWARD     mangle · filter · security · IPVS out(100)
 * OUTPUT      raw · conntrack in · mangle · nat DNAT · IPVS out(-99) · IPVS in(-98) · filter · security
 * POSTROUTING mangle · nat SNAT(100) · confirm
 * ```
 *
 * The nat table is walked only for a connection's first packet (nf_nat_inet_fn, IP_CT_NEW);
 * if no rule binds a NAT, a null binding is set up. Every packet is then rewritten from the
 * binding (nf_nat_packet), which is how replies are un-NATed without any rule.
 *
 * nft base chains join in by priority (nft/hook.ts): filter and route chains between the steps
 * below, nat chains inside the NAT step next to the iptables nat table.
 */
import { natPacket, nullBinding } from '../../conntrack/index.js'
import { endpointText as endpoint } from '../../net/endpoint.js'
import type { TableName } from '../rule.js'
import { ipvsIn, ipvsOut } from './ipvs-hook.js'
import { type HookStep, runNatChains, withNftChains } from './nft/hook.js'
import type { PacketState } from './state.js'
import type { Hook, HookTable, Verdict } from './types.js'
import { walkTable } from './walk.js'

const ACCEPT: Verdict = { kind: 'accept' }

/** Result of one hook: the verdict, and (when not accepted) which table gave it. */
export interface HookOutcome {
  readonly verdict: Verdict
  readonly table?: HookTable
  /**
   * IPVS took the packet (NF_STOLEN): the rest of this hook does not run; the packet goes out
   * again through OUTPUT and POSTROUTING by `outIface` (ipvs-hook.ts ipvsResend).
   */
  readonly stolen?: { readonly outIface: string }
}

function walk(s: PacketState, table: TableName, hook: Hook): Verdict {
  const t = s.rt.compiled.tables.get(table)
  return t ? walkTable(s, t, hook) : ACCEPT
}

/** nf_conntrack_in: attach the packet to its connection (or a new one). */
export function conntrackIn(s: PacketState, hook: Hook): void {
  if (s.ct?.info === 'UNTRACKED') return
  const hit = s.rt.conntrack.lookup(s.pkt)
  s.ct = { conn: hit.conn, dir: hit.dir, info: hit.info }
  const c = hit.conn
  const text = c
    ? `${hit.info} ${hit.dir} ${c.orig.src}${c.orig.sport === undefined ? '' : `:${c.orig.sport}`} > ${c.orig.dst}${c.orig.dport === undefined ? '' : `:${c.orig.dport}`}${c.tcpState ? ` ${c.tcpState}` : c.sctpState ? ` ${c.sctpState}` : ''}`
    : `${hit.info}: no connection`
  s.events.push({ kind: 'conntrack', hook, text })
}

/** The nat table (and nft nat chains) at a hook: walk them for a new connection, then mangle. */
function natHook(s: PacketState, hook: Hook, manip: 'src' | 'dst'): HookOutcome {
  const ct = s.ct
  const conn = ct?.conn
  if (!conn || !ct || ct.info === 'UNTRACKED' || ct.info === 'INVALID') return { verdict: ACCEPT }
  const done = manip === 'src' ? conn.status.srcNatDone : conn.status.dstNatDone
  if ((ct.info === 'NEW' || ct.info === 'RELATED') && ct.dir === 'original' && !done) {
    const o = runNatChains(s, hook, manip, () => walk(s, 'nat', hook))
    if (o.verdict.kind !== 'accept') return o
    const bound = manip === 'src' ? conn.status.srcNatDone : conn.status.dstNatDone
    if (!bound) nullBinding(s.rt.conntrack, conn, manip, () => s.chooser.pick(1 << 30) / (1 << 30))
  }
  const before = s.pkt
  s.pkt = natPacket(conn, ct.dir, manip, s.pkt)
  if (before.src !== s.pkt.src || before.sport !== s.pkt.sport) {
    s.events.push({
      kind: 'nat',
      hook,
      text: `${manip === 'src' ? 'SNAT' : 'un-DNAT'} ${endpoint(before.src, before.sport)} -> ${endpoint(s.pkt.src, s.pkt.sport)}`,
    })
  }
  if (before.dst !== s.pkt.dst || before.dport !== s.pkt.dport) {
    s.events.push({
      kind: 'nat',
      hook,
      text: `${manip === 'dst' ? 'DNAT' : 'un-SNAT'} ${endpoint(before.dst, before.dport)} -> ${endpoint(s.pkt.dst, s.pkt.dport)}`,
    })
  }
  return { verdict: ACCEPT }
}

/** Run the steps of a hook in priority order; stop at the first verdict that is not ACCEPT. */
function run(s: PacketState, hook: Hook, steps: readonly HookStep[]): HookOutcome {
  s.hook = hook
  for (const [, step] of withNftChains(s, hook, steps)) {
    const r = typeof step === 'string' ? { verdict: walk(s, step, hook), table: step } : step()
    const o: HookOutcome = 'verdict' in r ? r : { verdict: r }
    if (o.stolen) return o
    if (o.verdict.kind !== 'accept') return { verdict: o.verdict, table: o.table ?? 'nat' }
  }
  return { verdict: ACCEPT }
}

/** __nf_conntrack_confirm: a new connection enters the table when its first packet leaves. */
function confirm(s: PacketState): Verdict {
  const conn = s.ct?.conn
  if (!conn || conn.status.confirmed || s.ct?.info === 'UNTRACKED') return ACCEPT
  if (!s.rt.conntrack.confirm(conn)) {
    s.events.push({
      kind: 'conntrack',
      hook: s.hook,
      text: 'insert clash: the kernel drops this packet',
    })
    return { kind: 'drop' }
  }
  return ACCEPT
}

/** The kernel's priorities of the steps (NF_IP_PRI_*; confirm runs last, at INT_MAX). */
const RAW = -300
const CONNTRACK = -200
const MANGLE = -150
const NAT_DST = -100
const FILTER = 0
const SECURITY = 50
const NAT_SRC = 100
/** ip_vs_ops4: out (reply) and in (request) hooks next to the NAT priorities. */
const IPVS_OUT_INPUT = NAT_SRC - 2
const IPVS_IN_INPUT = NAT_SRC - 1
const IPVS_OUT_OUTPUT = NAT_DST + 1
const IPVS_IN_OUTPUT = NAT_DST + 2
const IPVS_OUT_FORWARD = 100
const CONFIRM = 2 ** 31 - 1

export function prerouting(s: PacketState, skipConntrack = false): HookOutcome {
  return run(s, 'PREROUTING', [
    [RAW, 'raw'],
    [
      CONNTRACK,
      () => {
        if (!skipConntrack) conntrackIn(s, 'PREROUTING')
        return ACCEPT
      },
    ],
    [MANGLE, 'mangle'],
    [NAT_DST, () => natHook(s, 'PREROUTING', 'dst')],
  ])
}

export function input(s: PacketState): HookOutcome {
  return run(s, 'INPUT', [
    [MANGLE, 'mangle'],
    [FILTER, 'filter'],
    [SECURITY, 'security'],
    [IPVS_OUT_INPUT, () => ipvsOut(s)],
    [IPVS_IN_INPUT, () => ipvsIn(s)],
    [NAT_SRC, () => natHook(s, 'INPUT', 'src')],
    [CONFIRM, () => confirm(s)],
  ])
}

export function forward(s: PacketState): HookOutcome {
  return run(s, 'FORWARD', [
    [MANGLE, 'mangle'],
    [FILTER, 'filter'],
    [SECURITY, 'security'],
    [IPVS_OUT_FORWARD, () => ipvsOut(s)],
  ])
}

/** `skipConntrack`: the packet already carries its entry (IPVS resending it through OUTPUT). */
export function output(s: PacketState, skipConntrack = false): HookOutcome {
  return run(s, 'OUTPUT', [
    [RAW, 'raw'],
    [
      CONNTRACK,
      () => {
        if (!skipConntrack) conntrackIn(s, 'OUTPUT')
        return ACCEPT
      },
    ],
    [MANGLE, 'mangle'],
    [NAT_DST, () => natHook(s, 'OUTPUT', 'dst')],
    [IPVS_OUT_OUTPUT, () => ipvsOut(s)],
    [IPVS_IN_OUTPUT, () => ipvsIn(s)],
    [FILTER, 'filter'],
    [SECURITY, 'security'],
  ])
}

export function postrouting(s: PacketState): HookOutcome {
  return run(s, 'POSTROUTING', [
    [MANGLE, 'mangle'],
    [NAT_SRC, () => natHook(s, 'POSTROUTING', 'src')],
    [CONFIRM, () => confirm(s)],
  ])
}
