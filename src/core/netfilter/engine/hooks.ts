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

/**
 * nf_conntrack_in: attach the packet to its connection (or a new one). Only where conntrack's
 * hooks are registered (`rt.tracking`, nf_ct_netns_get); elsewhere the packet has no ct.
 */
export function conntrackIn(s: PacketState, hook: Hook): void {
  if (!s.rt.tracking || s.ct?.info === 'UNTRACKED') return
  const hit = s.rt.conntrack.lookup(s.pkt)
  s.ct = { conn: hit.conn, dir: hit.dir, info: hit.info }
  const c = hit.conn
  const text = c
    ? `${hit.info} ${hit.dir} ${c.orig.src}${c.orig.sport === undefined ? '' : `:${c.orig.sport}`} > ${c.orig.dst}${c.orig.dport === undefined ? '' : `:${c.orig.dport}`}${c.tcpState ? ` ${c.tcpState}` : c.sctpState ? ` ${c.sctpState}` : ''}`
    : `${hit.info}: no connection${hit.reason === undefined ? '' : ` (${hit.reason})`}`
  s.events.push({ kind: 'conntrack', hook, text })
  // nf_conntrack_tcp_packet: an RST while the connection never saw a reply kills it
  // (nf_ct_kill_acct); the packet keeps the entry for its NAT, but the table drops it.
  if (c?.status.confirmed && !s.rt.conntrack.has(c))
    s.events.push({ kind: 'conntrack', hook, text: 'connection deleted (RST before any reply)' })
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
  const label = natLabel(manip, ct.dir)
  if (before.src !== s.pkt.src || before.sport !== s.pkt.sport) {
    const text = `${label} ${endpoint(before.src, before.sport)} -> ${endpoint(s.pkt.src, s.pkt.sport)}`
    s.events.push({ kind: 'nat', hook, text })
  }
  if (before.dst !== s.pkt.dst || before.dport !== s.pkt.dport) {
    const text = `${label} ${endpoint(before.dst, before.dport)} -> ${endpoint(s.pkt.dst, s.pkt.dport)}`
    s.events.push({ kind: 'nat', hook, text })
  }
  return { verdict: ACCEPT }
}

/**
 * What a rewrite does, named from the connection's point of view as conntrack's status bits
 * are (nf_nat_packet flips the manip's bit for the reply direction): in the original direction
 * a source manip is the SNAT and a destination manip the DNAT; in the reply direction the
 * destination manip (PREROUTING, OUTPUT) undoes the SNAT and the source manip (POSTROUTING,
 * INPUT) undoes the DNAT.
 */
function natLabel(manip: 'src' | 'dst', dir: 'original' | 'reply'): string {
  if (dir === 'original') return manip === 'src' ? 'SNAT' : 'DNAT'
  return manip === 'dst' ? 'un-SNAT' : 'un-DNAT'
}

/** Run the steps of a hook in priority order; stop at the first verdict that is not ACCEPT. */
function run(s: PacketState, hook: Hook, steps: readonly HookStep[]): HookOutcome {
  s.hook = hook
  for (const [, step] of withNftChains(s, hook, steps)) {
    const r = typeof step === 'string' ? { verdict: walk(s, step, hook), table: step } : step()
    const o: HookOutcome = 'verdict' in r ? r : { verdict: r }
    if (o.stolen) return o
    if (o.verdict.kind !== 'accept') return o
  }
  return { verdict: ACCEPT }
}

/**
 * __nf_conntrack_confirm: a new connection enters the table when its first packet leaves
 * (end of POSTROUTING or INPUT). A packet dropped before never gets here, so its new
 * connection is never listed.
 */
function confirm(s: PacketState): HookOutcome {
  const conn = s.ct?.conn
  if (!conn || conn.status.confirmed || s.ct?.info === 'UNTRACKED') return { verdict: ACCEPT }
  if (!s.rt.conntrack.confirm(conn)) {
    s.events.push({
      kind: 'conntrack',
      hook: s.hook,
      text: 'insert clash: the kernel drops this packet',
    })
    return { verdict: { kind: 'drop' }, table: 'conntrack' }
  }
  return { verdict: ACCEPT }
}

/**
 * The packet is dropped here: a connection it created was never confirmed, so the kernel frees
 * it with the packet (nf_conntrack_destroy via the skb's nfct reference) and never lists it.
 */
export function dropUnconfirmed(s: PacketState): void {
  const conn = s.ct?.conn
  if (!conn || conn.status.confirmed || s.ct?.info === 'UNTRACKED') return
  s.events.push({ kind: 'conntrack', hook: s.hook, text: 'new connection not confirmed (dropped)' })
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
