/**
 * @module core/netfilter/engine/ipvs-hook
 * IPVS in the netfilter hooks (net/netfilter/ipvs/ip_vs_core.c ip_vs_ops4):
 *
 * ```
 * LOCAL_IN   NAT_SRC-2 (98)  ip_vs_out_hook  replies from a real server: source back to the VIP
 * LOCAL_IN   NAT_SRC-1 (99)  ip_vs_in_hook   a request to a virtual service: schedule, DNAT, send
 * LOCAL_OUT  NAT_DST+1 (-99) ip_vs_out_hook
 * LOCAL_OUT  NAT_DST+2 (-98) ip_vs_in_hook   local requests (a node or hostNetwork pod → VIP)
 * FORWARD    100             ip_vs_out_hook
 * ```
 *
 * There is no PREROUTING hook: only packets routed to a local address (or sent locally) reach
 * a virtual service; forwarded and bridged ones never do. For masquerading (NAT) real servers,
 * ip_vs_nat_xmit rewrites the destination, decrements the TTL, and sends the packet through
 * LOCAL_OUT and POSTROUTING again (ip_vs_nat_send_or_cont); the hook where it was taken never
 * finishes (NF_STOLEN). With net.ipv4.vs.conntrack=1 the packet keeps its conntrack entry, whose
 * reply tuple IPVS points at the real server (ip_vs_update_conntrack), so POSTROUTING's
 * MASQUERADE applies; with 0 the packet is untracked (ip_vs_notrack).
 */

import { unsupported } from '../../errors.js'
import { ipvsEndpoint } from '../../ipvs/order.js'
import { advance, type SchedChoice, schedule } from '../../ipvs/sched.js'
import { type IpvsConn, type IpvsTable, ipvsProtocol } from '../../ipvs/table.js'
import { IPVS_TCP_TIMEOUTS, IPVS_UDP_TIMEOUT, nextIpvsTcpState } from '../../ipvs/tcp-state.js'
import type { Packet } from '../../model/packet.js'
import { withPacket } from '../../model/packet.js'
import type { HookOutcome } from './hooks.js'
import type { PacketState } from './state.js'
import { icmpError } from './targets/reject.js'
import type { Hook } from './types.js'

const ACCEPT: HookOutcome = { verdict: { kind: 'accept' } }
const DROP = (s: PacketState, why: string): HookOutcome => {
  note(s, `IPVS: ${why}: packet dropped`)
  return { verdict: { kind: 'drop' }, table: 'ipvs' }
}

function note(s: PacketState, text: string): void {
  s.events.push({ kind: 'ipvs', hook: s.hook, text })
}

function connText(c: IpvsConn): string {
  return `${c.protocol.toUpperCase()} ${ipvsEndpoint(c.client.address, c.client.port)} → ${ipvsEndpoint(c.virtual.address, c.virtual.port)} → ${ipvsEndpoint(c.destination.address, c.destination.port)} ${c.state}`
}

/** set_tcp_state / udp_state_transition: the connection's state, counters and timeout. */
function setState(t: IpvsTable, c: IpvsConn, dir: 'input' | 'output', pkt: Packet): void {
  if (c.protocol === 'udp') {
    c.expires = IPVS_UDP_TIMEOUT
    return
  }
  if (c.protocol !== 'tcp') return
  c.state = nextIpvsTcpState(c.state, dir, pkt.tcpFlags ?? [])
  c.expires = IPVS_TCP_TIMEOUTS[c.state as keyof typeof IPVS_TCP_TIMEOUTS] ?? 60
  t.setActive(c, c.state === 'ESTABLISHED')
}

/** Pick among the scheduler's choices with the trace's chooser (branches enumerate). */
function pick(
  s: PacketState,
  choices: readonly SchedChoice[],
  label: (i: number) => string,
): number {
  let left = 1
  for (let k = 0; k < choices.length; k++) {
    const c = choices[k] as SchedChoice
    if (k === choices.length - 1 || s.chooser.choose(c.p / left, label(c.index))) return c.index
    left -= c.p
  }
  return -1
}

/**
 * ip_vs_leave: no real server. kpath's services have no FTP or cache-bypass special cases, so
 * the client gets ICMP port unreachable (for TCP too: "the TCP RST cannot be sent") and the
 * packet is dropped.
 */
function leave(s: PacketState, svcText: string): HookOutcome {
  note(s, `IPVS: ${svcText}: no destination available: ICMP port unreachable, packet dropped`)
  const fam = s.pkt.family
  const response = icmpError(s.pkt, s.env.icmpSource(s.pkt), fam === 4 ? 3 : 1, fam === 4 ? 3 : 4)
  const withText = fam === 4 ? 'icmp-port-unreachable' : 'icmp6-port-unreachable'
  return { verdict: { kind: 'reject', with: withText, response }, table: 'ipvs' }
}

