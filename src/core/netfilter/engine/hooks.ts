/**
 * @module core/netfilter/engine/hooks
 * The netfilter hooks of one namespace in the kernel's order, with conntrack and NAT at their
 * real priorities:
 *
 * ```
 * PREROUTING  raw(-300) · conntrack in(-200) · mangle(-150) · nat DNAT(-100)
 * INPUT       mangle · filter · security · nat SNAT(100) · confirm
 * FORWARD     mangle · filter · security
 * OUTPUT      raw · conntrack in · mangle · nat DNAT · filter · security
 * POSTROUTING mangle · nat SNAT(100) · confirm
 * ```
 *
 * The nat table is walked only for a connection's first packet (nf_nat_inet_fn, IP_CT_NEW);
 * if no rule binds a NAT, a null binding is set up. Every packet is then rewritten from the
 * binding (nf_nat_packet), which is how replies are un-NATed without any rule.
 */
import { natPacket, nullBinding } from '../../conntrack/index.js'
import { endpointText as endpoint } from '../../net/endpoint.js'
import type { TableName } from '../rule.js'
import type { PacketState } from './state.js'
import type { Hook, Verdict } from './types.js'
import { walkTable } from './walk.js'

const ACCEPT: Verdict = { kind: 'accept' }

/** Result of one hook: the verdict, and (when not accepted) which table gave it. */
export interface HookOutcome {
  readonly verdict: Verdict
  readonly table?: TableName
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
    ? `${hit.info} ${hit.dir} ${c.orig.src}${c.orig.sport === undefined ? '' : `:${c.orig.sport}`} > ${c.orig.dst}${c.orig.dport === undefined ? '' : `:${c.orig.dport}`}${c.tcpState ? ` ${c.tcpState}` : ''}`
    : `${hit.info}: no connection`
  s.events.push({ kind: 'conntrack', hook, text })
}

/** The nat table at a hook: walk it for a new connection, then mangle the packet. */
function natHook(s: PacketState, hook: Hook, manip: 'src' | 'dst'): Verdict {
  const ct = s.ct
  const conn = ct?.conn
  if (!conn || !ct || ct.info === 'UNTRACKED' || ct.info === 'INVALID') return ACCEPT
  const done = manip === 'src' ? conn.status.srcNatDone : conn.status.dstNatDone
  if ((ct.info === 'NEW' || ct.info === 'RELATED') && ct.dir === 'original' && !done) {
    const v = walk(s, 'nat', hook)
    if (v.kind !== 'accept') return v
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
  return ACCEPT
}

/** Run the steps of a hook in order; stop at the first verdict that is not ACCEPT. */
function run(
  s: PacketState,
  hook: Hook,
  steps: readonly (TableName | (() => Verdict))[],
): HookOutcome {
  s.hook = hook
  for (const step of steps) {
    const v = typeof step === 'string' ? walk(s, step, hook) : step()
    if (v.kind !== 'accept')
      return { verdict: v, ...(typeof step === 'string' ? { table: step } : { table: 'nat' }) }
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

export function prerouting(s: PacketState, skipConntrack = false): HookOutcome {
  return run(s, 'PREROUTING', [
    'raw',
    () => {
      if (!skipConntrack) conntrackIn(s, 'PREROUTING')
      return ACCEPT
    },
    'mangle',
    () => natHook(s, 'PREROUTING', 'dst'),
  ])
}

export function input(s: PacketState): HookOutcome {
  return run(s, 'INPUT', [
    'mangle',
    'filter',
    'security',
    () => natHook(s, 'INPUT', 'src'),
    () => confirm(s),
  ])
}

export function forward(s: PacketState): HookOutcome {
  return run(s, 'FORWARD', ['mangle', 'filter', 'security'])
}

export function output(s: PacketState): HookOutcome {
  return run(s, 'OUTPUT', [
    'raw',
    () => {
      conntrackIn(s, 'OUTPUT')
      return ACCEPT
    },
    'mangle',
    () => natHook(s, 'OUTPUT', 'dst'),
    'filter',
    'security',
  ])
}

export function postrouting(s: PacketState): HookOutcome {
  return run(s, 'POSTROUTING', ['mangle', () => natHook(s, 'POSTROUTING', 'src'), () => confirm(s)])
}