function svcText(t: IpvsTable, i: number, pkt: Packet): string {
  const k = t.services[i]?.key
  const sched = t.services[i]?.scheduler ?? ''
  if (!k || k.kind === 'fwmark') return `FWM ${k?.mark ?? 0} ${sched}`
  return `${k.protocol.toUpperCase()} ${ipvsEndpoint(k.address, pkt.dport ?? k.port)} ${sched}`
}

/** ip_vs_schedule (with ip_vs_sched_persist's templates): a new connection, or a verdict. */
function scheduleConn(s: PacketState, t: IpvsTable, i: number): IpvsConn | HookOutcome {
  const svc = t.services[i]
  if (!svc) return ACCEPT
  const name = svcText(t, i, s.pkt)
  const views = t.views(i)
  const pinned = svc.persistence ? t.template(i, s.pkt.src) : undefined
  let index: number
  if (pinned !== undefined) {
    // ip_vs_check_template keeps a template whose server has weight 0
    // (expire_quiescent_template=0): persistent clients stay on a draining server.
    index = pinned
    note(s, `IPVS: ${name}: persistence template for ${s.pkt.src} → ${views[index]?.dest.address}`)
  } else {
    if (svc.key.kind === 'addr' && svc.key.port !== s.pkt.dport && !svc.persistence)
      return leave(s, `${name} (port 0 needs a persistent service)`)
    const pos = t.position(i)
    const choices = schedule(svc, views, pos)
    index = pick(
      s,
      choices,
      (k) =>
        `IPVS ${name} → ${k < 0 ? 'none' : ipvsEndpoint(views[k]?.dest.address ?? '', views[k]?.dest.port ?? 0)}`,
    )
    if (index < 0) return leave(s, name)
    t.setPosition(i, advance(svc, views, pos, index))
    if (svc.persistence) t.setTemplate(i, s.pkt.src, index)
  }
  const c = t.create(i, index, s.pkt)
  note(
    s,
    `IPVS: ${name} → ${ipvsEndpoint(c.destination.address, c.destination.port)} (${c.forward}), new connection`,
  )
  return c
}

/**
 * conn_reuse_mode: a SYN hitting a connection in TIME_WAIT or CLOSE, or (expire_nodest_conn)
 * one whose server now has weight 0, expires it and is scheduled afresh; if the packet still
 * carries the old conntrack entry the kernel drops it (the client retransmits).
 */
function reuse(s: PacketState, t: IpvsTable, c: IpvsConn): 'keep' | 'resched' | 'drop' {
  const syn = s.pkt.tcpFlags?.includes('SYN') === true && !s.pkt.tcpFlags.includes('ACK')
  if (t.config.connReuseMode === 0 || c.protocol !== 'tcp' || !syn) return 'keep'
  const weight0 =
    c.svc !== undefined &&
    c.dest !== undefined &&
    (t.services[c.svc]?.destinations[c.dest]?.weight ?? 1) === 0
  const expected = c.state === 'TIME_WAIT' || c.state === 'CLOSE'
  if (!(t.config.expireNodestConn && weight0) && !expected) return 'keep'
  t.expire(c)
  note(s, `IPVS: SYN reuses ${connText(c)}: connection expired`)
  return s.ct?.conn?.status.confirmed ? 'drop' : 'resched'
}

/** ip_vs_in_hook at LOCAL_IN or LOCAL_OUT. */
export function ipvsIn(s: PacketState): HookOutcome {
  const t = s.rt.ipvs
  if (!t || s.ipvsProperty) return ACCEPT
  if (s.pkt.inner && t.connOut(s.pkt.inner))
    throw unsupported('an ICMP error about an IPVS connection (ip_vs_in_icmp) is not modelled')
  if (!ipvsProtocol(s.pkt.proto)) return ACCEPT
  let c = t.connIn(s.pkt)
  if (c) {
    const r = reuse(s, t, c)
    if (r === 'drop') return DROP(s, 'SYN on an expired connection still tracked by conntrack')
    if (r === 'resched') c = undefined
  }
  if (!c) {
    const flags = s.pkt.tcpFlags ?? []
    // tcp_conn_schedule: only a SYN (or any segment but RST with sloppy_tcp) starts a connection.
    if (
      s.pkt.proto === 6 &&
      (flags.includes('RST') || !(t.config.sloppyTcp || flags.includes('SYN')))
    )
      return ACCEPT
    const i = t.findService(s.pkt)
    if (i === undefined) return ACCEPT
    const made = scheduleConn(s, t, i)
    if ('verdict' in made) return made
    c = made
  } else note(s, `IPVS: existing connection ${connText(c)}`)
  setState(t, c, 'input', s.pkt)
  return transmit(s, t, c)
}

/** 127.0.0.0/8 or ::1, for canonical address text (packets carry canonical text). */
function isLoopbackText(addr: string): boolean {
  return addr.startsWith('127.') || addr === '::1'
}

/** ip_vs_nat_xmit: rewrite the destination, route, and keep or steal the packet. */
function transmit(s: PacketState, t: IpvsTable, c: IpvsConn): HookOutcome {
  if (c.forward !== 'masq')
    throw unsupported(
      `IPVS forwarding method ${c.forward} (${c.forward === 'route' ? 'DR' : 'tunnel'}) is not modelled`,
      undefined,
      'kpath emulates masquerading (Masq) real servers',
    )
  const wasInput = s.hook === 'INPUT'
  const pkt = withPacket(s.pkt, { dst: c.destination.address, dport: c.destination.port })
  const r = s.env.route(pkt)
  if (r.kind === 'unreachable') return DROP(s, `no route to real server ${c.destination.address}`)
  if (r.kind === 'local' && wasInput && isLoopbackText(c.destination.address))
    return DROP(s, 'DNAT from the world to a loopback address')
  // crosses_local_route_boundary: a loopback source cannot leave the host (localhost:NodePort).
  if (r.kind === 'forward' && isLoopbackText(s.pkt.src))
    return DROP(s, `source ${s.pkt.src} is a loopback address and the real server is not local`)
  if (r.kind === 'forward' && s.pkt.ttl <= 1) return DROP(s, 'TTL exceeded (decrement_ttl)')
  s.pkt = r.kind === 'forward' ? withPacket(pkt, { ttl: pkt.ttl - 1 }) : pkt
  s.ipvsProperty = true
  tieConntrack(s, t, c)
  s.events.push({
    kind: 'nat',
    hook: s.hook,
    text: `IPVS DNAT ${ipvsEndpoint(c.virtual.address, c.virtual.port)} -> ${ipvsEndpoint(c.destination.address, c.destination.port)}`,
  })
  if (r.kind === 'local') return ACCEPT
  note(
    s,
    `IPVS: sent to ${c.destination.address} via dev ${r.outIface}: LOCAL_OUT and POSTROUTING again`,
  )
  // Not `{ ...ACCEPT, stolen }`: V8 copies a spread that adds a key on a slow path (~2 µs).
  return { verdict: ACCEPT.verdict, stolen: { outIface: r.outIface } }
}

/** ip_vs_update_conntrack (conntrack=1) or ip_vs_notrack (conntrack=0). */
function tieConntrack(s: PacketState, t: IpvsTable, c: IpvsConn): void {
  const ct = s.ct
  if (!t.config.conntrack) {
    s.ct = { conn: undefined, dir: 'original', info: 'UNTRACKED' }
    note(s, 'IPVS: net.ipv4.vs.conntrack=0: the packet leaves untracked (no MASQUERADE)')
    return
  }
  const conn = ct?.conn
  if (!conn || conn.status.confirmed || ct.dir !== 'original') return
  // The reply will come from the real server: RIP:RPORT → CIP:CPORT.
  conn.reply = {
    ...conn.reply,
    src: c.destination.address,
    ...(conn.reply.sport === undefined ? {} : { sport: c.destination.port }),
  }
}

/** ip_vs_out_hook: a reply from a real server gets the virtual address back as its source. */
export function ipvsOut(s: PacketState): HookOutcome {
  const t = s.rt.ipvs
  if (!t || s.ipvsProperty || !ipvsProtocol(s.pkt.proto)) return ACCEPT
  const c = t.connOut(s.pkt)
  if (c?.forward !== 'masq') return ACCEPT
  setState(t, c, 'output', s.pkt)
  const before = ipvsEndpoint(s.pkt.src, s.pkt.sport ?? 0)
  s.pkt = withPacket(s.pkt, { src: c.virtual.address, sport: c.virtual.port })
  s.ipvsProperty = true
  s.events.push({
    kind: 'nat',
    hook: s.hook,
    text: `IPVS un-DNAT ${before} -> ${ipvsEndpoint(c.virtual.address, c.virtual.port)}`,
  })
  note(s, `IPVS: reply of ${connText(c)}`)
  return ACCEPT
}

/**
 * After ip_vs_in_hook stole the packet: the rest of its way out (NF_HOOK LOCAL_OUT, then
 * dst_output → POSTROUTING). `run` walks one hook (and records it); the result is the last
 * outcome.
 */
export function ipvsResend(
  s: PacketState,
  stolen: { readonly outIface: string },
  run: (hook: Hook) => HookOutcome,
): HookOutcome {
  s.pkt = withPacket(s.pkt, {
    inIface: undefined,
    outIface: stolen.outIface,
    physIn: undefined,
    bridged: undefined,
  })
  const o = run('OUTPUT')
  return o.verdict.kind === 'accept' ? run('POSTROUTING') : o
}
